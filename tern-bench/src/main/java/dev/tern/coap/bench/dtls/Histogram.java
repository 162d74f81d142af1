package dev.tern.coap.bench.dtls;

/**
 * A log-linear histogram of non-negative long values (nanoseconds): exact below 128, above that 64
 * buckets per power of two, so a percentile is within 1.6 % of the true value. Not thread-safe.
 */
final class Histogram {
    private static final int SUB = 64;
    private final long[] counts = new long[SUB * 2 + 57 * SUB];
    private long total;
    private long max;

    void record(long v) {
        if (v < 0) {
            v = 0;
        }
        counts[index(v)]++;
        total++;
        if (v > max) {
            max = v;
        }
    }

    long count() {
        return total;
    }

    long max() {
        return max;
    }

    /** The value at percentile {@code p} (0-100), the middle of its bucket; 0 when empty. */
    long percentile(double p) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, middle(i));
            }
        }
        return max;
    }

    private static int index(long v) {
        if (v < 2 * SUB) {
            return (int) v;
        }
        int e = 63 - Long.numberOfLeadingZeros(v); // >= 7
        int sub = (int) (v >>> (e - 6)) - SUB;
        return 2 * SUB + (e - 7) * SUB + sub;
    }

    private static long middle(int i) {
        if (i < 2 * SUB) {
            return i;
        }
        int e = (i - 2 * SUB) / SUB + 7;
        int sub = (i - 2 * SUB) % SUB;
        long low = (long) (SUB + sub) << (e - 6);
        return low + (1L << (e - 6)) / 2;
    }
}
