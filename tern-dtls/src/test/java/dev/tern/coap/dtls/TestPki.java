package dev.tern.coap.dtls;

import dev.tern.coap.dtls.testkit.TestCertificates;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;

/** Test keys and certificates: a CA, and leaf certificates it issues, all EC secp256r1. */
final class TestPki {
    final KeyPair caKeys = ecKeyPair();
    final X509Certificate ca = TestCertificates.issue("CN=Tern Test CA", caKeys, null, null, true);

    static KeyPair ecKeyPair() {
        return TestCertificates.ecKeyPair();
    }

    /** A leaf for {@code cn} with subjectAltNames (DNS names, or IP literals when they parse as such). */
    Leaf leaf(String cn, String... altNames) {
        KeyPair keys = ecKeyPair();
        return new Leaf(keys, TestCertificates.issue("CN=" + cn, keys, ca, caKeys, false, altNames));
    }

    /** A self-signed certificate (not issued by the CA). */
    static Leaf selfSigned(String cn, String... altNames) {
        KeyPair keys = ecKeyPair();
        return new Leaf(keys, TestCertificates.issue("CN=" + cn, keys, null, null, false, altNames));
    }

    /** A key pair and its certificate. */
    record Leaf(KeyPair keys, X509Certificate certificate) {
        List<X509Certificate> chain() {
            return List.of(certificate);
        }
    }
}
