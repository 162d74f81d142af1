package dev.tern.coap.proxy;

import dev.tern.coap.Observation;
import dev.tern.coap.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One CoAP observation per target for all the gateway's event streams (RFC 7641 §5, as the CoAP
 * proxy's fan-out): the first stream for a target registers, later ones join it and start with the
 * latest notification, every notification goes to every stream, and the observation is cancelled
 * when the last stream leaves (§3.6). Streams are bounded by {@link HttpGateway.Builder#maxEventStreams},
 * so relations are too.
 */
final class EventRelays {
    /** The streams of one target and its observation. */
    private static final class Relay {
        final String key;
        final List<EventStream> streams = new ArrayList<>();
        Observation observation;
        Response latest;

        Relay(String key) {
            this.key = key;
        }
    }

    private final Map<String, Relay> relays = new HashMap<>(); // guarded by this

    /**
     * Adds {@code stream} to the relation for {@code key}; when there is none, {@code start} registers
     * one with the listener it is given.
     */
    synchronized void join(String key, EventStream stream, Function<Consumer<Response>, Observation> start) {
        Relay relay = relays.get(key);
        if (relay != null) {
            relay.streams.add(stream);
            if (relay.latest != null) {
                stream.notified(relay.latest); // a late joiner starts with the current state (RFC 7641 §3.2)
            }
            return;
        }
        Relay fresh = new Relay(key);
        fresh.streams.add(stream);
        relays.put(key, fresh);
        Observation o = start.apply(r -> notified(fresh, r));
        fresh.observation = o;
        o.registered().whenComplete((first, failure) -> {
            if (failure != null) {
                failed(fresh, failure);
            }
        });
        o.ended().whenComplete((v, failure) -> ended(fresh));
    }

    /** Removes {@code stream}; the last one to leave cancels the observation. */
    synchronized void leave(String key, EventStream stream) {
        Relay relay = relays.get(key);
        if (relay != null && relay.streams.remove(stream) && relay.streams.isEmpty()) {
            relays.remove(key);
            relay.observation.cancel();
        }
    }

    /** Relations held now. */
    synchronized int size() {
        return relays.size();
    }

    private synchronized void notified(Relay relay, Response r) {
        if (relays.get(relay.key) != relay) {
            return;
        }
        boolean established = r.code().isSuccess() && r.options().observe().isPresent();
        if (established) {
            relay.latest = r;
        }
        for (EventStream s : List.copyOf(relay.streams)) {
            s.notified(r);
        }
        if (!established) {
            relays.remove(relay.key); // a plain answer or an error ends the relation for every stream
        }
    }

    private synchronized void failed(Relay relay, Throwable failure) {
        if (relays.remove(relay.key, relay)) {
            relay.streams.forEach(s -> s.failed(failure));
        }
    }

    private synchronized void ended(Relay relay) {
        if (relays.remove(relay.key, relay)) {
            relay.streams.forEach(EventStream::ended);
        }
    }
}
