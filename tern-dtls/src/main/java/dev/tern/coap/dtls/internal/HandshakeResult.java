package dev.tern.coap.dtls.internal;

import dev.tern.coap.PeerIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsSecret;

/**
 * What a completed handshake established: the peer's identity (null for an anonymous client of a
 * certificate server), the cipher suite, the Connection ID the server issued (RFC 9146; records to the server carry it; empty for
 * none), whether the session was resumed, and the negotiated parameters its keys derive from (for a
 * {@link SessionSnapshot}, with a copy of the master secret; both null for a session restored from one).
 */
record HandshakeResult(PeerIdentity identity, String cipherSuite, byte[] connectionId, boolean resumed,
                       SecurityParameters parameters, byte[] masterSecret) {
    /**
     * The result of a completed handshake with {@code sp}: the peer is {@code verified} when its
     * certificate or key was checked in this handshake, else its PSK identity, else (a resumed
     * session) the certificate or key checked in the full handshake.
     */
    static HandshakeResult of(SecurityParameters sp, PeerIdentity verified, byte[] connectionId, TlsCrypto crypto)
            throws IOException {
        String suite = CipherSuites.name(sp.getCipherSuite());
        PeerIdentity identity = verified != null ? verified
                : identity(sp.getPSKIdentity(), sp.getPeerCertificate(), suite);
        return new HandshakeResult(identity, suite, connectionId == null ? new byte[0] : connectionId,
                sp.isResumedSession(), sp, secretCopy(sp.getMasterSecret(), crypto));
    }

    /**
     * The peer's identity a session recorded without verifying it again: its PSK identity, else the
     * certificate or key checked in the full handshake, else null (an anonymous client).
     */
    static PeerIdentity identity(byte[] pskIdentity, org.bouncycastle.tls.Certificate peer, String suite)
            throws IOException {
        if (pskIdentity != null) {
            return PeerIdentity.preSharedKey(new String(pskIdentity, StandardCharsets.UTF_8), suite);
        }
        return peer == null || peer.isEmpty() ? null : Credentials.unverified(peer, suite);
    }

    /**
     * A copy of the master secret, taken while the handshake still holds it (BouncyCastle clears it
     * when the handshake ends); null if it is gone.
     */
    static byte[] secretCopy(TlsSecret secret, TlsCrypto crypto) {
        if (secret == null) {
            return null;
        }
        try {
            synchronized (secret) {
                return crypto.adoptSecret(secret).extract(); // a copy: extract destroys what it reads
            }
        } catch (RuntimeException destroyed) {
            return null;
        }
    }
}
