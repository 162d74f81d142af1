package dev.tern.coap.bench;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.Vector;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CertificateType;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsPSKExternal;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;

/** Load-generator TLS 1.3 clients for {@link TlsPskHandshakes}: an external PSK, or a raw public key server (accepted unchecked). */
final class RpkBenchClient {
    private RpkBenchClient() {
    }

    /** A fresh EC P-256 key pair for the benchmark server. */
    static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** TLS 1.3 with the server's raw public key (RFC 7250), no client authentication. */
    static DefaultTlsClient rpk(TlsCrypto crypto) {
        return new Tls13(crypto) {
            @Override
            protected short[] getAllowedServerCertificateTypes() {
                return new short[] {CertificateType.RawPublicKey};
            }
        };
    }

    /** TLS 1.3 with an external PSK (RFC 8446 §2.2, psk_dhe_ke). */
    static DefaultTlsClient psk13(TlsCrypto crypto, String identity, byte[] key) {
        return new Tls13(crypto) {
            @Override
            public Vector<TlsPSKExternal> getExternalPSKs() {
                Vector<TlsPSKExternal> psks = new Vector<>();
                psks.add(new BasicTlsPSKExternal(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        getCrypto().createSecret(key.clone()), PRFAlgorithm.tls13_hkdf_sha256));
                return psks;
            }
        };
    }

    private static class Tls13 extends DefaultTlsClient {
        Tls13(TlsCrypto crypto) {
            super(crypto);
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.TLSv13.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[] {CipherSuite.TLS_AES_128_GCM_SHA256};
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new TlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate certificate) {
                    // a benchmark: the server's key is not checked
                }

                @Override
                public TlsCredentials getClientCredentials(CertificateRequest request) {
                    return null;
                }
            };
        }
    }
}
