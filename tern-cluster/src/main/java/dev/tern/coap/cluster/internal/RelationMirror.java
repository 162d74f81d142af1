package dev.tern.coap.cluster.internal;

import dev.tern.coap.spi.RelationListener;
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
 * Mirrors this node's observe relations (RFC 7641 §4.1) into the Redis hash {@code
 * PREFIX:relations:ID}: one field per relation ({@link RelationText}), written in batches every
 * {@code period} from the changes since the last batch (never per notification), with the node's
 * lease TTL renewed at each batch (at least every third of the TTL), so that the relations of a node
 * that dies vanish when its lease lapses. At most {@code max} relations are mirrored; beyond that a
 * relation is served but not listed, and counted. A failed write, or a hash that Redis lost, makes
 * the next batch write the whole table again.
 */
public final class RelationMirror implements RelationListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelationMirror.class);
    private final RedisAsyncCommands<String, String> redis;
    private final String key;
    private final long ttlMillis;
    private final int max;
    /** The mirrored relations by id, each with its sealed value. */
    private final Map<String, Entry> live = new HashMap<>();
    /** Fields changed since the last batch: the new value, or null when removed. */
    private final Map<String, String> changed = new HashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong cancelsRejected = new AtomicLong();
    private final ClusterKeys keys;
    private final RedisResumptionCache sealer;
    /** Ids of added and removed relations; used under this object's lock. */
    private final Mac ids;
    private final int nodeId;
    private final long skewMillis;
    private final StatefulRedisPubSubConnection<String, String> pubSub;
    private final ScheduledExecutorService timer;
    /** One per server given this listener (a node may serve coap and coaps). */
    private final List<Canceller> cancellers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private boolean resync = true;
    private long lastExpireNanos;

    /**
     * Mirrors into {@code PREFIX:relations:nodeId}, at most {@code max} relations, a batch every
     * {@code period}, sealed by {@code sealer}, and takes cancels signed with {@code keys} on this
     * node's channel.
     */
    public RelationMirror(RedisClient client, StatefulRedisConnection<String, String> connection, String prefix,
                          int nodeId, Duration leaseTtl, int max, Duration period, ClusterKeys keys,
                          RedisResumptionCache sealer, Duration maxClockSkew) {
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
        pubSub.sync().subscribe(RelationText.cancelChannel(prefix, nodeId));
        this.key = RelationText.hashKey(prefix, nodeId);
        this.ttlMillis = leaseTtl.toMillis();
        this.max = max;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tern-cluster-relations-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::flush, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    private record Entry(Relation relation, String sealed) {
    }

    @Override
    public synchronized void added(Relation relation) {
        String id = RelationText.id(ids, relation.peer(), relation.token());
        if (live.size() >= max && !live.containsKey(id)) {
            refused.incrementAndGet();
            return;
        }
        String value = RelationText.value(sealer, nodeId, id, relation);
        live.put(id, new Entry(relation, value));
        changed.put(id, value);
    }

    @Override
    public synchronized void removed(Relation relation) {
        String id = RelationText.id(ids, relation.peer(), relation.token());
        if (live.remove(id) != null) {
            changed.put(id, null);
        }
    }

    @Override
    public void started(Canceller c) {
        cancellers.add(c);
    }

    /** A cancel from another node (or this one): ended here if it is signed, fresh and for this node. */
    private void onCancel(String message) {
        RelationText.Cancel c = RelationText.verify(keys.controlMac(), nodeId, message, System.currentTimeMillis(),
                skewMillis);
        if (c == null || cancellers.isEmpty()) {
            if (cancelsRejected.incrementAndGet() % 100 == 1) {
                LOG.warn("cancel on the relation channel of node {} ignored: {}", nodeId,
                        c == null ? "malformed, stale, for another node or a bad MAC" : "no server yet");
            }
            return;
        }
        Entry e;
        synchronized (this) {
            e = live.get(c.id());
        }
        if (e == null) {
            LOG.debug("cancel of relation {} on node {}: no such relation (ended already)", c.id(), nodeId);
            return;
        }
        for (Canceller server : cancellers) {
            // only the server that holds it finds it
            server.cancel(e.relation().peer(), e.relation().token(), c.code());
        }
    }

    /** Cancels ignored: malformed, stale, for another node, a bad MAC, or before the server started. */
    public long cancelsRejected() {
        return cancelsRejected.get();
    }

    /** Relations served but not mirrored because {@code max} were. */
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
                failed("Redis holds " + size.get() + " relations, not " + expected); // it lost the hash: write it again
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
        LOG.debug("relations of {} not mirrored to Redis, resync next: {}", key, why);
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
