package dev.tern.coap.cli;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The observable plugtest resources (ETSI TD_COAP_OBS): {@code /obs} with CON notifications and
 * {@code /obs-non} with NON notifications. Each changes by itself every {@link #PERIOD} (its value
 * is the time of day), a PUT sets a new value and notifies, a PUT with another Content-Format
 * ends the observations with 4.06, and DELETE ends them with 4.04 (RFC 7641 §3.2, §4.2). A deleted
 * resource answers 4.04 until its next periodic change brings it back, as Californium's plugtest
 * server does, so that a plugtest run can go on with later observe tests after TD_COAP_OBS_07.
 */
final class ObservePlugtest {
    /** How often the resources change by themselves. */
    static final Duration PERIOD = Duration.ofSeconds(2);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private final ObservableResource source;
    private final Clock clock;
    private Bytes value;
    private int format = ContentFormat.TEXT_PLAIN;
    private boolean exists = true;

    private ObservePlugtest(ObservableResource source, Clock clock) {
        this.source = source;
        this.clock = clock;
        this.value = now();
    }

    /** Adds {@code /obs} and {@code /obs-non} to {@code router}, changing on {@code ticker}'s ticks. */
    static Router.Builder addTo(Router.Builder router, Clock clock, Ticker ticker) {
        add(router, "/obs", new ObservePlugtest(ObservableResource.confirmable(), clock), ticker);
        add(router, "/obs-non", new ObservePlugtest(ObservableResource.create(), clock), ticker);
        return router;
    }

    private static void add(Router.Builder router, String path, ObservePlugtest r, Ticker ticker) {
        RouteOptions attrs = RouteOptions.create().title("Observable resource which changes every 2 seconds")
                .resourceType("observe").observable().contentType(ContentFormat.TEXT_PLAIN);
        router.get(path, r.source.handler(r::get), attrs).put(path, r::put).delete(path, r::delete);
        ticker.every(PERIOD, r, ObservePlugtest::tick);
    }

    private Bytes now() {
        return Bytes.utf8(TIME.format(Instant.now(clock)));
    }

    /** The periodic change: a new value, which also brings a deleted resource back as text. */
    private void tick() {
        synchronized (this) {
            if (!exists) {
                format = ContentFormat.TEXT_PLAIN;
                exists = true;
            }
            value = now();
        }
        source.changed();
    }

    private synchronized Response get(Request request) {
        if (!exists) {
            return Response.of(Code.NOT_FOUND);
        }
        return Response.builder(Code.CONTENT).payload(value).contentFormat(format).maxAge(5).build();
    }

    private Response put(Request request) {
        int newFormat = request.contentFormat().orElse(ContentFormat.TEXT_PLAIN);
        boolean formatChanged;
        boolean created;
        synchronized (this) {
            formatChanged = exists && newFormat != format;
            created = !exists;
            value = request.payload();
            format = newFormat;
            exists = true;
        }
        if (formatChanged) {
            source.terminate(Code.NOT_ACCEPTABLE); // the observers asked for the old format
        } else {
            source.changed();
        }
        return Response.of(created ? Code.CREATED : Code.CHANGED);
    }

    private Response delete(Request request) {
        synchronized (this) {
            exists = false;
        }
        source.terminate(Code.NOT_FOUND);
        return Response.of(Code.DELETED);
    }
}
