package dev.tern.coap.cluster.internal;

import dev.tern.coap.Bytes;
import dev.tern.coap.spi.StateStore;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state SPI on Redis for one node id: each namespace is the hash {@code PREFIX:state:ID:NS},
 * each record a field (the key in hex) whose value is sealed with AES-256-GCM under the cluster key
 * (the namespace and the key as associated data, so a value cannot be moved to another record).
 * A node that stops on purpose saves its observe relations and resumption records here; the node
 * that leases the id next loads them (RFC 7641 §4: notifications go on). The hashes get a TTL on
 * every save ({@code stateTtl}): the state of a node id nobody takes back is reaped by Redis.
 * Writes are asynchronous and bounded by Lettuce's request queue; {@link #flush} waits for them.
 */
public final class RedisStateStore implements StateStore {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStateStore.class);
    private final RedisAsyncCommands<String, String> redis;
    private final RedisResumptionCache sealer;
    private final String prefix;
    private final Duration ttl;
    private final Duration wait;
    private final Set<java.util.concurrent.CompletableFuture<?>> outstanding = ConcurrentHashMap.newKeySet();

    /** The store of node {@code nodeId}'s state. */
    public RedisStateStore(StatefulRedisConnection<String, String> connection, RedisResumptionCache sealer,
                           String prefix, int nodeId, Duration ttl, Duration wait) {
        this.redis = connection.async();
        this.sealer = sealer;
        this.prefix = prefix + ":state:" + nodeId + ":";
        this.ttl = ttl;
        this.wait = wait;
    }

    private static byte[] aad(String namespace, String field) {
        return (namespace + "\n" + field).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Map<Bytes, byte[]> load(String namespace) {
        Map<String, String> raw;
        try {
            raw = redis.hgetall(prefix + namespace).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("state {} not loaded from Redis: {}", namespace, e.toString());
            return Map.of();
        }
        Map<Bytes, byte[]> out = new HashMap<>();
        int skipped = 0;
        for (Map.Entry<String, String> e : raw.entrySet()) {
            byte[] value;
            try {
                value = sealer.open(aad(namespace, e.getKey()), Base64.getDecoder().decode(e.getValue()));
                if (value != null) {
                    out.put(Bytes.fromHex(e.getKey()), value);
                } else {
                    skipped++;
                }
            } catch (IllegalArgumentException ex) {
                skipped++;
            }
        }
        if (skipped > 0) {
            LOG.warn("state {}: {} records in Redis did not authenticate and were skipped", namespace, skipped);
        }
        return Map.copyOf(out);
    }

    @Override
    public void save(String namespace, Map<Bytes, byte[]> records) {
        String key = prefix + namespace;
        track(() -> redis.del(key));
        if (records.isEmpty()) {
            return;
        }
        Map<String, String> fields = new HashMap<>();
        records.forEach((k, v) -> {
            String field = k.hex();
            fields.put(field, Base64.getEncoder().encodeToString(sealer.seal(aad(namespace, field), v)));
        });
        track(() -> redis.hset(key, fields));
        track(() -> redis.pexpire(key, ttl.toMillis()));
    }

    @Override
    public CompletionStage<Void> put(String namespace, Bytes key, byte[] value) {
        String field = key.hex();
        String sealed = Base64.getEncoder().encodeToString(sealer.seal(aad(namespace, field), value));
        java.util.concurrent.CompletableFuture<Boolean> f = track(() -> redis.hset(prefix + namespace, field, sealed));
        track(() -> redis.pexpire(prefix + namespace, ttl.toMillis()));
        return f.thenApply(x -> null);
    }

    @Override
    public CompletionStage<Void> remove(String namespace, Bytes key) {
        return track(() -> redis.hdel(prefix + namespace, key.hex())).thenApply(x -> null);
    }

    /**
     * Issues {@code command} and keeps its future until it completes. Lettuce refuses a command
     * beyond its queue bound with a failed future, except in the moment its connection drops, when
     * it throws at once ("Queue full" from its disconnected buffer): that fails the same way here,
     * never in the caller's thread.
     */
    private <T> java.util.concurrent.CompletableFuture<T> track(java.util.function.Supplier<RedisFuture<T>> command) {
        java.util.concurrent.CompletableFuture<T> f;
        try {
            f = command.get().toCompletableFuture();
        } catch (RuntimeException e) {
            f = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        java.util.concurrent.CompletableFuture<T> tracked = f;
        outstanding.add(tracked);
        tracked.whenComplete((r, e) -> outstanding.remove(tracked));
        return tracked;
    }

    @Override
    public void flush() {
        long deadline = System.nanoTime() + wait.toNanos();
        for (java.util.concurrent.CompletableFuture<?> f : Set.copyOf(outstanding)) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warn("state write to Redis not confirmed: {}", e.toString());
                return;
            }
        }
    }

    @Override
    public void close() {
        // the cluster owns the connection
    }
}
