package dev.tern.coap.internal.message;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Allocates Message IDs per peer: each peer's counter starts at a random value and counts up, so an
 * ID is not reused with that peer for 65536 messages. RFC 7252 §4.4 also forbids reusing one within
 * EXCHANGE_LIFETIME (the peer would take the new message for a duplicate and answer it from its
 * deduplication cache): the ID space is tracked in 16 ranges of 4096 IDs with the time each range
 * was left (no earlier than its last use), and {@link #available} says whether the next ID may be
 * used now (at most 65536 messages per EXCHANGE_LIFETIME to one peer, about 265 per second with the default parameters;
 * the first range counts as used from the random first ID on, so a little less on the first turn).
 * The table of peers is bounded (least recently used peers are forgotten); a forgotten peer starts
 * again at a random value.
 */
public final class MessageIdAllocator {
    private static final int RANGE_BITS = 12;
    private static final int RANGES = 0x10000 >>> RANGE_BITS;

    private final RandomGenerator random;
    private final LongSupplier clock;
    private final long lifetimeNanos;
    private final LinkedHashMap<InetSocketAddress, Counter> counters;

    /** One peer's counter, the range it is in, and when each range was last used. */
    private static final class Counter {
        int next;
        int range;
        int usedRanges;
        final long[] lastUse = new long[RANGES];

        Counter(int next) {
            this.next = next;
            this.range = next >>> RANGE_BITS;
        }
    }

    /**
     * @param maxPeers the most peers remembered
     * @param random the source of initial values
     * @param clock nanoseconds, for the age of a range
     * @param lifetimeNanos EXCHANGE_LIFETIME: how long an ID stays unusable after its use
     */
    public MessageIdAllocator(int maxPeers, RandomGenerator random, LongSupplier clock, long lifetimeNanos) {
        this.random = random;
        this.clock = clock;
        this.lifetimeNanos = lifetimeNanos;
        this.counters = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Counter> eldest) {
                return size() > maxPeers;
            }
        };
    }

    /**
     * Whether the next Message ID for {@code peer} may be used now: false when its range was used
     * less than EXCHANGE_LIFETIME ago, i.e. 65536 messages went to the peer within that time.
     */
    public boolean available(InetSocketAddress peer) {
        Counter c = counters.get(peer);
        if (c == null) {
            return true;
        }
        int r = c.next >>> RANGE_BITS;
        return r == c.range || (c.usedRanges & (1 << r)) == 0 || clock.getAsLong() - c.lastUse[r] >= lifetimeNanos;
    }

    /** The next Message ID for {@code peer} (whether or not it is {@link #available}). */
    public int next(InetSocketAddress peer) {
        Counter c = counters.get(peer);
        if (c == null) {
            c = new Counter(random.nextInt(0x10000));
            counters.put(peer, c);
        }
        int id = c.next;
        int r = id >>> RANGE_BITS;
        if (r != c.range) {
            // the range left was last used no later than now: one clock read per 4096 IDs, not per message
            c.lastUse[c.range] = clock.getAsLong();
            c.usedRanges |= 1 << c.range;
            c.range = r;
        }
        c.next = (id + 1) & 0xFFFF;
        return id;
    }

    /** The number of peers remembered. */
    public int peers() {
        return counters.size();
    }
}
