package dev.tern.coap.interop;

import dev.tern.coap.dtls.testkit.TestCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.util.List;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

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
        ca = TestCertificates.issue("CN=Tern Interop CA", caKeys, null, null, true);
        serverCertificate = TestCertificates.issue("CN=localhost", serverKeys, ca, caKeys, false, "127.0.0.1", "localhost");
        clientCertificate = TestCertificates.issue("CN=" + clientName, clientKeys, ca, caKeys, false);
        try {
            write("ca.pem", TestCertificates.pem("CERTIFICATE", ca.getEncoded()));
            write("server.pem", TestCertificates.pem("CERTIFICATE", serverCertificate.getEncoded()));
            write("server.key", TestCertificates.pem("PRIVATE KEY", pkcs8(serverKeys)));
            write("client.pem", TestCertificates.pem("CERTIFICATE", clientCertificate.getEncoded()));
            write("client.key", TestCertificates.pem("PRIVATE KEY", pkcs8(clientKeys)));
            write("server-rpk.pem", TestCertificates.pem("EC PRIVATE KEY", TestCertificates.sec1(serverRpk)));
            write("client-rpk.pem", TestCertificates.pem("EC PRIVATE KEY", TestCertificates.sec1(clientRpk)));
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
        return TestCertificates.ecKeyPair();
    }

    /**
     * PKCS #8 PrivateKeyInfo whose ECPrivateKey carries the public key, the form {@code openssl genpkey}
     * writes. (The JDK's own encoding leaves the public key out, and GnuTLS 3.7 then refuses the key:
     * "ASN1 parser: Element was not found".)
     */
    private static byte[] pkcs8(KeyPair keys) throws IOException {
        org.bouncycastle.asn1.sec.ECPrivateKey inner = new org.bouncycastle.asn1.sec.ECPrivateKey(256,
                ((ECPrivateKey) keys.getPrivate()).getS(), new DERBitString(TestCertificates.publicPoint(keys)), null);
        return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                SECObjectIdentifiers.secp256r1), inner).getEncoded();
    }

    private void write(String name, String text) {
        try {
            Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
