package dev.tern.coap.dtls.internal;

import dev.tern.coap.PeerIdentity;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Vector;
import org.bouncycastle.tls.AbstractTlsClient;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CertificateType;
import org.bouncycastle.tls.NameType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.ServerName;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsPSKIdentity;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;

/** The BouncyCastle client peer of one handshake with {@code server}, configured from a {@link DtlsContext}. */
final class TernTlsClient extends AbstractTlsClient {
    private final DtlsContext shared;
    private final HandshakeCrypto handshakeCrypto;
    private final InetSocketAddress server;
    /** The name the server's certificate must carry: the configured one, or the host the request named. */
    private final String hostname;
    private volatile PeerIdentity verifiedServer;
    private volatile HandshakeResult result;
    private volatile boolean keyExchangeStarted;

    TernTlsClient(DtlsContext shared, InetSocketAddress server) {
        this(shared, server, new HandshakeCrypto(shared.crypto.getSecureRandom()));
    }

    private TernTlsClient(DtlsContext shared, InetSocketAddress server, HandshakeCrypto crypto) {
        super(crypto);
        this.handshakeCrypto = crypto;
        this.shared = shared;
        this.server = server;
        this.hostname = shared.config.serverName() != null ? shared.config.serverName() : server.getHostString();
    }

    HandshakeResult result() {
        return result;
    }

    /** Whether the server answered the hello and the client went on to its key exchange. */
    boolean keyExchangeStarted() {
        return keyExchangeStarted;
    }

    @Override
    public void notifySelectedCipherSuite(int selectedCipherSuite) {
        super.notifySelectedCipherSuite(selectedCipherSuite);
        keyExchangeStarted = true;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        int[] wanted = CipherSuites.select(shared.config.pskKey() != null, shared.credentials.keyAlgorithm(),
                shared.credentials.verifiesPeers(), shared.config.cipherSuites());
        return TlsUtils.getSupportedCipherSuites(getCrypto(), wanted);
    }

    @Override
    public TlsPSKIdentity getPSKIdentity() {
        byte[] key = shared.config.pskKey();
        return key == null ? null : new BasicTlsPSKIdentity(shared.config.pskIdentity(), key);
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                String suite = CipherSuites.name(context.getSecurityParametersHandshake().getCipherSuite());
                verifiedServer = shared.credentials.verify(serverCertificate.getCertificate(), hostname, suite);
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) {
                return shared.credentials.signer(context);
            }
        };
    }

    @Override
    protected short[] getAllowedServerCertificateTypes() {
        boolean rpk = !shared.config.trustedKeys().isEmpty() || shared.config.keyTrust() != null
                || shared.credentials.rawPublicKey();
        boolean x509 = !shared.config.trustedCertificates().isEmpty();
        if (shared.config.trustAll()) {
            return shared.credentials.rawPublicKey()
                    ? new short[] {CertificateType.RawPublicKey, CertificateType.X509}
                    : new short[] {CertificateType.X509, CertificateType.RawPublicKey};
        }
        if (rpk && x509) {
            return new short[] {CertificateType.X509, CertificateType.RawPublicKey};
        }
        return rpk ? new short[] {CertificateType.RawPublicKey} : null;
    }

    @Override
    protected short[] getAllowedClientCertificateTypes() {
        return shared.credentials.rawPublicKey() ? new short[] {CertificateType.RawPublicKey} : null;
    }

    @Override
    protected byte[] getNewConnectionID() {
        return shared.config.connectionId() ? new byte[0] : null; // use the server's, need none ourselves
    }

    @Override
    protected Vector<ServerName> getSNIServerNames() {
        if (hostname == null || hostname.isEmpty() || hostname.indexOf(':') >= 0 || hostname.matches("[0-9.]+")) {
            return null; // RFC 6066 §3: no IP literals
        }
        Vector<ServerName> names = new Vector<>();
        names.add(new ServerName(NameType.host_name, hostname.getBytes(StandardCharsets.US_ASCII)));
        return names;
    }

    @Override
    public TlsSession getSessionToResume() {
        return shared.clientSession(server);
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
        result = HandshakeResult.of(sp, verifiedServer, sp.getConnectionIDLocal(), context.getCrypto());
        shared.keepClientSession(server, context.getResumableSession());
    }
}
