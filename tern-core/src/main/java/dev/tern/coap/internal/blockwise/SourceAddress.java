package dev.tern.coap.internal.blockwise;

import dev.tern.coap.Bytes;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * What a server bounds per-source block-wise state by (RFC 7959 §2.5 leaves the bounds to it): an
 * IPv4 address, or the /64 prefix of an IPv6 address (one host or link usually holds a whole /64,
 * so counting single IPv6 addresses would let it take the whole table). The port does not count:
 * a host has 64 000 of them.
 *
 * @param prefix the address bytes that count (4 for IPv4, 8 for IPv6), or the unresolved host name
 */
record SourceAddress(Bytes prefix) {
    private static final SourceAddress NONE = new SourceAddress(Bytes.EMPTY);

    /** The source address group of {@code peer}. */
    static SourceAddress of(InetSocketAddress peer) {
        if (peer == null) {
            return NONE;
        }
        InetAddress a = peer.getAddress();
        if (a == null) {
            return new SourceAddress(Bytes.utf8(peer.getHostString()));
        }
        byte[] b = a.getAddress();
        return new SourceAddress(Bytes.of(b, 0, b.length == 16 ? 8 : b.length));
    }
}
