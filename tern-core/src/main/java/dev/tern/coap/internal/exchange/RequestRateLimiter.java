package dev.tern.coap.internal.exchange;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A server's per-peer request rate limit (RFC 8516 §3): one token bucket per peer endpoint, refilled
 * at {@code rate} tokens per second up to {@code burst}; a request takes one token, and without one
 * it is answered 4.29 Too Many Requests with Max-Age = the whole seconds until the next token.
 * Bounded: at most {@code capacity} peers are tracked, the least recently seen forgotten beyond it
 * (a forgotten peer starts again with a full bucket: a flood of many sources costs each of them one
 * bucket, it cannot empty anyone else's). Time from the injected clock; scheduler thread only.
 */
final class RequestRateLimiter {
    /** Max-Age is a 4-byte uint (RFC 7252 §5.10.5). */
    private static final long MAX_AGE_LIMIT = 0xFFFF_FFFFL;
    private static final double NANOS_PER_SECOND = 1e9;

    private final double ratePerNano;
    private final int burst;
    private final int capacity;
    private final LongSupplier clock;
    private final LinkedHashMap<InetSocketAddress, Bucket> buckets;

    /** A disabled limiter when {@code ratePerSecond} is 0. */
    RequestRateLimiter(double ratePerSecond, int burst, int capacity, LongSupplier clock) {
        this.ratePerNano = ratePerSecond / NANOS_PER_SECOND;
        this.burst = burst;
        this.capacity = capacity;
        this.clock = clock;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Bucket> eldest) {
                return size() > RequestRateLimiter.this.capacity;
            }
        };
    }

    boolean enabled() {
        return ratePerNano > 0;
    }

    /**
     * Takes a token for one request from {@code peer}.
     *
     * @return 0 when the request is admitted, else the Max-Age for its 4.29: the seconds until a
     *     token is available, rounded up, at least 1
     */
    long admit(InetSocketAddress peer) {
        long now = clock.getAsLong();
        Bucket b = buckets.get(peer);
        if (b == null) {
            b = new Bucket(burst, now);
            buckets.put(peer, b);
        } else {
            b.tokens = Math.min(burst, b.tokens + (now - b.refilledAt) * ratePerNano);
            b.refilledAt = now;
        }
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return 0;
        }
        double seconds = (1 - b.tokens) / ratePerNano / NANOS_PER_SECOND;
        return Math.max(1, Math.min(MAX_AGE_LIMIT, (long) Math.ceil(seconds - 1e-9)));
    }

    /** Peers tracked (bounded by the capacity). */
    int size() {
        return buckets.size();
    }

    private static final class Bucket {
        double tokens;
        long refilledAt;

        Bucket(double tokens, long refilledAt) {
            this.tokens = tokens;
            this.refilledAt = refilledAt;
        }
    }
}
