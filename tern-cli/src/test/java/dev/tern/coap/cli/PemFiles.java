package dev.tern.coap.cli;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Keys and certificates for the DTLS command tests, written as PEM files the way OpenSSL writes
 * them: EC secp256r1 keys, a CA, leaf certificates it issues, and self-signed ones.
 */
final class PemFiles {
    private static final AtomicLong SERIAL = new AtomicLong(1);

    private final Path dir;

    PemFiles(Path dir) {
        this.dir = dir;
    }

    /** A CA: its key pair and self-signed certificate, written to {@code NAME.crt}. */
    Issuer ca(String name) {
        KeyPair keys = ecKeys();
        X509Certificate cert = certificate("CN=" + name, keys, null, keys.getPrivate(), true, new String[0]);
        return new Issuer(keys, cert, write(name + ".crt", cert));
    }

    /**
     * A leaf issued by {@code ca} (or self-signed when null) for {@code cn} with subjectAltNames
     * (DNS names, or IP addresses when they look like one): {@code NAME.crt} and {@code NAME.key}
     * (the key as PKCS #8 {@code PRIVATE KEY}, or as SEC 1 {@code EC PRIVATE KEY} when {@code sec1}).
     */
    Leaf leaf(String name, Issuer ca, String cn, String... altNames) {
        KeyPair keys = ecKeys();
        X509Certificate cert = ca == null
                ? certificate("CN=" + cn, keys, null, keys.getPrivate(), false, altNames)
                : certificate("CN=" + cn, keys, ca.certificate(), ca.keys().getPrivate(), false, altNames);
        return new Leaf(keys, cert, write(name + ".crt", cert), privateKey(name + ".key", keys, false));
    }

    /** An EC key pair: {@code NAME.key} (SEC 1 {@code EC PRIVATE KEY}) and {@code NAME.pub} ({@code PUBLIC KEY}). */
    RawKey rawKey(String name) {
        KeyPair keys = ecKeys();
        return new RawKey(keys, privateKey(name + ".key", keys, true), write(name + ".pub", keys.getPublic()));
    }

    private Path privateKey(String file, KeyPair keys, boolean sec1) {
        if (sec1) {
            // As "openssl ecparam -genkey" writes it: SEC 1 with the curve and the public key inside.
            // (JcaPEMWriter's own "EC PRIVATE KEY" leaves the curve out, which nothing can read back.)
            try {
                PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
                SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
                ECPrivateKey sec1Key = new ECPrivateKey(256, ((java.security.interfaces.ECPrivateKey) keys.getPrivate()).getS(),
                        new DERBitString(spki.getPublicKeyData().getBytes()), info.getPrivateKeyAlgorithm().getParameters());
                return write(file, new PemObject("EC PRIVATE KEY", sec1Key.getEncoded()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            return write(file, new JcaPKCS8Generator(keys.getPrivate(), null).generate());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path write(String file, Object pemObject) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(text)) {
            w.writeObject(pemObject);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            return Files.writeString(dir.resolve(file), text.toString(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static KeyPair ecKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate certificate(String subject, KeyPair keys, X509Certificate issuer, PrivateKey signer,
                                               boolean ca, String[] altNames) {
        long now = System.currentTimeMillis();
        X500Name issuerName = issuer == null ? new X500Name(subject)
                : X500Name.getInstance(issuer.getSubjectX500Principal().getEncoded());
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName, BigInteger.valueOf(SERIAL.getAndIncrement()),
                new Date(now - 3_600_000L), new Date(now + 86_400_000L), new X500Name(subject), keys.getPublic());
        try {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            }
            if (altNames.length > 0) {
                GeneralName[] names = new GeneralName[altNames.length];
                for (int i = 0; i < altNames.length; i++) {
                    String n = altNames[i];
                    names[i] = n.matches("[0-9.]+") || n.contains(":")
                            ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n);
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A CA. */
    record Issuer(KeyPair keys, X509Certificate certificate, Path cert) {
    }

    /** A certificate and its key, and their files. */
    record Leaf(KeyPair keys, X509Certificate certificate, Path cert, Path key) {
    }

    /** A raw key pair and its files. */
    record RawKey(KeyPair keys, Path key, Path pub) {
    }
}
