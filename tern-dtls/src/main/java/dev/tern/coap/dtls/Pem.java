package dev.tern.coap.dtls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads keys and certificates from PEM text (RFC 7468), as OpenSSL and libcoap write them:
 * {@code PRIVATE KEY} (PKCS #8), {@code EC PRIVATE KEY} (SEC 1), {@code RSA PRIVATE KEY},
 * {@code PUBLIC KEY} and {@code CERTIFICATE}. Encrypted keys are not supported.
 */
public final class Pem {
    private Pem() {
    }

    /** The first private key in {@code file}, with its public key (derived for EC keys that lack it). */
    public static KeyPair keyPair(Path file) throws IOException {
        return keyPair(read(file), file.toString());
    }

    /** The first private key in PEM {@code text}, with its public key. */
    public static KeyPair keyPair(String text) throws IOException {
        return keyPair(text, "PEM text");
    }

    private static KeyPair keyPair(String text, String where) throws IOException {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        for (Object o : objects(text)) {
            if (o instanceof PEMKeyPair pair) {
                if (pair.getPublicKeyInfo() != null) {
                    return converter.getKeyPair(pair);
                }
                return withDerivedPublicKey(converter.getPrivateKey(pair.getPrivateKeyInfo()),
                        pair.getPrivateKeyInfo(), where);
            }
            if (o instanceof PrivateKeyInfo info) {
                return withDerivedPublicKey(converter.getPrivateKey(info), info, where);
            }
        }
        throw new IOException("no private key in " + where);
    }

    private static KeyPair withDerivedPublicKey(PrivateKey key, PrivateKeyInfo info, String where) throws IOException {
        AsymmetricKeyParameter param = PrivateKeyFactory.createKey(info);
        if (param instanceof ECPrivateKeyParameters ec) {
            var q = new FixedPointCombMultiplier().multiply(ec.getParameters().getG(), ec.getD()).normalize();
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(
                    new ECPublicKeyParameters(q, ec.getParameters()));
            return new KeyPair(publicKey(spki), key);
        }
        if (key instanceof java.security.interfaces.RSAPrivateCrtKey rsa) {
            try {
                PublicKey pub = KeyFactory.getInstance("RSA").generatePublic(
                        new java.security.spec.RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
                return new KeyPair(pub, key);
            } catch (GeneralSecurityException e) {
                throw new IOException("unusable RSA key in " + where, e);
            }
        }
        throw new IOException("cannot derive the public key of the " + key.getAlgorithm() + " key in " + where);
    }

    /** The certificates in {@code file}, in order (a chain is leaf first). */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        List<X509Certificate> certs = certificates(read(file));
        if (certs.isEmpty()) {
            throw new IOException("no certificate in " + file);
        }
        return certs;
    }

    /** The certificates in PEM {@code text}, in order. */
    public static List<X509Certificate> certificates(String text) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object o : objects(text)) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    out.add(converter.getCertificate(holder));
                } catch (GeneralSecurityException e) {
                    throw new IOException("unusable certificate: " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    /**
     * The public keys in {@code file}: {@code PUBLIC KEY} blocks, the keys of {@code CERTIFICATE}
     * blocks, and the public halves of private keys (so a raw public key can be trusted by giving
     * either file).
     */
    public static List<PublicKey> publicKeys(Path file) throws IOException {
        String text = read(file);
        List<PublicKey> out = new ArrayList<>();
        for (Object o : objects(text)) {
            if (o instanceof SubjectPublicKeyInfo spki) {
                out.add(publicKey(spki));
            } else if (o instanceof X509CertificateHolder holder) {
                out.add(publicKey(holder.getSubjectPublicKeyInfo()));
            } else if (o instanceof PEMKeyPair || o instanceof PrivateKeyInfo) {
                out.add(keyPair(text, file.toString()).getPublic());
            }
        }
        if (out.isEmpty()) {
            throw new IOException("no public key in " + file);
        }
        return out;
    }

    private static PublicKey publicKey(SubjectPublicKeyInfo spki) throws IOException {
        try {
            return new JcaPEMKeyConverter().getPublicKey(spki);
        } catch (RuntimeException e) {
            try {
                return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki.getEncoded()));
            } catch (GeneralSecurityException g) {
                throw new IOException("unusable public key", g);
            }
        }
    }

    private static List<Object> objects(String text) throws IOException {
        List<Object> out = new ArrayList<>();
        try (Reader r = new StringReader(text); PEMParser parser = new PEMParser(r)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                out.add(o);
            }
        } catch (RuntimeException e) {
            throw new IOException("malformed PEM: " + e.getMessage(), e);
        }
        return out;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII);
    }
}
