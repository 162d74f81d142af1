package dev.tern.coap.cli;

import java.time.Duration;
import java.util.Objects;

/**
 * How much state the demo and plugtest resources keep for their (unauthenticated) peers: the
 * bodies {@code POST /large-create} creates are at most {@code maxEntries} entries and
 * {@code maxBytes} payload bytes in all, the oldest evicted first when a new one would exceed
 * either; every stored representation ({@code /large-create/N}, and what a PUT or POST left in
 * {@code /echo}, {@code /validate}, {@code /create1}, {@code /large-update}) is forgotten
 * {@code lifetime} after it was stored. RFC 7252 §11.3 (and SECURITY.md, "Every bound"): a server
 * must not keep unbounded state for peers whose addresses may be forged.
 *
 * @param maxEntries at most this many created resources (at least 1)
 * @param maxBytes at most this many payload bytes in all created resources (at least 1)
 * @param lifetime how long a stored representation lives (positive)
 */
public record ResourceLimits(int maxEntries, long maxBytes, Duration lifetime) {
    /** 64 entries, 1 MiB, 10 minutes: enough for a plugtest run, small against the 512 MiB server heap. */
    public static final ResourceLimits DEFAULT = new ResourceLimits(64, 1L << 20, Duration.ofMinutes(10));

    /** Validates the limits. */
    public ResourceLimits {
        Objects.requireNonNull(lifetime, "lifetime");
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1: " + maxEntries);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1: " + maxBytes);
        }
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("lifetime must be positive: " + lifetime);
        }
    }
}
