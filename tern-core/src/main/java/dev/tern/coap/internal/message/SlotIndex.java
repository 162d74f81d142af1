package dev.tern.coap.internal.message;

/**
 * An open-addressing hash index from 64-bit keys to slot numbers of parallel arrays, for
 * {@link DeduplicationCache}: one {@code long} per bucket and nothing per entry. Linear probing,
 * at most half full; removal shifts the following run back instead of leaving tombstones, so
 * lookups never slow down as entries come and go.
 *
 * <p>A bucket holds the slot beside a 32-bit fingerprint of its key (the upper half of the key's
 * hash, whose top bits are also the home bucket), so that probing reads the index alone, 8 bytes
 * per bucket, and the owner compares full keys only when a fingerprint matches. Several slots may
 * share a key or a fingerprint; the owner tells them apart. Not thread-safe.
 */
final class SlotIndex {
    /** What {@link #slotAt(int)} returns for an empty bucket. */
    static final int EMPTY = -1;
    private static final int MAX_BITS = 29;

    private final long seed;
    /** Per bucket: fingerprint in the upper 32 bits, slot + 1 in the lower (0: empty bucket). */
    private long[] buckets = new long[0];
    private int mask;
    private int bits;

    /** @param seed mixed into every hash, so that bucket collisions cannot be chosen from outside */
    SlotIndex(long seed) {
        this.seed = seed;
    }

    /**
     * Makes room for {@code slots} entries and indexes slots {@code 0 .. live - 1} under their
     * {@code keys} (every one of them must be in use). The owner calls it once at first and then
     * whenever its arrays grow.
     */
    void resize(int slots, long[] keys, int live) {
        long wanted = Math.max(2L, 2L * slots);
        this.bits = Math.min(MAX_BITS, 64 - Long.numberOfLeadingZeros(wanted - 1));
        this.buckets = new long[1 << bits];
        this.mask = (1 << bits) - 1;
        for (int slot = 0; slot < live; slot++) {
            insert(keys[slot], slot);
        }
    }

    /** The fingerprint of {@code key}: the upper half of its seeded hash. */
    int fingerprint(long key) {
        return (int) (mix(key ^ seed) >>> 32);
    }

    /** The bucket where the search for a key with fingerprint {@code fingerprint} starts. */
    int home(int fingerprint) {
        return fingerprint >>> (32 - bits);
    }

    /** The bucket probed after {@code bucket}. */
    int following(int bucket) {
        return (bucket + 1) & mask;
    }

    /** The slot in {@code bucket}, or {@link #EMPTY}; a search ends at the first empty bucket. */
    int slotAt(int bucket) {
        return (int) buckets[bucket] - 1;
    }

    /** The fingerprint of the key in {@code bucket} (meaningless for an empty bucket). */
    int fingerprintAt(int bucket) {
        return (int) (buckets[bucket] >>> 32);
    }

    /** Indexes {@code slot} under {@code key}. */
    void insert(long key, int slot) {
        int fingerprint = fingerprint(key);
        int b = home(fingerprint);
        while (buckets[b] != 0) {
            b = following(b);
        }
        buckets[b] = (long) fingerprint << 32 | (slot + 1L);
    }

    /** Removes {@code slot}, indexed under {@code key}; nothing happens when it is not indexed. */
    void remove(long key, int slot) {
        int hole = home(fingerprint(key));
        while ((int) buckets[hole] != slot + 1) {
            if (buckets[hole] == 0) {
                return;
            }
            hole = following(hole);
        }
        // Backward shift: an entry further along the run may move into the hole when the hole lies
        // on its probe path (between its home bucket and where it is now), else it must stay.
        for (int b = following(hole); buckets[b] != 0; b = following(b)) {
            int home = home(fingerprintAt(b));
            if (((b - hole) & mask) <= ((b - home) & mask)) {
                buckets[hole] = buckets[b];
                hole = b;
            }
        }
        buckets[hole] = 0;
    }

    /** The number of buckets (for tests). */
    int capacity() {
        return mask + 1;
    }

    /** The number of indexed slots (for tests; counts every bucket). */
    int count() {
        int n = 0;
        for (long b : buckets) {
            n += b != 0 ? 1 : 0;
        }
        return n;
    }

    /** A bijective 64-bit finalizer (MurmurHash3's fmix64): every input bit affects every output bit. */
    static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
