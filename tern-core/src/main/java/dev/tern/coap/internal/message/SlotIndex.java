package dev.tern.coap.internal.message;

import java.util.Arrays;

/**
 * An open-addressing hash index from 64-bit keys to slot numbers of parallel arrays, for
 * {@link DeduplicationCache}: an {@code int[]} of buckets and nothing per entry. Linear probing,
 * at most half full; removal shifts the following run back instead of leaving tombstones, so
 * lookups never slow down as entries come and go. The keys themselves stay in the owner's array
 * (the index reads them to find an entry's home bucket); several slots may share a key, the owner
 * tells them apart. Not thread-safe.
 */
final class SlotIndex {
    /** What {@link #slotAt(int)} returns for an empty bucket. */
    static final int EMPTY = -1;
    private static final int MAX_BUCKETS = 1 << 30;

    private final long seed;
    /** Slot + 1 per bucket; 0 is an empty bucket. */
    private int[] buckets = new int[0];
    private int mask;
    private int shift;
    private long[] keys;

    /** @param seed mixed into every hash, so that bucket collisions cannot be chosen from outside */
    SlotIndex(long seed) {
        this.seed = seed;
    }

    /**
     * Makes room for {@code slots} entries and indexes slots {@code 0 .. live - 1} of {@code keys}
     * (every one of them must be in use). The owner calls it once at first and then whenever its
     * arrays grow.
     */
    void resize(int slots, long[] keys, int live) {
        long wanted = Math.max(2L, 2L * slots);
        int n = (int) Math.min(MAX_BUCKETS, Long.highestOneBit(wanted - 1) << 1);
        this.buckets = new int[n];
        this.mask = n - 1;
        this.shift = 64 - Integer.numberOfTrailingZeros(n);
        this.keys = keys;
        for (int slot = 0; slot < live; slot++) {
            insert(keys[slot], slot);
        }
    }

    /** The bucket where the search for {@code key} starts. */
    int home(long key) {
        return (int) (mix(key ^ seed) >>> shift);
    }

    /** The bucket probed after {@code bucket}. */
    int following(int bucket) {
        return (bucket + 1) & mask;
    }

    /** The slot in {@code bucket}, or {@link #EMPTY}; a search ends at the first empty bucket. */
    int slotAt(int bucket) {
        return buckets[bucket] - 1;
    }

    /** Indexes {@code slot} under {@code key}; the owner has stored the key at {@code keys[slot]}. */
    void insert(long key, int slot) {
        int b = home(key);
        while (buckets[b] != 0) {
            b = following(b);
        }
        buckets[b] = slot + 1;
    }

    /** Removes {@code slot}, indexed under {@code key}; nothing happens when it is not indexed. */
    void remove(long key, int slot) {
        int hole = home(key);
        while (buckets[hole] != slot + 1) {
            if (buckets[hole] == 0) {
                return;
            }
            hole = following(hole);
        }
        // Backward shift: an entry further along the run may move into the hole when the hole lies
        // on its probe path (between its home bucket and where it is now), else it must stay.
        for (int b = following(hole); buckets[b] != 0; b = following(b)) {
            int home = home(keys[buckets[b] - 1]);
            if (((b - hole) & mask) <= ((b - home) & mask)) {
                buckets[hole] = buckets[b];
                hole = b;
            }
        }
        buckets[hole] = 0;
    }

    /** The number of buckets (for tests). */
    int capacity() {
        return buckets.length;
    }

    /** The number of indexed slots (for tests; counts every bucket). */
    int count() {
        return (int) Arrays.stream(buckets).filter(s -> s != 0).count();
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
