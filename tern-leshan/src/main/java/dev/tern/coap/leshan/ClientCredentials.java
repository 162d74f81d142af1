package dev.tern.coap.leshan;

import dev.tern.coap.dtls.DtlsConfig;
import java.security.KeyPair;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.leshan.client.servers.ServerInfo;
import org.eclipse.leshan.core.CertificateUsage;
import org.eclipse.leshan.core.peer.LwM2mIdentity;
import org.eclipse.leshan.core.peer.PskIdentity;
import org.eclipse.leshan.core.peer.RpkIdentity;
import org.eclipse.leshan.core.peer.X509Identity;

/**
 * A Leshan client's DTLS settings for one LwM2M server, from its Security object instance (OMA LwM2M
 * 1.1 Core §E.1, Security mode and keys): a PSK (RFC 7252 §9.1.3.1), a raw public key pair with the
 * server's public key (RFC 7250, §9.1.3.2) or a certificate with the server's certificate (§9.1.3.3).
 */
final class ClientCredentials {
    /** What the client presents and trusts, and the identity it expects of the server. */
    record Settings(DtlsConfig dtls, LwM2mIdentity server) {
    }

    private ClientCredentials() {
    }

    /**
     * The settings for {@code info}'s secure server. For X.509, certificate usage 3 (domain-issued
     * certificate, the default) and 2 (trust anchor assertion) are supported: the server's
     * certificate given in the Security object is pinned or is the trust anchor; Tern also checks
     * that the server certificate names the URI's host (or the SNI). Usages 0 and 1 (constraints on
     * a chain to the client's trust store) are refused.
     */
    static Settings of(ServerInfo info) {
        DtlsConfig.ClientBuilder b = DtlsConfig.client();
        switch (info.secureMode) {
            case PSK:
                return new Settings(b.psk(info.pskId, info.pskKey).build(), new PskIdentity(info.pskId));
            case RPK:
                if (info.serverPublicKey == null) {
                    throw new IllegalStateException("RPK mode without the server's public key");
                }
                b.rawPublicKey(new KeyPair(info.publicKey, info.privateKey)).trustedKeys(List.of(info.serverPublicKey));
                return new Settings(b.build(), new RpkIdentity(info.serverPublicKey));
            case X509:
                if (!(info.serverCertificate instanceof X509Certificate server)) {
                    throw new IllegalStateException("X.509 mode without the server's certificate");
                }
                CertificateUsage usage = info.certificateUsage == null ? CertificateUsage.DOMAIN_ISSUER_CERTIFICATE
                        : info.certificateUsage;
                if (usage != CertificateUsage.DOMAIN_ISSUER_CERTIFICATE
                        && usage != CertificateUsage.TRUST_ANCHOR_ASSERTION) {
                    throw new IllegalStateException("tern-leshan's client does not support certificate usage "
                            + usage);
                }
                List<X509Certificate> chain = new ArrayList<>();
                for (Certificate c : info.clientCertificates) {
                    chain.add((X509Certificate) c);
                }
                b.certificate(info.privateKey, chain).trustedCertificates(List.of(server));
                if (info.sni != null && !info.sni.isEmpty()) {
                    b.serverName(info.sni);
                }
                return new Settings(b.build(), new X509Identity(Peers.commonName(server)));
            default:
                throw new IllegalStateException("tern-leshan's client does not support security mode "
                        + info.secureMode);
        }
    }
}
