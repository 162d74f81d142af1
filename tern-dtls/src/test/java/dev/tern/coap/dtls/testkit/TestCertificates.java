package dev.tern.coap.dtls.testkit;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test keys and certificates, shared by the DTLS tests of tern-dtls, tern-cli and tern-interop
 * (tern-dtls's test jar): EC P-256 key pairs, certificates as the peers under test accept them
 * (basic constraints, key usage, subject and authority key identifiers, subjectAltNames), and the
 * SEC 1 and PEM encodings the CLI and libcoap read.
 */
public final class TestCertificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestCertificates() {
    }

    /** A fresh EC key pair on secp256r1. */
    public static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A certificate for {@code subject} and {@code keys}, signed by {@code issuerKeys} and naming
     * {@code issuer} as its issuer, or self-signed when {@code issuer} is null; a CA certificate when
     * {@code ca}. Each of {@code altNames} becomes a subjectAltName: an IP address when it looks like
     * one (digits and dots, or a colon), else a DNS name. Valid from an hour ago for a week.
     */
    public static java.security.cert.X509Certificate issue(String subject, KeyPair keys,
            java.security.cert.X509Certificate issuer, KeyPair issuerKeys, boolean ca, String... altNames) {
        KeyPair signer = issuer == null ? keys : issuerKeys;
        try {
            long now = System.currentTimeMillis();
            X500Name issuerName = issuer == null ? new X500Name(subject)
                    : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                    BigInteger.valueOf(SERIAL.getAndIncrement()), new Date(now - 3_600_000L),
                    new Date(now + 7 * 86_400_000L), new X500Name(subject), keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(signer.getPublic()));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(ca
                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature
                    : KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            if (altNames.length > 0) {
                GeneralName[] names = new GeneralName[altNames.length];
                for (int i = 0; i < names.length; i++) {
                    String n = altNames[i];
                    names[i] = n.matches("[0-9.]+") || n.contains(":")
                            ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n);
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The uncompressed public point of an EC key pair (the subjectPublicKey bits). */
    public static byte[] publicPoint(KeyPair keys) {
        return SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData().getBytes();
    }

    /**
     * RFC 5915 ECPrivateKey (SEC 1) with the named curve and the public key: the form
     * {@code openssl ecparam -genkey} writes as {@code EC PRIVATE KEY}.
     */
    public static byte[] sec1(KeyPair keys) {
        try {
            return new org.bouncycastle.asn1.sec.ECPrivateKey(256, ((ECPrivateKey) keys.getPrivate()).getS(),
                    new DERBitString(publicPoint(keys)), SECObjectIdentifiers.secp256r1).getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code der} as PEM text of {@code type} (e.g. CERTIFICATE), 64 characters a line. */
    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
