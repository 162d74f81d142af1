package dev.tern.coap.internal.message;

/**
 * An open-addressing hash index from 64-bit keys to slot numbers of parallel arrays, for
 * {@link DeduplicationCache}: one {@code long[]} holding each bucket's key beside its slot, and
 * nothing per entry. Linear probing, at most half full; removal shifts the following run back
 * instead of leaving tombstones, so lookups never slow down as entries come and go. A bucket
 * keeps its key so that probing reads one cache line, not the owner's arrays at random. Several
 * slots may share a key; the owner tells them apart. Not thread-safe.
 */
final class SlotIndex {
    /** What {@link #slotAt(int)} returns for an empty bucket. */
    static final int EMPTY = -1;
    private static final int MAX_BUCKETS = 1 << 29;

    private final long seed;
    /** Per bucket b: the key at {@code 2b}, the slot + 1 at {@code 2b + 1} (0: empty bucket). */
    private long[] table = new long[0];
    private int mask;
    private int shift;

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
        int n = (int) Math.min(MAX_BUCKETS, Long.highestOneBit(wanted - 1) << 1);
        this.table = new long[2 * n];
        this.mask = n - 1;
        this.shift = 64 - Integer.numberOfTrailingZeros(n);
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
        return (int) table[2 * bucket + 1] - 1;
    }

    /** The key of the slot in {@code bucket} (meaningless for an empty bucket). */
    long keyAt(int bucket) {
        return table[2 * bucket];
    }

    /** Indexes {@code slot} under {@code key}. */
    void insert(long key, int slot) {
        int b = home(key);
        while (table[2 * b + 1] != 0) {
            b = following(b);
        }
        table[2 * b] = key;
        table[2 * b + 1] = slot + 1L;
    }

    /** Removes {@code slot}, indexed under {@code key}; nothing happens when it is not indexed. */
    void remove(long key, int slot) {
        int hole = home(key);
        while (table[2 * hole + 1] != slot + 1L) {
            if (table[2 * hole + 1] == 0) {
                return;
            }
            hole = following(hole);
        }
        // Backward shift: an entry further along the run may move into the hole when the hole lies
        // on its probe path (between its home bucket and where it is now), else it must stay.
        for (int b = following(hole); table[2 * b + 1] != 0; b = following(b)) {
            int home = home(table[2 * b]);
            if (((b - hole) & mask) <= ((b - home) & mask)) {
                table[2 * hole] = table[2 * b];
                table[2 * hole + 1] = table[2 * b + 1];
                hole = b;
            }
        }
        table[2 * hole] = 0;
        table[2 * hole + 1] = 0;
    }

    /** The number of buckets (for tests). */
    int capacity() {
        return mask + 1;
    }

    /** The number of indexed slots (for tests; counts every bucket). */
    int count() {
        int n = 0;
        for (int b = 0; b <= mask; b++) {
            n += table[2 * b + 1] != 0 ? 1 : 0;
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
