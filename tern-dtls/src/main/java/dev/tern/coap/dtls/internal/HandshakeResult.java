package dev.tern.coap.dtls.internal;

import dev.tern.coap.PeerIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.tls.SecurityParameters;

/**
 * What a completed handshake established: the peer's identity (null for an anonymous client of a
 * certificate server), the cipher suite, the Connection ID the server issued (RFC 9146; records to the server carry it; empty for
 * none) and whether the session was resumed.
 */
record HandshakeResult(PeerIdentity identity, String cipherSuite, byte[] connectionId, boolean resumed) {
    /**
     * The result of a completed handshake with {@code sp}: the peer is {@code verified} when its
     * certificate or key was checked in this handshake, else its PSK identity, else (a resumed
     * session) the certificate or key checked in the full handshake.
     */
    static HandshakeResult of(SecurityParameters sp, PeerIdentity verified, byte[] connectionId) throws IOException {
        String suite = CipherSuites.name(sp.getCipherSuite());
        PeerIdentity identity = verified;
        if (identity == null && sp.getPSKIdentity() != null) {
            identity = PeerIdentity.preSharedKey(new String(sp.getPSKIdentity(), StandardCharsets.UTF_8), suite);
        }
        if (identity == null && sp.getPeerCertificate() != null && !sp.getPeerCertificate().isEmpty()) {
            identity = Credentials.unverified(sp.getPeerCertificate(), suite);
        }
        return new HandshakeResult(identity, suite, connectionId == null ? new byte[0] : connectionId,
                sp.isResumedSession());
    }
}
