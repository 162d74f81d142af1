package dev.tern.coap.internal.blockwise;

import java.net.InetSocketAddress;

/**
 * What the connection below allows of BERT (RFC 8323 §6) per peer, asked by the block-wise layers.
 * BERT blocks may be sent to a peer that announced Block-Wise-Transfer with a Max-Message-Size
 * above 1152 in its CSM (§5.3.2), and are taken from a peer when this side announced the same.
 * Over datagrams ({@link #NONE}) neither: SZX 7 stays reserved (RFC 7959 §2.2). Called from any
 * thread.
 */
public interface BertPeers {
    /** Datagram transports: no BERT either way. */
    BertPeers NONE = new BertPeers() {
        @Override
        public int sendSize(InetSocketAddress peer) {
            return 0;
        }

        @Override
        public boolean receives(InetSocketAddress peer) {
            return false;
        }
    };

    /**
     * The payload of a non-final BERT block to {@code peer}: a multiple of 1024 of at least 2048
     * that fits the peer's Max-Message-Size (and this side's own) with room for the header and
     * options; 0 when BERT may not be sent to it (not announced, not yet known, or no gain over
     * one 1024-byte block).
     */
    int sendSize(InetSocketAddress peer);

    /** Whether BERT blocks (SZX 7) from {@code peer} are taken: this side announced Block-Wise-Transfer. */
    boolean receives(InetSocketAddress peer);
}
