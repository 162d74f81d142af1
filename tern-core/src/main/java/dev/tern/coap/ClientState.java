package dev.tern.coap;

import dev.tern.coap.internal.engine.CoapEndpoint;
import dev.tern.coap.spi.ClientObservationState;
import dev.tern.coap.spi.SecurityLayer;
import dev.tern.coap.spi.StateHolder;
import dev.tern.coap.spi.StateStore;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link CoapClient} with a {@link StateStore} does at build and at close: takes back the
 * saved observations (RFC 7641 §3) and saves the active ones with the security layer's state.
 */
final class ClientState {
    private static final Logger LOG = LoggerFactory.getLogger(ClientState.class);

    private ClientState() {
    }

    /** Takes back the saved observations whose listener {@code resume} gives, by their request. */
    static Map<Request, Observation> resume(StateStore state, CoapEndpoint endpoint,
                                            Function<Request, Consumer<Response>> resume) {
        Map<Request, Observation> out = new LinkedHashMap<>();
        Collection<byte[]> saved = state.load(StateStore.CLIENT_OBSERVATIONS).values();
        state.save(StateStore.CLIENT_OBSERVATIONS, Map.of()); // taken: never written back stale
        for (byte[] record : saved) {
            ClientObservationState observation;
            try {
                observation = ClientObservationState.decode(record);
            } catch (IllegalArgumentException e) {
                LOG.warn("saved observation skipped: {}", e.getMessage());
                continue;
            }
            Consumer<Response> listener = resume.apply(observation.request());
            if (listener != null) {
                Observation o = new Observation();
                endpoint.resumeObservation(observation, o, listener);
                out.put(observation.request(), o);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Saves the active observations and the security layer's state, then flushes; failures are logged. */
    static void save(StateStore state, CoapEndpoint endpoint, SecurityLayer security) {
        try {
            Map<Bytes, byte[]> records = new HashMap<>();
            for (ClientObservationState o : endpoint.exportObservations()) {
                records.put(o.key(), o.encode());
            }
            state.save(StateStore.CLIENT_OBSERVATIONS, records);
            if (security instanceof StateHolder h) {
                state.save(h.stateNamespace(), h.exportState());
            }
            state.flush();
        } catch (RuntimeException e) {
            LOG.error("saving the client's state failed: {}", e.toString());
        }
    }
}
