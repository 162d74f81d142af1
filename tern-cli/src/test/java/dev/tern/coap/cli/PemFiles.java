package dev.tern.coap.cli;

import dev.tern.coap.dtls.testkit.TestCertificates;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Keys and certificates for the DTLS command tests, written as PEM files the way OpenSSL writes
 * them: EC secp256r1 keys, a CA, leaf certificates it issues, and self-signed ones.
 */
final class PemFiles {
    private final Path dir;

    PemFiles(Path dir) {
        this.dir = dir;
    }

    /** A CA: its key pair and self-signed certificate, written to {@code NAME.crt}. */
    Issuer ca(String name) {
        KeyPair keys = TestCertificates.ecKeyPair();
        X509Certificate cert = TestCertificates.issue("CN=" + name, keys, null, null, true);
        return new Issuer(keys, cert, write(name + ".crt", cert));
    }

    /**
     * A leaf issued by {@code ca} (or self-signed when null) for {@code cn} with subjectAltNames
     * (DNS names, or IP addresses when they look like one): {@code NAME.crt} and {@code NAME.key}
     * (the key as PKCS #8 {@code PRIVATE KEY}, or as SEC 1 {@code EC PRIVATE KEY} when {@code sec1}).
     */
    Leaf leaf(String name, Issuer ca, String cn, String... altNames) {
        KeyPair keys = TestCertificates.ecKeyPair();
        X509Certificate cert = ca == null
                ? TestCertificates.issue("CN=" + cn, keys, null, null, false, altNames)
                : TestCertificates.issue("CN=" + cn, keys, ca.certificate(), ca.keys(), false, altNames);
        return new Leaf(keys, cert, write(name + ".crt", cert), privateKey(name + ".key", keys, false));
    }

    /** An EC key pair: {@code NAME.key} (SEC 1 {@code EC PRIVATE KEY}) and {@code NAME.pub} ({@code PUBLIC KEY}). */
    RawKey rawKey(String name) {
        KeyPair keys = TestCertificates.ecKeyPair();
        return new RawKey(keys, privateKey(name + ".key", keys, true), write(name + ".pub", keys.getPublic()));
    }

    private Path privateKey(String file, KeyPair keys, boolean sec1) {
        if (sec1) {
            // As "openssl ecparam -genkey" writes it: SEC 1 with the curve and the public key inside.
            // (JcaPEMWriter's own "EC PRIVATE KEY" leaves the curve out, which nothing can read back.)
            return ownerOnly(write(file, new PemObject("EC PRIVATE KEY", TestCertificates.sec1(keys))));
        }
        try {
            return ownerOnly(write(file, new JcaPKCS8Generator(keys.getPrivate(), null).generate()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A private key file readable by its owner only, as tern expects (else it warns). */
    private static Path ownerOnly(Path file) {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // no POSIX permissions here: tern does not check them either
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
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
