package dev.tern.coap.cli;

import static dev.tern.coap.cli.Services.call;
import static dev.tern.coap.cli.Services.req;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Method;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.internal.api.ApiAccess;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue 18: the plugtest {@code /obs} after DELETE (TD_COAP_OBS_07) and the {@code /path/sub}
 * resources, with the ticks driven by hand (RFC 7641 §3.2, §4.2).
 */
class ObservePlugtestTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    private final ManualTicker ticker = new ManualTicker();
    private final Router router = PlugtestResources.router(Duration.ofMillis(10), ResourceLimits.DEFAULT, clock, ticker);
    private final List<String> events = new CopyOnWriteArrayList<>();

    /** Registers a listener on the ObservableResource behind {@code path}, as the server engine would for an observer. */
    private Response observe(String path) {
        AtomicReference<ObservableResource> source = new AtomicReference<>();
        Response r = call(router, ApiAccess.get().actions(req(Method.GET, path).observe(), () -> { }, o -> {
            source.set(o);
            return true;
        }).build());
        ApiAccess.get().addObserver(source.get(), new ApiAccess.Observer() {
            @Override
            public void changed() {
                events.add("changed");
            }

            @Override
            public void terminate(Response response) {
                events.add("terminate " + response.code());
            }
        });
        return r;
    }

    @Test
    void obsTicksEveryPeriod() {
        assertThat(ticker.periods).containsOnly(ObservePlugtest.PERIOD);
        assertThat(observe("/obs").payloadString()).isEqualTo("10:00:00");
        clock.advance(Duration.ofSeconds(2));
        ticker.tick();
        assertThat(events).containsExactly("changed");
        assertThat(call(router, req(Method.GET, "/obs").build()).payloadString()).isEqualTo("10:00:02");
    }

    @Test
    void deleteEndsObservationsWith404AndTheNextChangeBringsTheResourceBack() {
        assertThat(observe("/obs").code()).isEqualTo(Code.CONTENT);
        assertThat(call(router, req(Method.DELETE, "/obs").build()).code()).isEqualTo(Code.DELETED);
        assertThat(events).containsExactly("terminate " + Code.NOT_FOUND);
        assertThat(call(router, req(Method.GET, "/obs").build()).code()).isEqualTo(Code.NOT_FOUND);

        clock.advance(Duration.ofSeconds(2));
        ticker.tick();
        Response back = call(router, req(Method.GET, "/obs").build());
        assertThat(back.code()).isEqualTo(Code.CONTENT);
        assertThat(back.contentFormat()).hasValue(ContentFormat.TEXT_PLAIN);
        assertThat(back.payloadString()).isEqualTo("10:00:02");
        // A later observe test can register again and gets the periodic notifications.
        events.clear();
        assertThat(observe("/obs").code()).isEqualTo(Code.CONTENT);
        ticker.tick();
        assertThat(events).contains("changed");
    }

    @Test
    void obsNonComesBackTooAndPutRecreatesBeforeTheTick() {
        call(router, req(Method.DELETE, "/obs-non").build());
        assertThat(call(router, req(Method.PUT, "/obs-non").payload("x").build()).code()).isEqualTo(Code.CREATED);
        assertThat(call(router, req(Method.GET, "/obs-non").build()).payloadString()).isEqualTo("x");
        call(router, req(Method.DELETE, "/obs-non").build());
        ticker.tick();
        assertThat(call(router, req(Method.GET, "/obs-non").build()).code()).isEqualTo(Code.CONTENT);
    }

    @Test
    void pathSubResourcesNameTheirOwnPath() {
        for (int i = 1; i <= 3; i++) {
            Response sub = call(router, req(Method.GET, "/path/sub" + i).build());
            assertThat(sub.code()).isEqualTo(Code.CONTENT);
            assertThat(sub.contentFormat()).hasValue(ContentFormat.TEXT_PLAIN);
            assertThat(sub.payloadString()).isEqualTo("/path/sub" + i);
        }
    }
}
