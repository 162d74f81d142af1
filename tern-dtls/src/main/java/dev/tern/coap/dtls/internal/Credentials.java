package dev.tern.coap.dtls.internal;

import dev.tern.coap.PeerIdentity;
import dev.tern.coap.dtls.DtlsConfig;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateType;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsRawKeyCertificate;

/** Turns a {@link DtlsConfig}'s JDK key material into BouncyCastle credentials, and checks a peer's. */
final class Credentials {
    private final DtlsConfig config;
    private final BcTlsCrypto crypto;
    private final AsymmetricKeyParameter privateKey;
    private final Certificate ownCertificate;
    private final Set<X509Certificate> anchors;

    Credentials(DtlsConfig config, BcTlsCrypto crypto) {
        this.config = config;
        this.crypto = crypto;
        this.anchors = new HashSet<>(config.trustedCertificates());
        if (config.privateKey() == null) {
            privateKey = null;
            ownCertificate = null;
            return;
        }
        try {
            privateKey = PrivateKeyFactory.createKey(config.privateKey().getEncoded());
            if (config.rawPublicKey() != null) {
                ownCertificate = new Certificate(CertificateType.RawPublicKey, new TlsCertificate[] {
                    new BcTlsRawKeyCertificate(crypto, config.rawPublicKey().getEncoded())});
            } else {
                List<X509Certificate> chain = config.certificateChain();
                TlsCertificate[] list = new TlsCertificate[chain.size()];
                for (int i = 0; i < list.length; i++) {
                    list[i] = crypto.createCertificate(chain.get(i).getEncoded());
                }
                ownCertificate = new Certificate(list);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("unusable private key or certificate: " + e.getMessage(), e);
        }
    }

    /** The algorithm of the own key ("EC", "RSA"), or null without one. */
    String keyAlgorithm() {
        return config.privateKey() == null ? null : config.privateKey().getAlgorithm();
    }

    /** Whether the own credentials are a raw public key. */
    boolean rawPublicKey() {
        return config.rawPublicKey() != null;
    }

    /** Whether peers' keys can be checked (trust configured, or trust-all). */
    boolean verifiesPeers() {
        return config.trustAll() || !config.trustedCertificates().isEmpty() || !config.trustedKeys().isEmpty()
                || config.keyTrust() != null;
    }

    /** The signer for the own certificate or raw public key; null without one. */
    TlsCredentialedSigner signer(TlsContext context) {
        if (privateKey == null) {
            return null;
        }
        short signature = "RSA".equals(keyAlgorithm()) ? SignatureAlgorithm.rsa : SignatureAlgorithm.ecdsa;
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey,
                ownCertificate, SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, signature));
    }

    /**
     * Checks a peer's certificate chain or raw public key against the trust configuration and, for
     * a server checked by a client, {@code hostname}. Throws a fatal alert with the reason.
     */
    PeerIdentity verify(Certificate peer, String hostname, String cipherSuite) throws IOException {
        if (peer == null || peer.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "the peer sent no certificate or key");
        }
        if (peer.getCertificateType() == CertificateType.RawPublicKey) {
            byte[] spki = peer.getCertificateAt(0).getEncoded();
            PublicKey key = publicKey(spki);
            if (!config.trustAll() && !trustedKey(spki) && !trustedAtRunTime(key)) {
                throw new TlsFatalAlert(AlertDescription.bad_certificate,
                        "raw public key " + PeerIdentity.niName(key) + " is not trusted");
            }
            return PeerIdentity.rawPublicKey(key, cipherSuite);
        }
        List<X509Certificate> chain = x509Chain(peer);
        if (!config.trustAll()) {
            checkChain(chain);
            if (hostname != null) {
                checkHostname(chain.get(0), hostname);
            }
        }
        return PeerIdentity.x509(chain, cipherSuite);
    }

    /** The identity a certificate or raw key names, without checking it (it was, in the full handshake). */
    static PeerIdentity unverified(Certificate peer, String cipherSuite) throws IOException {
        if (peer.getCertificateType() == CertificateType.RawPublicKey) {
            return PeerIdentity.rawPublicKey(publicKey(peer.getCertificateAt(0).getEncoded()), cipherSuite);
        }
        return PeerIdentity.x509(x509Chain(peer), cipherSuite);
    }

    /** The configured {@link DtlsConfig#keyTrust()}'s verdict; false without one or when it fails. */
    private boolean trustedAtRunTime(PublicKey key) {
        java.util.function.Predicate<PublicKey> trust = config.keyTrust();
        if (trust == null) {
            return false;
        }
        try {
            return trust.test(key);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private boolean trustedKey(byte[] spki) {
        boolean found = false;
        for (PublicKey k : config.trustedKeys()) {
            found |= MessageDigest.isEqual(k.getEncoded(), spki);
        }
        return found;
    }

    static PublicKey publicKey(byte[] spki) throws IOException {
        try {
            String algorithm = SubjectPublicKeyInfo.getInstance(spki).getAlgorithm().getAlgorithm()
                    .equals(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.rsaEncryption) ? "RSA" : "EC";
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "unreadable public key", e);
        }
    }

    private static List<X509Certificate> x509Chain(Certificate peer) throws IOException {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            List<X509Certificate> chain = new ArrayList<>();
            for (int i = 0; i < peer.getLength(); i++) {
                chain.add((X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(peer.getCertificateAt(i).getEncoded())));
            }
            return chain;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "unreadable certificate", e);
        }
    }

    private void checkChain(List<X509Certificate> chain) throws IOException {
        if (anchors.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.certificate_unknown,
                    "the peer presented a certificate but no trusted certificates are configured");
        }
        if (anchors.contains(chain.get(0))) {
            try {
                chain.get(0).checkValidity();
                return; // pinned
            } catch (GeneralSecurityException e) {
                throw new TlsFatalAlert(AlertDescription.certificate_expired, e.getMessage(), e);
            }
        }
        List<X509Certificate> path = new ArrayList<>();
        for (X509Certificate c : chain) {
            if (anchors.contains(c)) {
                break;
            }
            path.add(c);
        }
        try {
            Set<TrustAnchor> trust = new HashSet<>();
            for (X509Certificate a : anchors) {
                trust.add(new TrustAnchor(a, null));
            }
            PKIXParameters params = new PKIXParameters(trust);
            params.setRevocationEnabled(false);
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(path), params);
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate,
                    "certificate of " + chain.get(0).getSubjectX500Principal().getName() + " is not trusted: "
                            + e.getMessage(), e);
        }
    }

    /** RFC 6125 §6: an IP literal against iPAddress names, a host name against dNSName (left-most wildcard). */
    static void checkHostname(X509Certificate leaf, String hostname) throws IOException {
        String host = hostname.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        boolean literal = isIpLiteral(host);
        List<String> dnsNames = new ArrayList<>();
        try {
            Collection<List<?>> names = leaf.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> n : names) {
                    int type = (Integer) n.get(0);
                    String value = String.valueOf(n.get(1)).toLowerCase(Locale.ROOT);
                    if (literal && type == 7 && sameAddress(value, host)) {
                        return;
                    }
                    if (type == 2) {
                        dnsNames.add(value);
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "unreadable subjectAltName", e);
        }
        if (!literal) {
            if (dnsNames.isEmpty()) {
                String cn = commonName(leaf);
                if (cn != null) {
                    dnsNames.add(cn.toLowerCase(Locale.ROOT));
                }
            }
            for (String name : dnsNames) {
                if (matches(name, host)) {
                    return;
                }
            }
        }
        throw new TlsFatalAlert(AlertDescription.bad_certificate, "the certificate of "
                + leaf.getSubjectX500Principal().getName() + " is not valid for " + hostname
                + " (use the name it was issued for, or --insecure)");
    }

    private static boolean matches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot).equals(pattern.substring(1));
        }
        return pattern.equals(host);
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }

    private static boolean sameAddress(String a, String b) {
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b)); // literals: no lookup
        } catch (IOException e) {
            return false;
        }
    }

    private static String commonName(X509Certificate leaf) {
        try {
            for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
