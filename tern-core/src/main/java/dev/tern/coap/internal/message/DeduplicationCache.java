package dev.tern.coap.internal.message;

import java.util.ArrayDeque;
import java.util.HashMap;

/**
 * Remembers the Message IDs received from each peer for EXCHANGE_LIFETIME (CON) or NON_LIFETIME
 * (NON), and the reply sent to each, so a duplicate gets the same reply again and is not processed
 * twice (RFC 7252 §4.5). Bounded: beyond {@code capacity} the oldest entry is forgotten.
 *
 * <p>Entries expire in insertion order per message type (the lifetime is constant per type), so
 * expiry is two FIFO queues instead of a timer per entry. Not thread-safe: used on the endpoint's
 * scheduler thread.
 */
public final class DeduplicationCache {
    private final HashMap<MessageKey, Entry> entries;
    private final ArrayDeque<Entry> confirmable = new ArrayDeque<>();
    private final ArrayDeque<Entry> nonConfirmable = new ArrayDeque<>();
    private final int capacity;
    private final long conLifetimeNanos;
    private final long nonLifetimeNanos;

    /**
     * @param capacity the most entries kept
     * @param conLifetimeNanos EXCHANGE_LIFETIME
     * @param nonLifetimeNanos NON_LIFETIME
     */
    public DeduplicationCache(int capacity, long conLifetimeNanos, long nonLifetimeNanos) {
        this.capacity = capacity;
        this.conLifetimeNanos = conLifetimeNanos;
        this.nonLifetimeNanos = nonLifetimeNanos;
        this.entries = new HashMap<>(Math.min(capacity, 1 << 16));
    }

    /**
     * Records a received message: a new entry, or the entry of an earlier copy with
     * {@link Entry#isDuplicate()} true.
     */
    public Entry record(MessageKey key, boolean con, long now) {
        expire(now);
        Entry existing = entries.get(key);
        if (existing != null) {
            existing.duplicate = true;
            return existing;
        }
        if (entries.size() >= capacity) {
            evictOldest();
        }
        Entry e = new Entry(key, now + (con ? conLifetimeNanos : nonLifetimeNanos));
        entries.put(key, e);
        (con ? confirmable : nonConfirmable).addLast(e);
        return e;
    }

    /** The number of entries. */
    public int size() {
        return entries.size();
    }

    /** Forgets entries whose lifetime has passed. */
    public void expire(long now) {
        drain(confirmable, now);
        drain(nonConfirmable, now);
    }

    private void drain(ArrayDeque<Entry> queue, long now) {
        Entry e;
        while ((e = queue.peekFirst()) != null && e.expiresAt - now <= 0) {
            queue.pollFirst();
            entries.remove(e.key, e);
        }
    }

    private void evictOldest() {
        Entry c = confirmable.peekFirst();
        Entry n = nonConfirmable.peekFirst();
        ArrayDeque<Entry> q = c == null ? nonConfirmable
                : n == null ? confirmable : (c.expiresAt - n.expiresAt <= 0 ? confirmable : nonConfirmable);
        Entry e = q.pollFirst();
        if (e != null) {
            entries.remove(e.key, e);
        }
    }

    /** One remembered message and the reply sent for it. */
    public static final class Entry {
        final MessageKey key;
        final long expiresAt;
        private byte[] reply;
        private boolean duplicate;

        Entry(MessageKey key, long expiresAt) {
            this.key = key;
            this.expiresAt = expiresAt;
        }

        /** Whether this message was seen before within its lifetime (RFC 7252 §4.5). */
        public boolean isDuplicate() {
            return duplicate;
        }

        /** The encoded reply (ACK, RST or response) to send again for a duplicate; null while none. */
        public byte[] reply() {
            return reply;
        }

        /** Records the reply sent for this message. */
        public void reply(byte[] encoded) {
            this.reply = encoded;
        }
    }
}
