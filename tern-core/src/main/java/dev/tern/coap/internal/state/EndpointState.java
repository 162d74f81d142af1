package dev.tern.coap.internal.state;

import dev.tern.coap.Bytes;
import dev.tern.coap.internal.engine.CoapEndpoint;
import dev.tern.coap.spi.ObserveRelationState;
import dev.tern.coap.spi.StateHolder;
import dev.tern.coap.spi.StateStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a server does with its {@link StateStore}: before serving, the holders (the DTLS resumption
 * cache, a resource directory) take back their records; once the endpoints run, the observe
 * relations are replayed (RFC 7641 §4.1); on close, all of it is saved and flushed, before the
 * endpoints end their relations. Nothing here runs per request.
 */
public final class EndpointState {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointState.class);

    private EndpointState() {
    }

    /** Before the endpoints start: each holder takes back its namespace. */
    public static void restoreHolders(StateStore store, List<StateHolder> holders) {
        for (StateHolder h : holders) {
            Map<Bytes, byte[]> records = store.load(h.stateNamespace());
            if (!records.isEmpty()) {
                h.restoreState(records);
                LOG.info("restored {} {} records", records.size(), h.stateNamespace());
            }
        }
    }

    /** Once the endpoints run: replays the saved observe relations into the first endpoint. */
    public static void restoreRelations(StateStore store, String scheme, List<CoapEndpoint> endpoints) {
        Map<Bytes, byte[]> records = store.load(StateStore.serverObservations(scheme));
        List<ObserveRelationState> relations = new ArrayList<>(records.size());
        for (byte[] r : records.values()) {
            try {
                relations.add(ObserveRelationState.decode(r));
            } catch (IllegalArgumentException e) {
                LOG.warn("saved observe relation skipped: {}", e.getMessage());
            }
        }
        if (!relations.isEmpty() && !endpoints.isEmpty()) {
            endpoints.get(0).restoreRelations(relations);
            LOG.info("restoring {} observe relations", relations.size());
        }
    }

    /**
     * Before the endpoints close: saves their relations and every holder's state, then flushes.
     * A failure is logged and does not stop the close.
     */
    public static void save(StateStore store, String scheme, List<CoapEndpoint> endpoints,
                            List<StateHolder> holders) {
        try {
            Map<Bytes, byte[]> relations = new HashMap<>();
            for (CoapEndpoint e : endpoints) {
                for (ObserveRelationState s : e.exportRelations()) {
                    relations.put(s.key(), s.encode());
                }
            }
            store.save(StateStore.serverObservations(scheme), relations);
            for (StateHolder h : holders) {
                store.save(h.stateNamespace(), h.exportState());
            }
            store.flush();
        } catch (RuntimeException e) {
            LOG.error("saving the server's state failed: {}", e.toString());
        }
    }
}
