package dev.tern.coap.cluster.internal;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.sync.RedisCommands;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;

/**
 * Reading the mirrors of every live node ({@link RedisMirror}) and asking an owner to end one of
 * its entries: what {@code Cluster.relations()}, {@code Cluster.clientObservations()} and their
 * cancels share. Blocks for the Redis round trips.
 */
public final class MirrorListing {
    private MirrorListing() {
    }

    /** Every node's entries of {@code kind} that open and parse (SCAN + HGETALL). */
    public static List<RelationText.Mirrored> list(RedisCommands<String, String> redis, String prefix, MirrorKind kind,
                                                   RedisResumptionCache sealer) {
        List<RelationText.Mirrored> out = new ArrayList<>();
        String head = RelationText.hashPrefix(prefix, kind);
        ScanIterator<String> hashes = ScanIterator.scan(redis, ScanArgs.Builder.matches(head + "*").limit(500));
        while (hashes.hasNext()) {
            String key = hashes.next();
            int node;
            try {
                node = Integer.parseInt(key.substring(head.length()));
            } catch (NumberFormatException e) {
                continue; // not a hash of entries (a cancel channel has no key, but be strict)
            }
            redis.hgetall(key).forEach((field, value) -> {
                RelationText.Mirrored m = RelationText.parse(sealer, kind, node, field, value);
                if (m != null) {
                    out.add(m);
                }
            });
        }
        return out;
    }

    /**
     * Publishes a signed cancel of the entry of {@code peer}/{@code token} on node {@code nodeId}'s
     * channel of {@code kind}; returns whether the node was listening.
     */
    public static boolean cancel(RedisCommands<String, String> redis, Mac control, String prefix, MirrorKind kind,
                                 int nodeId, InetSocketAddress peer, Bytes token, Code code) {
        String id = RelationText.id(control, peer, token);
        String message = RelationText.cancel(control, kind, nodeId, id, code, System.currentTimeMillis());
        Long receivers = redis.publish(RelationText.cancelChannel(prefix, kind, nodeId), message);
        return receivers != null && receivers > 0;
    }
}
