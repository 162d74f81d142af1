package dev.tern.coap.cli;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A log-linear histogram of non-negative values (nanoseconds for {@code tern bench}): values below
 * 128 are counted exactly; above, each power of two is split into 128 equal buckets, so a reported
 * value (the middle of its bucket) is within 0.4 % of the true one. Safe for concurrent recording.
 */
final class LatencyHistogram {
    private static final int SUB_BITS = 7;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = (64 - SUB_BITS) * SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong max = new AtomicLong();
    private final AtomicLong sum = new AtomicLong();

    /** Counts one value; negative values count as zero. */
    void record(long value) {
        long v = Math.max(0, value);
        counts.incrementAndGet(index(v));
        total.incrementAndGet();
        sum.addAndGet(v);
        max.accumulateAndGet(v, Math::max);
    }

    /** Adds the counts of {@code other} to this one. */
    void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            long n = other.counts.get(i);
            if (n != 0) {
                counts.addAndGet(i, n);
            }
        }
        total.addAndGet(other.total.get());
        sum.addAndGet(other.sum.get());
        max.accumulateAndGet(other.max.get(), Math::max);
    }

    /** The number of values recorded. */
    long count() {
        return total.get();
    }

    /** The largest value recorded (exact), 0 when empty. */
    long max() {
        return max.get();
    }

    /** The arithmetic mean (exact), 0 when empty. */
    double mean() {
        long n = total.get();
        return n == 0 ? 0 : (double) sum.get() / n;
    }

    /**
     * The value at {@code percentile} (0..100]: the smallest recorded value with at least that share
     * of the values at or below it, to within the bucket width; 0 when empty.
     */
    long percentile(double percentile) {
        long n = total.get();
        if (n == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * n));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return Math.min(middle(i), max.get());
            }
        }
        return max.get();
    }

    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) (v >>> (exponent - SUB_BITS)) & (SUB - 1);
        return (exponent - SUB_BITS + 1) * SUB + sub;
    }

    static long middle(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = index / SUB - 1;
        long lower = (long) (SUB + index % SUB) << shift;
        return lower + ((1L << shift) >>> 1);
    }
}
