package dev.tern.coap.oscore.internal;

/**
 * The recipient's replay window (RFC 8613 §7.4): a sliding window of {@code size} sequence
 * numbers below the highest one received. A Partial IV is fresh when it is above the window's top,
 * or inside the window and not yet seen; anything older than the window is rejected. Memory is
 * fixed at construction ({@code size} bits), whatever a peer sends. Not thread-safe: the owning
 * security context synchronises.
 */
public final class ReplayWindow {
    private final int size;
    private final long[] seen;
    private long top = -1;

    /** A window of {@code size} sequence numbers (at least 1). */
    public ReplayWindow(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("replay window size must be at least 1: " + size);
        }
        this.size = size;
        this.seen = new long[(size + 63) / 64];
    }

    /** The window size. */
    public int size() {
        return size;
    }

    /** Whether {@code seq} would be accepted now: not received before and not older than the window. */
    public boolean isFresh(long seq) {
        if (seq > top) {
            return true;
        }
        long age = top - seq;
        return age < size && !bit(seq);
    }

    /**
     * Records {@code seq} after the message carrying it verified (the window moves only on
     * authentic messages, RFC 8613 §7.4).
     *
     * @return false when {@code seq} is a replay or too old (nothing changes then)
     */
    public boolean accept(long seq) {
        if (!isFresh(seq)) {
            return false;
        }
        if (seq > top) {
            long shift = top < 0 ? size : seq - top;
            if (shift >= size) {
                java.util.Arrays.fill(seen, 0L);
            } else {
                for (long s = top + 1; s <= seq; s++) {
                    clear(s); // slots leaving the window are reused for the new top
                }
            }
            top = seq;
        }
        set(seq);
        return true;
    }

    /**
     * Restarts the window at {@code seq} with every number up to it counted as received: what a
     * server does after verifying freshness with Echo (RFC 8613 Appendix B.1.2), since it cannot
     * know which older numbers it saw before it restarted.
     */
    public void resetTo(long seq) {
        java.util.Arrays.fill(seen, -1L);
        top = seq;
    }

    private boolean bit(long seq) {
        int slot = (int) (seq % size);
        return (seen[slot >>> 6] & (1L << (slot & 63))) != 0;
    }

    private void set(long seq) {
        int slot = (int) (seq % size);
        seen[slot >>> 6] |= 1L << (slot & 63);
    }

    private void clear(long seq) {
        int slot = (int) (seq % size);
        seen[slot >>> 6] &= ~(1L << (slot & 63));
    }
}
