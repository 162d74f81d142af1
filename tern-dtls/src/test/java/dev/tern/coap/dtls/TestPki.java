package dev.tern.coap.dtls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Test keys and certificates: a CA, and leaf certificates it issues, all EC secp256r1. */
final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(1);

    final KeyPair caKeys = ecKeyPair();
    final X509Certificate ca = issue("CN=Tern Test CA", caKeys, null, caKeys.getPrivate(), null, true);

    static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A leaf for {@code cn} with subjectAltNames (DNS names, or IP literals when they parse as such). */
    Leaf leaf(String cn, String... altNames) {
        KeyPair keys = ecKeyPair();
        return new Leaf(keys, issue("CN=" + cn, keys, ca, caKeys.getPrivate(), altNames, false));
    }

    /** A self-signed certificate (not issued by the CA). */
    static Leaf selfSigned(String cn, String... altNames) {
        KeyPair keys = ecKeyPair();
        return new Leaf(keys, issue("CN=" + cn, keys, null, keys.getPrivate(), altNames, false));
    }

    private static X509Certificate issue(String subject, KeyPair keys, X509Certificate issuer, PrivateKey signer,
                                         String[] altNames, boolean ca) {
        try {
            long now = System.currentTimeMillis();
            X500Name issuerName = issuer == null ? new X500Name(subject)
                    : new X500Name(issuer.getSubjectX500Principal().getName());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                    BigInteger.valueOf(SERIAL.getAndIncrement()), new Date(now - 60_000), new Date(now + 86_400_000L),
                    new X500Name(subject), keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (altNames != null && altNames.length > 0) {
                GeneralName[] names = new GeneralName[altNames.length];
                for (int i = 0; i < names.length; i++) {
                    String n = altNames[i];
                    names[i] = n.matches("[0-9.]+") || n.contains(":")
                            ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n);
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (GeneralSecurityException | OperatorCreationException | java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key pair and its certificate. */
    record Leaf(KeyPair keys, X509Certificate certificate) {
        List<X509Certificate> chain() {
            return List.of(certificate);
        }
    }
}
