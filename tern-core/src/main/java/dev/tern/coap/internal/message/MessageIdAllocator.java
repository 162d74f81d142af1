package dev.tern.coap.internal.message;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Allocates Message IDs per peer: each peer's counter starts at a random value and counts up, so an
 * ID is not reused with that peer for 65536 messages (RFC 7252 §4.4). The table of peers is bounded
 * (least recently used peers are forgotten); a forgotten peer starts again at a random value.
 */
public final class MessageIdAllocator {
    private final RandomGenerator random;
    private final LinkedHashMap<InetSocketAddress, int[]> counters;

    /**
     * @param maxPeers the most peers remembered
     * @param random the source of initial values
     */
    public MessageIdAllocator(int maxPeers, RandomGenerator random) {
        this.random = random;
        this.counters = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, int[]> eldest) {
                return size() > maxPeers;
            }
        };
    }

    /** The next Message ID for {@code peer}. */
    public int next(InetSocketAddress peer) {
        int[] c = counters.get(peer);
        if (c == null) {
            c = new int[] {random.nextInt(0x10000)};
            counters.put(peer, c);
        }
        int id = c[0];
        c[0] = (id + 1) & 0xFFFF;
        return id;
    }

    /** The number of peers remembered. */
    public int peers() {
        return counters.size();
    }
}
