package dev.tern.coap.cluster.internal;

import dev.tern.coap.Code;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mirrors this node's entries of one {@link MirrorKind} (observe relations, RFC 7641 §4.1, or
 * client observations, §3) into the Redis hash {@code PREFIX:KIND:ID}: one field per entry ({@link
 * RelationText}), written in batches every {@code period} from the changes since the last batch
 * (never per notification), with the node's lease TTL renewed at each batch (at least every third
 * of the TTL), so that the entries of a node that dies vanish when its lease lapses. At most {@code
 * max} entries are mirrored; beyond that an entry is served but not listed, and counted. A failed
 * write, or a hash that Redis lost, makes the next batch write the whole table again. Signed cancels
 * on the node's channel of the kind go to {@code onCancel}.
 *
 * @param <T> what the engine reports (a relation, an observation)
 */
public final class RedisMirror<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisMirror.class);

    /** Ends an entry that a verified cancel names; false when nobody can (no server or client yet). */
    @FunctionalInterface
    public interface CancelHandler<T> {
        /** Ends {@code entry} with {@code code}; false when there is nothing to end it through. */
        boolean cancel(T entry, Code code);
    }

    private final MirrorKind kind;
    private final java.util.function.Function<T, RelationText.Mirrored> fields;
    private final CancelHandler<T> onCancel;
    private final RedisAsyncCommands<String, String> redis;
    private final String key;
    private final long ttlMillis;
    private final int max;
    /** The mirrored entries by id, each with its sealed value. */
    private final Map<String, Entry<T>> live = new HashMap<>();
    /** Fields changed since the last batch: the new value, or null when removed. */
    private final Map<String, String> changed = new HashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong cancelsRejected = new AtomicLong();
    private final ClusterKeys keys;
    private final RedisResumptionCache sealer;
    /** Ids of added and removed entries; used under this object's lock. */
    private final Mac ids;
    private final int nodeId;
    private final long skewMillis;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final ScheduledExecutorService timer;
    private boolean resync = true;
    private long lastExpireNanos;

    /**
     * Mirrors {@code kind} into {@code PREFIX:KIND:nodeId}, at most {@code max} entries, a batch every
     * {@code period}, each described by {@code fields} and sealed by {@code sealer}, and hands
     * cancels signed with {@code keys} on this node's channel of the kind to {@code onCancel}.
     */
    public RedisMirror(MirrorKind kind, RedisClient client, StatefulRedisConnection<String, String> connection,
                       String prefix, int nodeId, Duration leaseTtl, int max, Duration period, ClusterKeys keys,
                       RedisResumptionCache sealer, Duration maxClockSkew,
                       java.util.function.Function<T, RelationText.Mirrored> fields, CancelHandler<T> onCancel) {
        this.kind = kind;
        this.fields = fields;
        this.onCancel = onCancel;
        this.redis = connection.async();
        this.keys = keys;
        this.sealer = sealer;
        this.ids = keys.controlMac();
        this.nodeId = nodeId;
        this.skewMillis = maxClockSkew.toMillis();
        this.pubSub = client.connectPubSub();
        pubSub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                onCancel(message);
            }
        });
        pubSub.sync().subscribe(RelationText.cancelChannel(prefix, kind, nodeId));
        this.key = RelationText.hashKey(prefix, kind, nodeId);
        this.ttlMillis = leaseTtl.toMillis();
        this.max = max;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tern-cluster-" + kind.segment() + "-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::flush, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private record Entry<T>(T item, String sealed) {
    }

    /** Mirrors {@code item} (from the next batch on), unless {@code max} entries are. */
    public synchronized void added(T item) {
        RelationText.Mirrored f = fields.apply(item);
        String id = RelationText.id(ids, f.peer(), f.token());
        if (live.size() >= max && !live.containsKey(id)) {
            refused.incrementAndGet();
            return;
        }
        String value = RelationText.value(sealer, kind, nodeId, id, f);
        live.put(id, new Entry<>(item, value));
        changed.put(id, value);
    }

    /** Removes {@code item} from the mirror (with the next batch). */
    public synchronized void removed(T item) {
        RelationText.Mirrored f = fields.apply(item);
        String id = RelationText.id(ids, f.peer(), f.token());
        if (live.remove(id) != null) {
            changed.put(id, null);
        }
    }

    /** A cancel from another node (or this one): ended here if it is signed, fresh, of this kind and for this node. */
    private void onCancel(String message) {
        RelationText.Cancel c = RelationText.verify(keys.controlMac(), kind, nodeId, message,
                System.currentTimeMillis(), skewMillis);
        Entry<T> e = null;
        if (c != null) {
            synchronized (this) {
                e = live.get(c.id());
            }
            if (e == null) {
                LOG.debug("cancel of {} entry {} on node {}: no such entry (ended already)", kind, c.id(), nodeId);
                return;
            }
        }
        if (c == null || !onCancel.cancel(e.item(), c.code())) {
            if (cancelsRejected.incrementAndGet() % 100 == 1) {
                LOG.warn("cancel on the {} channel of node {} ignored: {}", kind.segment(), nodeId,
                        c == null ? "malformed, stale, for another node or a bad MAC" : "nothing started yet");
            }
        }
    }

    /** Cancels ignored: malformed, stale, for another node, a bad MAC, or before the server or client started. */
    public long cancelsRejected() {
        return cancelsRejected.get();
    }

    /** Entries served but not mirrored because {@code max} were. */
    public long refused() {
        return refused.get();
    }

    /** Writes the changes since the last batch (all of them after a failure) and renews the TTL. */
    void flush() {
        Map<String, String> batch;
        boolean all;
        long expected;
        synchronized (this) {
            all = resync;
            long now = System.nanoTime();
            if (!all && changed.isEmpty() && now - lastExpireNanos < TimeUnit.MILLISECONDS.toNanos(ttlMillis / 3)) {
                return;
            }
            lastExpireNanos = now;
            batch = new HashMap<>(changed);
            if (all) {
                live.forEach((id, e) -> batch.put(id, e.sealed()));
            }
            expected = live.size(); // only this node writes its hash: after the batch Redis holds as many
            changed.clear();
            resync = false;
        }
        try {
            List<RedisFuture<?>> sent = new ArrayList<>();
            if (all) {
                sent.add(redis.del(key));
            }
            Map<String, String> put = new HashMap<>();
            List<String> gone = new ArrayList<>();
            batch.forEach((f, v) -> {
                if (v == null) {
                    gone.add(f);
                } else {
                    put.put(f, v);
                }
            });
            if (!put.isEmpty()) {
                sent.add(redis.hset(key, put));
            }
            if (!gone.isEmpty()) {
                sent.add(redis.hdel(key, gone.toArray(new String[0])));
            }
            sent.add(redis.pexpire(key, ttlMillis));
            RedisFuture<Long> size = redis.hlen(key);
            sent.add(size);
            for (RedisFuture<?> f : sent) {
                f.get(ttlMillis, TimeUnit.MILLISECONDS);
            }
            if (size.get() != expected) {
                failed("Redis holds " + size.get() + " entries, not " + expected); // it lost the hash: write it again
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                 | RuntimeException e) {
            failed(e.toString());
        }
    }

    private void failed(String why) {
        synchronized (this) {
            resync = true;
        }
        LOG.debug("{} of {} not mirrored to Redis, resync next: {}", kind.segment(), key, why);
    }

    /** Stops mirroring; the hash lapses with the lease (or is deleted by {@code release}). */
    public void close(boolean release) {
        timer.shutdownNow();
        pubSub.close();
        if (release) {
            redis.del(key);
        }
    }

    @Override
    public void close() {
        close(true);
    }
}
