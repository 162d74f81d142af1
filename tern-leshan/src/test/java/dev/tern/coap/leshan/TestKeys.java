package dev.tern.coap.leshan;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** EC secp256r1 key pairs and X.509 certificates made in the test (RFC 5280), for RPK and X.509 modes. */
final class TestKeys {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestKeys() {
    }

    /** A fresh EC key pair on secp256r1 (the curve of RFC 7252 §9.1.3.2). */
    static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed CA certificate named {@code subject}. */
    static X509Certificate ca(String subject, KeyPair keys) {
        return issue(subject, keys, new X500Name(subject), keys, true);
    }

    /**
     * An end-entity certificate for {@code subject}'s {@code keys}, signed by the CA {@code issuer},
     * naming the IP addresses {@code ipAddresses} as subjectAltNames.
     */
    static X509Certificate leaf(String subject, KeyPair keys, X509Certificate issuer, KeyPair issuerKeys,
                                String... ipAddresses) {
        return issue(subject, keys, X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded()),
                issuerKeys, false, ipAddresses);
    }

    private static X509Certificate issue(String subject, KeyPair keys, X500Name issuer, KeyPair signer, boolean ca,
                                         String... ipAddresses) {
        long now = System.currentTimeMillis();
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.getAndIncrement()), new Date(now - 3_600_000L),
                    new Date(now + 86_400_000L), new X500Name(subject), keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(ca
                    ? KeyUsage.keyCertSign | KeyUsage.digitalSignature
                    : KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            if (ipAddresses.length > 0) {
                GeneralName[] names = new GeneralName[ipAddresses.length];
                for (int i = 0; i < names.length; i++) {
                    names[i] = new GeneralName(GeneralName.iPAddress, ipAddresses[i]);
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException(e);
        }
    }
}
