package dev.tern.coap.interop;

import java.io.IOException;
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
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Keys and certificates for the DTLS interop tests, made in the test JVM (no {@code openssl}
 * command needed) and written as the PEM files libcoap's {@code -c/-j/-C} and {@code -M} options
 * read: a CA, a server certificate for {@code 127.0.0.1}/{@code localhost} and a client
 * certificate it issued, and raw public key pairs. All keys are EC secp256r1 (RFC 7252 §9.1.3.2).
 *
 * <p>Files in {@link #dir}: {@code ca.pem}; {@code server.pem}/{@code server.key},
 * {@code client.pem}/{@code client.key} (certificate, PKCS #8 private key); {@code server-rpk.pem},
 * {@code client-rpk.pem} (SEC 1 {@code EC PRIVATE KEY} with its public key, as libcoap's {@code -M}
 * wants).
 */
final class InteropPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    final Path dir;
    final KeyPair caKeys = ecKeyPair();
    final X509Certificate ca;
    final KeyPair serverKeys = ecKeyPair();
    final X509Certificate serverCertificate;
    final KeyPair clientKeys = ecKeyPair();
    final X509Certificate clientCertificate;
    final KeyPair serverRpk = ecKeyPair();
    final KeyPair clientRpk = ecKeyPair();

    /** Creates the keys and certificates and writes them to {@code dir}. */
    InteropPki(Path dir, String clientName) {
        this.dir = dir;
        ca = issue("CN=Tern Interop CA", caKeys, null, null, true);
        serverCertificate = issue("CN=localhost", serverKeys, new String[] {"127.0.0.1", "localhost"}, ca, false);
        clientCertificate = issue("CN=" + clientName, clientKeys, null, ca, false);
        try {
            write("ca.pem", pem("CERTIFICATE", ca.getEncoded()));
            write("server.pem", pem("CERTIFICATE", serverCertificate.getEncoded()));
            write("server.key", pem("PRIVATE KEY", pkcs8(serverKeys)));
            write("client.pem", pem("CERTIFICATE", clientCertificate.getEncoded()));
            write("client.key", pem("PRIVATE KEY", pkcs8(clientKeys)));
            write("server-rpk.pem", pem("EC PRIVATE KEY", sec1(serverRpk)));
            write("client-rpk.pem", pem("EC PRIVATE KEY", sec1(clientRpk)));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot write the test PKI to " + dir, e);
        }
    }

    /** A file written into {@link #dir}, as an absolute path string for a command line. */
    String file(String name) {
        return dir.resolve(name).toAbsolutePath().toString();
    }

    /** The server's chain, leaf first. */
    List<X509Certificate> serverChain() {
        return List.of(serverCertificate);
    }

    /** The client's chain, leaf first. */
    List<X509Certificate> clientChain() {
        return List.of(clientCertificate);
    }

    static KeyPair ecKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private X509Certificate issue(String subject, KeyPair keys, String[] altNames, X509Certificate issuer,
                                  boolean isCa) {
        try {
            long now = System.currentTimeMillis();
            X500Name issuerName = new X500Name(issuer == null ? subject : issuer.getSubjectX500Principal().getName());
            PrivateKey signer = issuer == null ? keys.getPrivate() : caKeys.getPrivate();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuerName,
                    BigInteger.valueOf(SERIAL.getAndIncrement()), new Date(now - 3_600_000L),
                    new Date(now + 7 * 86_400_000L), new X500Name(subject), keys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(
                    issuer == null ? keys.getPublic() : caKeys.getPublic()));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(isCa
                    ? KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature
                    : KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            if (altNames != null) {
                GeneralName[] names = new GeneralName[altNames.length];
                for (int i = 0; i < names.length; i++) {
                    String n = altNames[i];
                    names[i] = n.matches("[0-9.]+") ? new GeneralName(GeneralName.iPAddress, n)
                            : new GeneralName(GeneralName.dNSName, n);
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RFC 5915 ECPrivateKey with the named curve and the public key, the form {@code openssl ecparam -genkey} writes. */
    private static byte[] sec1(KeyPair keys) throws IOException {
        return new org.bouncycastle.asn1.sec.ECPrivateKey(256, ((ECPrivateKey) keys.getPrivate()).getS(),
                new DERBitString(publicPoint(keys)), SECObjectIdentifiers.secp256r1).getEncoded();
    }

    /**
     * PKCS #8 PrivateKeyInfo whose ECPrivateKey carries the public key, the form {@code openssl genpkey}
     * writes. (The JDK's own encoding leaves the public key out, and GnuTLS 3.7 then refuses the key:
     * "ASN1 parser: Element was not found".)
     */
    private static byte[] pkcs8(KeyPair keys) throws IOException {
        org.bouncycastle.asn1.sec.ECPrivateKey inner = new org.bouncycastle.asn1.sec.ECPrivateKey(256,
                ((ECPrivateKey) keys.getPrivate()).getS(), new DERBitString(publicPoint(keys)), null);
        return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                SECObjectIdentifiers.secp256r1), inner).getEncoded();
    }

    private static byte[] publicPoint(KeyPair keys) {
        return SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData().getBytes();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private void write(String name, String text) {
        try {
            Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
