package dev.tern.coap.internal.exchange;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The servers a client has seen reject an extended token (RFC 8974 §2.2.2: RST from a server
 * without support, or 4.00): later requests to them use tokens of at most 8 bytes. Bounded: beyond
 * {@code capacity} the least recently used server is forgotten and is tried with an extended token
 * again, which costs at most one more rejected request. Scheduler thread only.
 */
final class ShortTokenPeers {
    private final int capacity;
    private final LinkedHashMap<InetSocketAddress, Boolean> peers;

    ShortTokenPeers(int capacity) {
        this.capacity = capacity;
        this.peers = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Boolean> eldest) {
                return size() > ShortTokenPeers.this.capacity;
            }
        };
    }

    /** Remembers that {@code peer} takes short tokens only. */
    void remember(InetSocketAddress peer) {
        peers.put(peer, Boolean.TRUE);
    }

    /** Whether {@code peer} is known to take short tokens only (and marks it recently used). */
    boolean contains(InetSocketAddress peer) {
        return peers.get(peer) != null;
    }

    int size() {
        return peers.size();
    }
}
