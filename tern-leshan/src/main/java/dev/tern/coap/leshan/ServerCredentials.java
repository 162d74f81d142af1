package dev.tern.coap.leshan;

import dev.tern.coap.dtls.ClientAuth;
import dev.tern.coap.dtls.DtlsConfig;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.eclipse.leshan.servers.security.SecurityStore;
import org.eclipse.leshan.servers.security.ServerSecurityInfo;

/**
 * The certificate side of a {@code coaps} server endpoint (RFC 7252 §9.1.3.2 raw public keys,
 * §9.1.3.3 certificates): the server's own key pair or chain and the trust for devices' keys and
 * certificates, from {@link TernServerEndpointsProvider.Builder} or else from Leshan's
 * {@link ServerSecurityInfo}.
 */
final class ServerCredentials {
    private PrivateKey privateKey;
    private PublicKey publicKey;
    private List<X509Certificate> chain = List.of();
    private final List<X509Certificate> trusted = new ArrayList<>();
    private java.time.Duration keyRefresh = java.time.Duration.ofSeconds(1);

    void keyRefresh(java.time.Duration refresh) {
        if (refresh.isNegative() || refresh.isZero()) {
            throw new IllegalArgumentException("rawPublicKeyRefresh must be positive: " + refresh);
        }
        keyRefresh = refresh;
    }

    void rawPublicKey(KeyPair pair) {
        privateKey = Objects.requireNonNull(pair.getPrivate(), "private key");
        publicKey = Objects.requireNonNull(pair.getPublic(), "public key");
        chain = List.of();
    }

    void certificate(PrivateKey key, List<X509Certificate> certificates) {
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
        privateKey = Objects.requireNonNull(key, "key");
        publicKey = certificates.get(0).getPublicKey();
        chain = List.copyOf(certificates);
    }

    void trustedCertificates(List<X509Certificate> anchors) {
        trusted.addAll(anchors);
    }

    /**
     * Adds the own credentials and the trust to {@code dtls}, if the server has a key pair or a
     * chain: raw public keys are accepted when Leshan's security store holds them (RFC 7250,
     * {@link KnownKeys}),
     * certificates when they chain to a trust anchor; Leshan's authorizer then matches the identity
     * with the registering endpoint name. Without own credentials, the endpoint stays PSK only.
     */
    void apply(DtlsConfig.ServerBuilder dtls, ServerSecurityInfo leshan, Supplier<SecurityStore> store) {
        PrivateKey key = privateKey;
        PublicKey pub = publicKey;
        List<X509Certificate> certificates = chain;
        List<X509Certificate> anchors = new ArrayList<>(trusted);
        if (leshan != null) {
            if (key == null && leshan.getPrivateKey() != null) {
                key = leshan.getPrivateKey();
                pub = leshan.getPublicKey();
                X509Certificate[] c = leshan.getCertificateChain();
                certificates = c == null ? List.of() : List.of(c);
            }
            Certificate[] t = leshan.getTrustedCertificates();
            if (t != null) {
                for (Certificate c : t) {
                    if (c instanceof X509Certificate x) {
                        anchors.add(x);
                    }
                }
            }
        }
        if (key == null) {
            return;
        }
        if (!certificates.isEmpty()) {
            dtls.certificate(key, certificates);
        } else if (pub != null) {
            dtls.rawPublicKey(new KeyPair(pub, key));
        } else {
            throw new IllegalArgumentException("the server's private key comes without a public key or certificate");
        }
        dtls.trustedCertificates(anchors);
        dtls.keyTrust(new KnownKeys(store, keyRefresh, System::nanoTime)::contains);
        dtls.clientAuth(ClientAuth.NEEDED);
    }
}
