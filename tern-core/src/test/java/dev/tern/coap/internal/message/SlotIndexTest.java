package dev.tern.coap.internal.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link SlotIndex}: probing, collisions, backward-shift removal, growth, fingerprints. */
class SlotIndexTest {
    private static final int SLOTS = 8;
    private final long[] keys = new long[SLOTS];
    private final SlotIndex index = new SlotIndex(42);

    SlotIndexTest() {
        index.resize(SLOTS, keys, 0);
    }

    private int find(long key) {
        int fingerprint = index.fingerprint(key);
        for (int b = index.home(fingerprint); ; b = index.following(b)) {
            int slot = index.slotAt(b);
            if (slot == SlotIndex.EMPTY || (index.fingerprintAt(b) == fingerprint && keys[slot] == key)) {
                return slot;
            }
        }
    }

    private void put(int slot, long key) {
        keys[slot] = key;
        index.insert(key, slot);
    }

    /** Keys whose home bucket is {@code bucket}, found by trying. */
    private List<Long> keysWithHome(int bucket, int count) {
        List<Long> r = new ArrayList<>();
        for (long k = 1; r.size() < count; k++) {
            if (index.home(index.fingerprint(k)) == bucket) {
                r.add(k);
            }
        }
        return r;
    }

    @Test
    void atMostHalfFull() {
        assertThat(index.capacity()).isEqualTo(16);
        index.resize(1000, new long[1000], 0);
        assertThat(index.capacity()).isEqualTo(2048);
    }

    @Test
    void collidingKeysAreAllFound() {
        List<Long> same = keysWithHome(3, 5);
        for (int i = 0; i < same.size(); i++) {
            put(i, same.get(i));
        }
        for (int i = 0; i < same.size(); i++) {
            assertThat(find(same.get(i))).isEqualTo(i);
        }
        assertThat(find(-7L)).isEqualTo(SlotIndex.EMPTY);
    }

    @Test
    void removalShiftsTheRunBack() {
        List<Long> same = keysWithHome(5, 4);
        for (int i = 0; i < same.size(); i++) {
            put(i, same.get(i));
        }
        index.remove(same.get(1), 1); // from the middle of the run
        assertThat(find(same.get(1))).isEqualTo(SlotIndex.EMPTY);
        assertThat(find(same.get(0))).isEqualTo(0);
        assertThat(find(same.get(2))).isEqualTo(2);
        assertThat(find(same.get(3))).isEqualTo(3);
        // No tombstone: the run is contiguous again from the home bucket.
        assertThat(index.slotAt(5)).isEqualTo(0);
        assertThat(index.slotAt(6)).isEqualTo(2);
        assertThat(index.slotAt(7)).isEqualTo(3);
        assertThat(index.slotAt(8)).isEqualTo(SlotIndex.EMPTY);
        assertThat(index.count()).isEqualTo(3);
    }

    @Test
    void runsWrapAroundTheEnd() {
        int last = index.capacity() - 1;
        List<Long> atEnd = keysWithHome(last, 3);
        List<Long> atStart = keysWithHome(0, 1);
        put(0, atEnd.get(0));
        put(1, atEnd.get(1));
        put(2, atEnd.get(2)); // in buckets last, 0, 1
        put(3, atStart.get(0)); // home 0, displaced to 2
        assertThat(index.slotAt(0)).isEqualTo(1);
        assertThat(index.slotAt(2)).isEqualTo(3);
        index.remove(atEnd.get(0), 0);
        assertThat(index.slotAt(last)).isEqualTo(1); // moved back across the end
        assertThat(index.slotAt(0)).isEqualTo(2);
        assertThat(index.slotAt(1)).isEqualTo(3); // home 0: may move to 1, not to last
        assertThat(index.slotAt(2)).isEqualTo(SlotIndex.EMPTY);
        for (int i = 1; i < 3; i++) {
            assertThat(find(atEnd.get(i))).isEqualTo(i);
        }
        assertThat(find(atStart.get(0))).isEqualTo(3);
    }

    @Test
    void anEntryDoesNotMoveBeforeItsHome() {
        List<Long> a = keysWithHome(4, 2);
        List<Long> b = keysWithHome(5, 1);
        put(0, a.get(0)); // bucket 4
        put(1, b.get(0)); // bucket 5, its home
        put(2, a.get(1)); // bucket 6, displaced
        index.remove(a.get(0), 0);
        assertThat(index.slotAt(4)).isEqualTo(2); // home 4: moves into the hole
        assertThat(index.slotAt(5)).isEqualTo(1); // home 5: stays
        assertThat(index.slotAt(6)).isEqualTo(SlotIndex.EMPTY);
    }

    @Test
    void fingerprintIsTheUpperHashAndGivesTheHome() {
        for (long k = 0; k < 1000; k++) {
            int fp = index.fingerprint(k);
            assertThat(fp).isEqualTo((int) (SlotIndex.mix(k ^ 42) >>> 32));
            assertThat(index.home(fp)).isEqualTo(fp >>> 28); // 16 buckets: the top 4 bits
            put(0, k);
            assertThat(index.fingerprintAt(index.home(fp))).isEqualTo(fp);
            index.remove(k, 0);
        }
        assertThat(index.count()).isZero();
    }

    @Test
    void removingAnAbsentSlotChangesNothing() {
        put(0, 11);
        index.remove(12, 1);
        index.remove(11, 1); // right key, wrong slot
        assertThat(find(11)).isZero();
        assertThat(index.count()).isEqualTo(1);
    }

    @Test
    void resizeReindexesTheLiveSlots() {
        for (int i = 0; i < SLOTS; i++) {
            put(i, 1000L * i);
        }
        long[] bigger = java.util.Arrays.copyOf(keys, 64);
        index.resize(64, bigger, SLOTS);
        assertThat(index.capacity()).isEqualTo(128);
        assertThat(index.count()).isEqualTo(SLOTS);
        for (int i = 0; i < SLOTS; i++) {
            long key = 1000L * i;
            int found = -1;
            for (int b = index.home(index.fingerprint(key)); index.slotAt(b) != SlotIndex.EMPTY;
                    b = index.following(b)) {
                if (bigger[index.slotAt(b)] == key) {
                    found = index.slotAt(b);
                }
            }
            assertThat(found).isEqualTo(i);
        }
    }

    /** Random inserts and removals in a small, crowded table against a map. */
    @Test
    void agreesWithAMapUnderChurn() {
        SplittableRandom random = new SplittableRandom(7);
        Map<Long, Integer> model = new HashMap<>();
        List<Integer> freeSlots = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            freeSlots.add(i);
        }
        for (int step = 0; step < 20_000; step++) {
            if (!freeSlots.isEmpty() && (model.isEmpty() || random.nextBoolean())) {
                long key = random.nextLong(24); // few distinct keys: many collisions and re-insertions
                if (model.containsKey(key)) {
                    continue;
                }
                int slot = freeSlots.remove(freeSlots.size() - 1);
                put(slot, key);
                model.put(key, slot);
            } else {
                Long key = new ArrayList<>(model.keySet()).get(random.nextInt(model.size()));
                int slot = model.remove(key);
                index.remove(key, slot);
                freeSlots.add(slot);
            }
            for (long k = 0; k < 24; k++) {
                assertThat(find(k)).as("key %d at step %d", k, step).isEqualTo(model.getOrDefault(k, -1));
            }
            assertThat(index.count()).isEqualTo(model.size());
        }
    }
}
