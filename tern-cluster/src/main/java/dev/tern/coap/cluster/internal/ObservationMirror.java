package dev.tern.coap.cluster.internal;

import dev.tern.coap.spi.ClientObservationListener;
import dev.tern.coap.spi.ClientObservationState;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This node's client observations (RFC 7641 §3) as told by its clients, mirrored into Redis by a
 * {@link RedisMirror} of {@link MirrorKind#OBSERVATIONS}; a verified cancel deregisters the
 * observation through the client that holds it (GET with Observe=1, §3.6).
 */
public final class ObservationMirror implements ClientObservationListener {
    /** One per client given this listener. */
    private final List<Canceller> cancellers = new CopyOnWriteArrayList<>();
    private final RedisMirror<ClientObservationState> mirror;

    /** Mirrors through a {@link RedisMirror} that {@code mirror} builds with this object's cancel handler. */
    public ObservationMirror(java.util.function.Function<RedisMirror.CancelHandler<ClientObservationState>,
            RedisMirror<ClientObservationState>> mirror) {
        this.mirror = mirror.apply((o, code) -> {
            for (Canceller client : cancellers) {
                client.cancel(o.token()); // only the client that holds it finds it
            }
            return !cancellers.isEmpty();
        });
    }

    /** What the mirror writes of {@code o}: the server, the token and the path; no identity. */
    public static RelationText.Mirrored fields(ClientObservationState o) {
        return new RelationText.Mirrored(0, o.server(), o.token(), o.request().path(), Optional.empty());
    }

    @Override
    public void added(ClientObservationState observation) {
        mirror.added(observation);
    }

    @Override
    public void removed(ClientObservationState observation) {
        mirror.removed(observation);
    }

    @Override
    public void started(Canceller c) {
        cancellers.add(c);
    }

    /** The mirror, for its figures and to close it. */
    public RedisMirror<ClientObservationState> mirror() {
        return mirror;
    }
}
