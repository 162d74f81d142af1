package dev.tern.coap.dtls;

import dev.tern.coap.PeerIdentity;
import java.net.InetSocketAddress;

/**
 * An established DTLS session, as {@code tern -v} shows it.
 *
 * @param peer the peer's current address (it changes when a Connection ID session moves)
 * @param peerIdentity who the peer authenticated as; null for a client of a certificate server that
 *     did not ask for client credentials
 * @param cipherSuite the IANA name of the negotiated suite
 * @param connectionId the Connection ID the server issued (RFC 9146), in hex; empty for none
 * @param resumed whether the session was resumed with an abbreviated handshake
 */
public record DtlsSession(InetSocketAddress peer, PeerIdentity peerIdentity, String cipherSuite, String connectionId,
                          boolean resumed) {
    @Override
    public String toString() {
        return cipherSuite + (connectionId.isEmpty() ? "" : ", CID " + connectionId)
                + (resumed ? ", resumed" : "") + (peerIdentity == null ? "" : ", peer " + peerIdentity.name());
    }
}
