package dev.tern.coap.cluster.internal;

import dev.tern.coap.spi.RelationListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This node's observe relations (RFC 7641 §4.1) as told by its servers, mirrored into Redis by a
 * {@link RedisMirror} of {@link MirrorKind#RELATIONS}; a verified cancel ends the relation through
 * the server that holds it (§4.2).
 */
public final class RelationMirror implements RelationListener {
    /** One per server given this listener (a node may serve coap and coaps). */
    private final List<Canceller> cancellers = new CopyOnWriteArrayList<>();
    private final RedisMirror<Relation> mirror;

    /** Mirrors through a {@link RedisMirror} that {@code mirror} builds with this object's cancel handler. */
    public RelationMirror(java.util.function.Function<RedisMirror.CancelHandler<Relation>, RedisMirror<Relation>> mirror) {
        this.mirror = mirror.apply((r, code) -> {
            for (Canceller server : cancellers) {
                server.cancel(r.peer(), r.token(), code); // only the server that holds it finds it
            }
            return !cancellers.isEmpty();
        });
    }

    /** What the mirror writes of {@code r}. */
    public static RelationText.Mirrored fields(Relation r) {
        return new RelationText.Mirrored(0, r.peer(), r.token(), r.path(), r.identity());
    }

    @Override
    public void added(Relation relation) {
        mirror.added(relation);
    }

    @Override
    public void removed(Relation relation) {
        mirror.removed(relation);
    }

    @Override
    public void started(Canceller c) {
        cancellers.add(c);
    }

    /** The mirror, for its figures and to close it. */
    public RedisMirror<Relation> mirror() {
        return mirror;
    }
}
