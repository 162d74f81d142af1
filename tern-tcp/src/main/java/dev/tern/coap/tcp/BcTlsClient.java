package dev.tern.coap.tcp;

import dev.tern.coap.PeerIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Vector;
import java.util.function.Consumer;
import org.bouncycastle.tls.AbstractTlsClient;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CertificateType;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.ProtocolName;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSK;
import org.bouncycastle.tls.TlsPSKExternal;
import org.bouncycastle.tls.TlsPSKIdentity;
import org.bouncycastle.tls.TlsServerCertificate;

/**
 * The BouncyCastle client of one coaps+tcp connection with pre-shared and/or raw public keys:
 * offers TLS 1.3 (the PSK as an external PSK, RFC 8446 §4.2.11, with (EC)DHE) and 1.2 (RFC 4279
 * suites), raw public keys as the only server certificate type it accepts (RFC 7250 §4.1), and ALPN
 * {@code coap} (RFC 8323 §8.2).
 */
final class BcTlsClient extends AbstractTlsClient {
    private final BcTls tls;
    private final TlsConfig config;
    private final Consumer<PeerIdentity> done;
    private PeerIdentity server;
    private boolean pskSelected;

    BcTlsClient(BcTls tls, Consumer<PeerIdentity> done) {
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
    protected Vector<ProtocolName> getProtocolNames() {
        Vector<ProtocolName> names = new Vector<>();
        names.add(ProtocolName.COAP);
        return names;
    }

    @Override
    public TlsPSKIdentity getPSKIdentity() {
        return config.pskIdentity == null ? null : new BasicTlsPSKIdentity(config.pskIdentity, config.pskKey.clone());
    }

    @Override
    public Vector<TlsPSKExternal> getExternalPSKs() {
        if (config.pskIdentity == null || config.tls12Only) {
            return null;
        }
        Vector<TlsPSKExternal> psks = new Vector<>();
        psks.add(new BasicTlsPSKExternal(config.pskIdentity.getBytes(StandardCharsets.UTF_8),
                getCrypto().createSecret(config.pskKey.clone()), PRFAlgorithm.tls13_hkdf_sha256));
        return psks;
    }

    @Override
    public void notifySelectedPSK(TlsPSK selected) {
        pskSelected = selected != null;
    }

    @Override
    protected short[] getAllowedServerCertificateTypes() {
        return config.rawKeys() ? new short[] {CertificateType.RawPublicKey} : null;
    }

    @Override
    protected short[] getAllowedClientCertificateTypes() {
        return tls.rawKeys.hasKey() ? new short[] {CertificateType.RawPublicKey} : null;
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate certificate) throws IOException {
                if (!config.rawKeys()) {
                    throw new TlsFatalAlert(AlertDescription.unsupported_certificate,
                            "the server sent a certificate, but only a pre-shared key is configured");
                }
                server = tls.rawKeys.verify(certificate.getCertificate(), config.trustAnyServer,
                        BcTls.name(context.getSecurityParametersHandshake().getCipherSuite()));
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) {
                return tls.rawKeys.signer(context, request.getCertificateRequestContext());
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        SecurityParameters sp = context.getSecurityParametersConnection();
        boolean psk = pskSelected || sp.getPSKIdentity() != null;
        done.accept(psk ? PeerIdentity.preSharedKey(config.pskIdentity, BcTls.name(sp.getCipherSuite())) : server);
    }
}
