package dev.tern.coap.internal.blockwise;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A bounded table of block-wise transfer state with an idle lifetime (RFC 7959 §2.4, §2.5 leave the
 * lifetime to the implementation). Entries are kept in least-recently-used order, so the expired
 * ones are found at the head. Not thread-safe: callers synchronize.
 *
 * @param <K> the key identifying a transfer
 * @param <V> the transfer state
 */
final class TransferTable<K, V> {
    private final LinkedHashMap<K, Slot<V>> map = new LinkedHashMap<>(16, 0.75f, true);
    private final int maxEntries;
    private final long lifetimeNanos;
    private final LongSupplier clock;
    private final Consumer<V> removed;

    /**
     * @param removed told of every value that leaves the table: removed, evicted or expired
     */
    TransferTable(int maxEntries, long lifetimeNanos, LongSupplier clock, Consumer<V> removed) {
        this.maxEntries = maxEntries;
        this.lifetimeNanos = lifetimeNanos;
        this.clock = clock;
        this.removed = removed;
    }

    /** The live value for {@code key}, refreshed; null if absent or expired. */
    V get(K key) {
        purge();
        Slot<V> s = map.get(key);
        if (s == null) {
            return null;
        }
        s.touched = clock.getAsLong();
        return s.value;
    }

    /** Removes and returns the value for {@code key}; null if absent. */
    V remove(K key) {
        Slot<V> s = map.remove(key);
        if (s == null) {
            return null;
        }
        removed.accept(s.value);
        return s.value;
    }

    /** Removes and returns the value for {@code key} without telling the listener (it moves elsewhere); null if absent. */
    V detach(K key) {
        Slot<V> s = map.remove(key);
        return s == null ? null : s.value;
    }

    /** Removes the least recently used entry whose key matches {@code which}; null if none. */
    V removeEldest(Predicate<K> which) {
        purge();
        Iterator<Map.Entry<K, Slot<V>>> it = map.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<K, Slot<V>> e = it.next();
            if (which.test(e.getKey())) {
                it.remove();
                removed.accept(e.getValue().value);
                return e.getValue().value;
            }
        }
        return null;
    }

    /** Adds or replaces (the replaced value counts as removed); evicts the least recently used entry when full. */
    void put(K key, V value) {
        remove(key);
        purge();
        if (map.size() >= maxEntries) {
            removeEldest();
        }
        map.put(key, new Slot<>(value, clock.getAsLong()));
    }

    /** Removes the least recently used entry; null if empty. */
    V removeEldest() {
        Iterator<Map.Entry<K, Slot<V>>> it = map.entrySet().iterator();
        if (!it.hasNext()) {
            return null;
        }
        V v = it.next().getValue().value;
        it.remove();
        removed.accept(v);
        return v;
    }

    /** Live entries (after purging the expired ones). */
    int size() {
        purge();
        return map.size();
    }

    private void purge() {
        long now = clock.getAsLong();
        Iterator<Map.Entry<K, Slot<V>>> it = map.entrySet().iterator();
        while (it.hasNext()) {
            Slot<V> s = it.next().getValue();
            if (now - s.touched < lifetimeNanos) {
                return;
            }
            it.remove();
            removed.accept(s.value);
        }
    }

    private static final class Slot<V> {
        final V value;
        long touched;

        Slot(V value, long touched) {
            this.value = value;
            this.touched = touched;
        }
    }
}
