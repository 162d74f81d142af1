package dev.tern.coap.dtls.internal;

import dev.tern.coap.PeerIdentity;
import dev.tern.coap.dtls.ClientAuth;
import java.io.IOException;
import java.util.function.Supplier;
import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CertificateType;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.KeyExchangeAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.SessionParameters;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;

/** The BouncyCastle server peer of one handshake, configured from a {@link DtlsContext}. */
final class TernTlsServer extends AbstractTlsServer {
    private final DtlsContext shared;
    private final HandshakeCrypto handshakeCrypto;
    private final Supplier<byte[]> connectionIds;
    private volatile PeerIdentity verifiedClient;
    private volatile HandshakeResult result;

    TernTlsServer(DtlsContext shared, Supplier<byte[]> connectionIds) {
        this(shared, connectionIds, new HandshakeCrypto(shared.crypto.getSecureRandom()));
    }

    private TernTlsServer(DtlsContext shared, Supplier<byte[]> connectionIds, HandshakeCrypto crypto) {
        super(crypto);
        this.handshakeCrypto = crypto;
        this.shared = shared;
        this.connectionIds = connectionIds;
    }

    HandshakeResult result() {
        return result;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return supportedCipherSuites(shared);
    }

    /** The suites a server of {@code shared} offers, in its order of preference. */
    static int[] supportedCipherSuites(DtlsContext shared) {
        int[] wanted = CipherSuites.select(shared.config.pskStore() != null, shared.credentials.keyAlgorithm(), false,
                shared.config.cipherSuites());
        return TlsUtils.getSupportedCipherSuites(shared.crypto, wanted);
    }

    /**
     * The server picks by its own order ({@link CipherSuites}: CCM_8 first, RFC 7252 §9.1.3,
     * RFC 7925 §4), not by the client's. BouncyCastle's default is the client's order: GnuTLS
     * clients (libcoap) list ECDHE_PSK CBC first and CCM_8 last, OpenSSL clients AES_256_GCM first,
     * so Tern servers ended up on those although both offer the mandatory CCM_8.
     */
    @Override
    protected boolean preferLocalCipherSuites() {
        return true;
    }

    @Override
    public TlsCredentials getCredentials() throws IOException {
        int kx = context.getSecurityParametersHandshake().getKeyExchangeAlgorithm();
        switch (kx) {
            case KeyExchangeAlgorithm.PSK:
            case KeyExchangeAlgorithm.ECDHE_PSK:
                return null;
            case KeyExchangeAlgorithm.ECDHE_ECDSA:
            case KeyExchangeAlgorithm.ECDHE_RSA:
                return shared.credentials.signer(context);
            default:
                throw new TlsFatalAlert(AlertDescription.internal_error);
        }
    }

    @Override
    public TlsPSKIdentityManager getPSKIdentityManager() {
        if (shared.config.pskStore() == null) {
            return null;
        }
        return new TlsPSKIdentityManager() {
            @Override
            public byte[] getHint() {
                return null;
            }

            @Override
            public byte[] getPSK(byte[] identity) {
                return shared.pskKey(identity);
            }
        };
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        int kx = context.getSecurityParametersHandshake().getKeyExchangeAlgorithm();
        if (shared.config.clientAuth() == ClientAuth.NONE
                || kx == KeyExchangeAlgorithm.PSK || kx == KeyExchangeAlgorithm.ECDHE_PSK) {
            return null;
        }
        short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
        return new CertificateRequest(types, TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
    }

    @Override
    protected short[] getAllowedClientCertificateTypes() {
        boolean rpk = !shared.config.trustedKeys().isEmpty() || shared.config.keyTrust() != null
                || shared.config.trustAll();
        boolean x509 = !shared.config.trustedCertificates().isEmpty() || shared.config.trustAll();
        if (rpk && x509) {
            return shared.credentials.rawPublicKey()
                    ? new short[] {CertificateType.RawPublicKey, CertificateType.X509}
                    : new short[] {CertificateType.X509, CertificateType.RawPublicKey};
        }
        return rpk ? new short[] {CertificateType.RawPublicKey} : null;
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        if (clientCertificate == null || clientCertificate.isEmpty()) {
            if (shared.config.clientAuth() == ClientAuth.NEEDED) {
                throw new TlsFatalAlert(AlertDescription.handshake_failure, "client sent no certificate or key");
            }
            return;
        }
        String suite = CipherSuites.name(context.getSecurityParametersHandshake().getCipherSuite());
        verifiedClient = shared.credentials.verify(clientCertificate, null, suite);
    }

    @Override
    protected byte[] getNewConnectionID() {
        return shared.config.connectionIdLength() == 0 ? null : connectionIds.get();
    }

    /**
     * A cached session is resumed only when the new ClientHello could have negotiated it: its
     * cipher suite is among those offered, it used Extended Master Secret only if the client offers
     * it again (RFC 7627 §5.3), its PSK identity is still in the store, and it carries a client
     * certificate when one is needed. Otherwise
     * the client gets a full handshake rather than a resumption with mismatched parameters
     * (BouncyCastle leaves the suite check to the server; cf. CVE-2022-2576) or an abort.
     */
    @Override
    public TlsSession getSessionToResume(byte[] sessionID) {
        TlsSession session = shared.serverSession(sessionID);
        if (session == null) {
            return null;
        }
        SessionParameters p = session.exportSessionParameters();
        if (p == null || offeredCipherSuites == null) {
            return null;
        }
        boolean offersEms;
        try {
            offersEms = TlsExtensionsUtils.hasExtendedMasterSecretExtension(clientExtensions);
        } catch (IOException e) {
            return null; // a malformed extension: no resumption
        }
        return shared.mayResume(p, offeredCipherSuites, offersEms) ? session : null;
    }

    @Override
    public byte[] getNewSessionID() {
        if (shared.config.sessionCacheSize() == 0) {
            return null;
        }
        byte[] id = new byte[32];
        getCrypto().getSecureRandom().nextBytes(id);
        return id;
    }

    /**
     * Peers without the RFC 5746 renegotiation indication (constrained stacks such as tinydtls) are
     * accepted: the attack it prevents needs a renegotiation, and DTLS here never renegotiates.
     */
    @Override
    public void notifySecureRenegotiation(boolean secureRenegotiation) {
        // accepted either way
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, shared.config.handshakeTimeout().toMillis());
    }

    /** The first retransmission wait of a flight (RFC 6347 §4.2.4.1); BouncyCastle doubles it. */
    @Override
    public int getHandshakeResendTimeMillis() {
        return (int) shared.config.handshakeRetransmission().toMillis();
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        handshakeCrypto.handshakeComplete();
        SecurityParameters sp = context.getSecurityParametersConnection();
        result = HandshakeResult.of(sp, verifiedClient, sp.getConnectionIDPeer(), context.getCrypto());
        shared.keepServerSession(context.getResumableSession());
        // BouncyCastle's record layer keeps this peer as long as the session: drop what only the
        // handshake needed (the client's and the server's extensions, the offered suites)
        offeredCipherSuites = null;
        clientExtensions = null;
        serverExtensions.clear();
    }
}
