package dev.tern.coap.internal.message;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Remembers the Message IDs received from each peer for EXCHANGE_LIFETIME (CON) or NON_LIFETIME
 * (NON), and the reply sent to each, so a duplicate gets the same reply again and is not processed
 * twice (RFC 7252 §4.5). Bounded: beyond {@code capacity} the oldest entry is forgotten.
 *
 * <p>Entries expire in insertion order per message type (the lifetime is constant per type), so
 * expiry is two FIFO lists instead of a timer per entry. Not thread-safe: used on the endpoint's
 * scheduler thread.
 *
 * <p>The cache is on the path of every request, so it keeps no object per entry: entries are slots
 * in parallel arrays, found through a {@link SlotIndex} by a 64-bit key. For an IPv4 peer the key
 * is the whole identity of the message, address (32 bits), port (16) and Message ID (16), so it
 * needs nothing else to compare. Other peers (IPv6) get a seeded hash of address and port in the
 * upper 48 bits and the Message ID in the lower 16, and keep their address in the slot to confirm a
 * match. The reply is copied into a fixed area of {@value #INLINE_REPLY} bytes per slot (an ACK,
 * RST or small piggybacked response), longer ones into an array of their own. The arrays grow by
 * doubling up to {@code capacity}.
 *
 * <p>An entry is handed out as a {@code long} handle: slot and generation (bumped whenever the slot
 * is freed), so a reply recorded after the entry was evicted is ignored, as it would be for a
 * forgotten entry. The sign bit marks a duplicate.
 */
public final class DeduplicationCache {
    /** A handle that refers to no entry: {@link #reply(long, byte[], int)} ignores it. */
    public static final long NO_ENTRY = 0;
    /** Reply bytes kept inline per slot. */
    static final int INLINE_REPLY = 64;
    private static final int INITIAL_SLOTS = 1024;
    private static final int NO_SLOT = -1;
    private static final short NO_REPLY = -1;
    private static final short LARGE_REPLY = -2;
    private static final long DUPLICATE = Long.MIN_VALUE;
    private static final int GENERATION_MASK = 0x7FFF_FFFF;
    private static final boolean HASH_CODE_IS_ADDRESS = hashCodeIsAddress();

    private final int capacity;
    private final long conLifetimeNanos;
    private final long nonLifetimeNanos;
    private final long seed;
    private final SlotIndex index;

    private long[] keys;
    private long[] expiresAt;
    private int[] generation;
    /** The next slot in its FIFO list, or in the free list. */
    private int[] next;
    /** Inline reply length, {@link #NO_REPLY} or {@link #LARGE_REPLY}. */
    private short[] replyLength;
    private byte[] inlineReplies;
    private byte[][] largeReplies;
    /** The peer of a non-IPv4 entry; null for IPv4 entries, whose key says it all. */
    private InetSocketAddress[] peers;

    private int used;
    private int size;
    private int free = NO_SLOT;
    private int conHead = NO_SLOT;
    private int conTail = NO_SLOT;
    private int nonHead = NO_SLOT;
    private int nonTail = NO_SLOT;

    /**
     * @param capacity the most entries kept
     * @param conLifetimeNanos EXCHANGE_LIFETIME
     * @param nonLifetimeNanos NON_LIFETIME
     * @param seed keys the hash of IPv6 peers and of the index, so that peers cannot aim at collisions
     */
    public DeduplicationCache(int capacity, long conLifetimeNanos, long nonLifetimeNanos, long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.conLifetimeNanos = conLifetimeNanos;
        this.nonLifetimeNanos = nonLifetimeNanos;
        this.seed = seed;
        int slots = Math.min(capacity, INITIAL_SLOTS);
        this.index = new SlotIndex(seed);
        allocate(slots);
        index.resize(slots, keys, 0);
    }

    /** Whether {@code entry} (a handle from {@link #record}) is an earlier copy's entry (RFC 7252 §4.5). */
    public static boolean isDuplicate(long entry) {
        return entry < 0;
    }

    /**
     * Records a received message: the handle of a new entry, or the handle of the entry of an
     * earlier copy, for which {@link #isDuplicate(long)} is true.
     */
    public long record(InetSocketAddress peer, int messageId, boolean con, long now) {
        expire(now);
        InetAddress address = peer.getAddress();
        boolean ipv4 = address instanceof Inet4Address;
        long key = ipv4 ? ipv4Key(address, peer.getPort(), messageId) : otherKey(peer, messageId);
        int existing = find(key, ipv4 ? null : peer);
        if (existing != NO_SLOT) {
            return DUPLICATE | handle(existing);
        }
        int slot = allocateSlot();
        keys[slot] = key;
        expiresAt[slot] = now + (con ? conLifetimeNanos : nonLifetimeNanos);
        replyLength[slot] = NO_REPLY;
        peers[slot] = ipv4 ? null : peer;
        next[slot] = NO_SLOT;
        if (con) {
            if (conTail == NO_SLOT) {
                conHead = slot;
            } else {
                next[conTail] = slot;
            }
            conTail = slot;
        } else {
            if (nonTail == NO_SLOT) {
                nonHead = slot;
            } else {
                next[nonTail] = slot;
            }
            nonTail = slot;
        }
        index.insert(key, slot);
        size++;
        return handle(slot);
    }

    /** Records the reply sent for {@code entry}; ignored when the entry is gone or is {@link #NO_ENTRY}. */
    public void reply(long entry, byte[] encoded, int length) {
        int slot = liveSlot(entry);
        if (slot == NO_SLOT) {
            return;
        }
        if (length <= INLINE_REPLY) {
            System.arraycopy(encoded, 0, inlineReplies, slot * INLINE_REPLY, length);
            replyLength[slot] = (short) length;
            largeReplies[slot] = null;
        } else {
            largeReplies[slot] = Arrays.copyOf(encoded, length);
            replyLength[slot] = LARGE_REPLY;
        }
    }

    /** A copy of the reply recorded for {@code entry}, to send again; null while there is none. */
    public byte[] reply(long entry) {
        int slot = liveSlot(entry);
        if (slot == NO_SLOT) {
            return null;
        }
        short length = replyLength[slot];
        if (length == LARGE_REPLY) {
            return largeReplies[slot].clone();
        }
        if (length == NO_REPLY) {
            return null;
        }
        int from = slot * INLINE_REPLY;
        return Arrays.copyOfRange(inlineReplies, from, from + length);
    }

    /** The number of entries. */
    public int size() {
        return size;
    }

    /** Forgets entries whose lifetime has passed. */
    public void expire(long now) {
        while (conHead != NO_SLOT && expiresAt[conHead] - now <= 0) {
            removeConHead();
        }
        while (nonHead != NO_SLOT && expiresAt[nonHead] - now <= 0) {
            removeNonHead();
        }
    }

    private int find(long key, InetSocketAddress otherPeer) {
        int fingerprint = index.fingerprint(key);
        for (int b = index.home(fingerprint); ; b = index.following(b)) {
            int slot = index.slotAt(b);
            if (slot == SlotIndex.EMPTY) {
                return NO_SLOT;
            }
            if (index.fingerprintAt(b) == fingerprint && keys[slot] == key
                    && (otherPeer == null ? peers[slot] == null : otherPeer.equals(peers[slot]))) {
                return slot;
            }
        }
    }

    private int allocateSlot() {
        if (free != NO_SLOT) {
            int slot = free;
            free = next[slot];
            return slot;
        }
        if (used == keys.length && used < capacity) {
            int slots = (int) Math.min(capacity, 2L * used);
            allocate(slots);
            index.resize(slots, keys, used); // every used slot is live: the free list is empty
        }
        if (used < keys.length) {
            return used++;
        }
        evictOldest();
        int slot = free;
        free = next[slot];
        return slot;
    }

    private void evictOldest() {
        if (nonHead == NO_SLOT
                || (conHead != NO_SLOT && expiresAt[conHead] - expiresAt[nonHead] <= 0)) {
            removeConHead();
        } else {
            removeNonHead();
        }
    }

    private void removeConHead() {
        int slot = conHead;
        conHead = next[slot];
        if (conHead == NO_SLOT) {
            conTail = NO_SLOT;
        }
        release(slot);
    }

    private void removeNonHead() {
        int slot = nonHead;
        nonHead = next[slot];
        if (nonHead == NO_SLOT) {
            nonTail = NO_SLOT;
        }
        release(slot);
    }

    private void release(int slot) {
        index.remove(keys[slot], slot);
        generation[slot] = nextGeneration(generation[slot]);
        peers[slot] = null;
        largeReplies[slot] = null;
        next[slot] = free;
        free = slot;
        size--;
    }

    private long handle(int slot) {
        return (long) generation[slot] << 32 | slot;
    }

    private int liveSlot(long entry) {
        int slot = (int) entry; // the low 31 bits; the sign bit (duplicate) is above them
        int gen = (int) (entry >>> 32) & GENERATION_MASK;
        return slot >= 0 && slot < used && generation[slot] == gen ? slot : NO_SLOT;
    }

    private static int nextGeneration(int gen) {
        int g = (gen + 1) & GENERATION_MASK;
        return g == 0 ? 1 : g; // 0 would let NO_ENTRY match slot 0
    }

    private void allocate(int slots) {
        int old = keys == null ? 0 : keys.length;
        keys = keys == null ? new long[slots] : Arrays.copyOf(keys, slots);
        expiresAt = expiresAt == null ? new long[slots] : Arrays.copyOf(expiresAt, slots);
        generation = generation == null ? new int[slots] : Arrays.copyOf(generation, slots);
        Arrays.fill(generation, old, slots, 1);
        next = next == null ? new int[slots] : Arrays.copyOf(next, slots);
        replyLength = replyLength == null ? new short[slots] : Arrays.copyOf(replyLength, slots);
        inlineReplies = inlineReplies == null ? new byte[slots * INLINE_REPLY]
                : Arrays.copyOf(inlineReplies, slots * INLINE_REPLY);
        largeReplies = largeReplies == null ? new byte[slots][] : Arrays.copyOf(largeReplies, slots);
        peers = peers == null ? new InetSocketAddress[slots] : Arrays.copyOf(peers, slots);
    }

    /** The key of a message from an IPv4 peer: address, port and Message ID, nothing lost. */
    static long ipv4Key(InetAddress address, int port, int messageId) {
        return (long) ipv4Bits(address) << 32 | (long) port << 16 | messageId;
    }

    /**
     * The 32 bits of an IPv4 address. OpenJDK's {@link Inet4Address#hashCode()} is exactly them and
     * costs no array, unlike {@link InetAddress#getAddress()}; that is checked once, and where it
     * does not hold the array is read.
     */
    private static int ipv4Bits(InetAddress address) {
        if (HASH_CODE_IS_ADDRESS) {
            return address.hashCode();
        }
        byte[] a = address.getAddress();
        return (a[0] & 0xFF) << 24 | (a[1] & 0xFF) << 16 | (a[2] & 0xFF) << 8 | (a[3] & 0xFF);
    }

    private static boolean hashCodeIsAddress() {
        try {
            for (int bits : new int[] {0x7F000001, 0xC0A80102, 0xFFFFFFFF, 0x0A000001}) {
                InetAddress a = InetAddress.getByAddress(new byte[] {
                        (byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits});
                if (a.hashCode() != bits) {
                    return false;
                }
            }
            return true;
        } catch (java.net.UnknownHostException e) {
            return false; // not thrown for a 4-byte address
        }
    }

    /** The key of a message from another peer: a seeded hash of address and port, and the Message ID. */
    private long otherKey(InetSocketAddress peer, int messageId) {
        InetAddress address = peer.getAddress();
        long h = seed;
        if (address == null) {
            h = SlotIndex.mix(h ^ peer.getHostString().hashCode());
        } else {
            // Eight bytes at a time through a bijective mixer: distinct addresses stay apart, and
            // without the seed nobody can pick two that meet.
            byte[] a = address.getAddress();
            for (int i = 0; i < a.length; i += 8) {
                long chunk = 0;
                for (int j = i; j < Math.min(a.length, i + 8); j++) {
                    chunk = chunk << 8 | (a[j] & 0xFF);
                }
                h = SlotIndex.mix(h ^ chunk);
            }
        }
        h = SlotIndex.mix(h ^ peer.getPort());
        return h << 16 | messageId;
    }
}
