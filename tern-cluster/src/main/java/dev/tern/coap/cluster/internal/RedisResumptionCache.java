package dev.tern.coap.cluster.internal;

import dev.tern.coap.dtls.ResumptionCache;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The DTLS resumption cache of a cluster (RFC 5246 §7.3) in Redis: {@code PREFIX:resume:ID} holds
 * the session encrypted and authenticated with AES-256-GCM (NIST SP 800-38D; a random 96-bit
 * nonce, the session ID as associated data, so an entry cannot be moved to another ID) under a key
 * derived from the cluster secret, with a TTL. Writes are asynchronous (Lettuce queues them, within
 * its request queue bound, while Redis is away); a read waits at most {@code readTimeout}, after
 * which the client gets a full handshake. A handshake, not the request path, reaches Redis.
 */
public final class RedisResumptionCache implements ResumptionCache {
    private static final int NONCE = 12;
    private final RedisAsyncCommands<String, String> redis;
    private final ClusterKeys keys;
    private final String prefix;
    private final Duration ttl;
    private final Duration readTimeout;
    private final NodeDirectory.RedisHealth health;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    /** A cache in {@code connection}'s Redis. */
    public RedisResumptionCache(StatefulRedisConnection<String, String> connection, ClusterKeys keys, String prefix,
                                Duration ttl, Duration readTimeout, NodeDirectory.RedisHealth health) {
        this.redis = connection.async();
        this.keys = keys;
        this.prefix = prefix;
        this.ttl = ttl;
        this.readTimeout = readTimeout;
        this.health = health;
    }

    private String key(byte[] sessionId) {
        return prefix + ":resume:" + HexFormat.of().formatHex(sessionId);
    }

    @Override
    public void put(byte[] sessionId, byte[] state) {
        byte[] sealed = seal(sessionId, state);
        try {
            redis.set(key(sessionId), Base64.getEncoder().encodeToString(sealed), SetArgs.Builder.px(ttl.toMillis()))
                    .exceptionally(e -> {
                        health.failed(new IllegalStateException(e));
                        return null;
                    });
        } catch (RuntimeException e) {
            // refused at once ("Queue full" while the connection drops, as RedisStateStore meets it): the
            // same failure, counted the same way, not thrown at the handshake that completed
            health.failed(new IllegalStateException(e));
        }
    }

    @Override
    public Optional<byte[]> get(byte[] sessionId) {
        String v;
        try {
            v = redis.get(key(sessionId)).get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            health.failed(new IllegalStateException(e));
            return Optional.empty();
        }
        if (v == null) {
            misses.incrementAndGet();
            return Optional.empty();
        }
        byte[] state;
        try {
            state = open(sessionId, Base64.getDecoder().decode(v));
        } catch (IllegalArgumentException e) {
            state = null;
        }
        if (state == null) {
            rejected.incrementAndGet();
            return Optional.empty();
        }
        hits.incrementAndGet();
        return Optional.of(state);
    }

    byte[] seal(byte[] sessionId, byte[] state) {
        try {
            byte[] nonce = new byte[NONCE];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, keys.resumptionKey(), new GCMParameterSpec(128, nonce));
            c.updateAAD(sessionId);
            byte[] sealed = c.doFinal(state);
            byte[] out = new byte[NONCE + sealed.length];
            System.arraycopy(nonce, 0, out, 0, NONCE);
            System.arraycopy(sealed, 0, out, NONCE, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is missing from this JDK", e);
        }
    }

    /** The state sealed in {@code data} for {@code sessionId}, or null if it does not authenticate. */
    byte[] open(byte[] sessionId, byte[] data) {
        if (data.length < NONCE + 16) {
            return null;
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, keys.resumptionKey(), new GCMParameterSpec(128, data, 0, NONCE));
            c.updateAAD(sessionId);
            return c.doFinal(data, NONCE, data.length - NONCE);
        } catch (GeneralSecurityException e) {
            return null; // javax.crypto.AEADBadTagException: another secret, or tampered
        }
    }

    /** Sessions found in Redis. */
    public long hits() {
        return hits.get();
    }

    /** Session IDs not in Redis. */
    public long misses() {
        return misses.get();
    }

    /** Entries that did not authenticate (another cluster secret, or tampered). */
    public long rejected() {
        return rejected.get();
    }
}
