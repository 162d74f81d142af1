package dev.tern.coap.tcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * The test PKI in {@code src/test/resources/tls} (made once with openssl, EC P-256, valid 100
 * years): a CA, a server certificate for 127.0.0.1/localhost and a client certificate.
 */
final class TestPki {
    private TestPki() {
    }

    static X509Certificate certificate(String name) {
        try (InputStream in = resource(name + ".pem")) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static PrivateKey key(String name) {
        try (InputStream in = resource(name + ".key")) {
            String pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = TestPki.class.getResourceAsStream("/tls/" + name);
        if (in == null) {
            throw new IllegalStateException("no test resource tls/" + name);
        }
        return in;
    }
}
