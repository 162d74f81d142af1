package dev.tern.coap.tcp;

import dev.tern.coap.PeerIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Vector;
import java.util.function.Consumer;
import org.bouncycastle.tls.AbstractTlsServer;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CertificateType;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.KeyExchangeAlgorithm;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.PskIdentity;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSKExternal;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.TlsUtils;

/**
 * The BouncyCastle server of one coaps+tcp connection with pre-shared and/or raw public keys:
 * TLS 1.3 or 1.2 as the client offers; a pre-shared key from the store (1.3 external PSK or 1.2
 * PSK suite), else its raw public key (RFC 7250) and, when it trusts keys, a request for the
 * client's, checked by {@link RawKeys}.
 */
final class BcTlsServer extends AbstractTlsServer {
    /** At most this many offered PSK identities are looked up in the store per handshake. */
    private static final int MAX_IDENTITIES = 8;
    private final BcTls tls;
    private final TlsConfig config;
    private final Consumer<PeerIdentity> done;
    private PeerIdentity client;
    private String psk13;

    BcTlsServer(BcTls tls, Consumer<PeerIdentity> done) {
        super(tls.crypto);
        this.tls = tls;
        this.config = tls.config;
        this.done = done;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return tls.versions();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return tls.suites();
    }

    @Override
    protected boolean preferLocalCipherSuites() {
        return true;
    }

    @Override
    protected Vector<ProtocolName> getProtocolNames() {
        Vector<ProtocolName> names = new Vector<>();
        names.add(ProtocolName.COAP);
        return names;
    }

    @Override
    public TlsPSKIdentityManager getPSKIdentityManager() {
        if (config.pskStore == null) {
            return null;
        }
        return new TlsPSKIdentityManager() {
            @Override
            public byte[] getHint() {
                return null;
            }

            @Override
            public byte[] getPSK(byte[] identity) {
                return config.pskStore.key(new String(identity, StandardCharsets.UTF_8));
            }
        };
    }

    @Override
    public TlsPSKExternal getExternalPSK(@SuppressWarnings("rawtypes") Vector identities) {
        if (config.pskStore == null) {
            return null;
        }
        for (int i = 0; i < Math.min(identities.size(), MAX_IDENTITIES); i++) {
            byte[] id = ((PskIdentity) identities.get(i)).getIdentity();
            String name = new String(id, StandardCharsets.UTF_8);
            byte[] key = config.pskStore.key(name);
            if (key != null) {
                psk13 = name;
                return new BasicTlsPSKExternal(id, getCrypto().createSecret(key), PRFAlgorithm.tls13_hkdf_sha256);
            }
        }
        return null;
    }

    @Override
    public TlsCredentials getCredentials() throws IOException {
        if (pskUsed()) {
            return null;
        }
        TlsCredentials own = tls.rawKeys.signer(context, null);
        if (own == null) {
            throw new TlsFatalAlert(AlertDescription.handshake_failure,
                    "the client offered no known pre-shared key, and no raw public key is configured");
        }
        return own;
    }

    @Override
    protected short[] getAllowedClientCertificateTypes() {
        return tls.rawKeys.trustsKeys() ? new short[] {CertificateType.RawPublicKey} : null;
    }

    @Override
    public CertificateRequest getCertificateRequest() throws IOException {
        if (pskUsed() || !tls.rawKeys.trustsKeys()) {
            return null;
        }
        Vector<?> algorithms = TlsUtils.getDefaultSupportedSignatureAlgorithms(context);
        if (TlsUtils.isTLSv13(context)) {
            return new CertificateRequest(TlsUtils.EMPTY_BYTES, algorithms, null, null);
        }
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign}, algorithms, null);
    }

    @Override
    public void notifyClientCertificate(Certificate certificate) throws IOException {
        if (certificate == null || certificate.isEmpty()) {
            if (config.requireClientCertificate) {
                throw new TlsFatalAlert(TlsUtils.isTLSv13(context) ? AlertDescription.certificate_required
                        : AlertDescription.handshake_failure, "the client sent no raw public key");
            }
            return;
        }
        client = tls.rawKeys.verify(certificate, false,
                BcTls.name(context.getSecurityParametersHandshake().getCipherSuite()));
    }

    private boolean pskUsed() {
        if (psk13 != null) {
            return true;
        }
        int kx = context.getSecurityParametersHandshake().getKeyExchangeAlgorithm();
        return kx == KeyExchangeAlgorithm.PSK || kx == KeyExchangeAlgorithm.ECDHE_PSK;
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        SecurityParameters sp = context.getSecurityParametersConnection();
        String suite = BcTls.name(sp.getCipherSuite());
        if (psk13 != null) {
            done.accept(PeerIdentity.preSharedKey(psk13, suite));
        } else if (sp.getPSKIdentity() != null) {
            done.accept(PeerIdentity.preSharedKey(new String(sp.getPSKIdentity(), StandardCharsets.UTF_8), suite));
        } else {
            done.accept(client);
        }
    }
}
