package dev.tern.coap.tcp;

import dev.tern.coap.PeerIdentity;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateEntry;
import org.bouncycastle.tls.CertificateType;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsRawKeyCertificate;

/**
 * Raw public keys in TLS (RFC 7250, RFC 7252 §9.1.3.2 as RFC 8323 §9.1 keeps it): this side's key
 * as a BouncyCastle signer, and the check of the peer's key against {@link TlsConfig}'s trusted
 * keys (constant-time comparison of the SubjectPublicKeyInfo) and run-time {@code keyTrust}.
 */
final class RawKeys {
    private final TlsConfig config;
    private final BcTlsCrypto crypto;
    private final AsymmetricKeyParameter privateKey;
    private final TlsCertificate own;

    RawKeys(TlsConfig config, BcTlsCrypto crypto) {
        this.config = config;
        this.crypto = crypto;
        if (config.rawPublicKey == null) {
            privateKey = null;
            own = null;
            return;
        }
        try {
            privateKey = PrivateKeyFactory.createKey(config.rawPublicKey.getPrivate().getEncoded());
            own = new BcTlsRawKeyCertificate(crypto, config.rawPublicKey.getPublic().getEncoded());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("unusable raw public key pair: " + e.getMessage(), e);
        }
    }

    /** Whether this side has a key pair to authenticate with. */
    boolean hasKey() {
        return own != null;
    }

    /** Whether this side checks peers' raw keys (trusted keys, run-time trust, or a client trusting any). */
    boolean trustsKeys() {
        return !config.trustedKeys.isEmpty() || config.keyTrust != null;
    }

    /**
     * The signer for this side's key (ECDSA with SHA-256, RFC 8446 ecdsa_secp256r1_sha256); null
     * without one. TLS 1.3 sends the key in a certificate entry with the request's context
     * ({@code requestContext}: empty for a server, the CertificateRequest's for a client).
     */
    TlsCredentialedSigner signer(TlsContext context, byte[] requestContext) {
        if (own == null) {
            return null;
        }
        Certificate certificate = TlsUtils.isTLSv13(context)
                ? new Certificate(CertificateType.RawPublicKey, requestContext == null ? TlsUtils.EMPTY_BYTES : requestContext,
                        new CertificateEntry[] {new CertificateEntry(own, null)})
                : new Certificate(CertificateType.RawPublicKey, new TlsCertificate[] {own});
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey, certificate,
                SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }

    /**
     * The identity of the peer's raw public key if {@code trustAny} or the configuration trusts it;
     * otherwise a fatal {@code bad_certificate} (or {@code unsupported_certificate} for a certificate).
     */
    PeerIdentity verify(Certificate peer, boolean trustAny, String cipherSuite) throws IOException {
        if (peer == null || peer.isEmpty()) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "the peer sent no raw public key");
        }
        if (peer.getCertificateType() != CertificateType.RawPublicKey) {
            throw new TlsFatalAlert(AlertDescription.unsupported_certificate,
                    "the peer sent a certificate of type " + peer.getCertificateType() + ", not a raw public key");
        }
        byte[] spki = peer.getCertificateAt(0).getEncoded();
        PublicKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate, "the peer's raw public key is not an EC key", e);
        }
        if (!trustAny && !trusted(spki, key)) {
            throw new TlsFatalAlert(AlertDescription.bad_certificate,
                    "raw public key " + PeerIdentity.niName(key) + " is not trusted");
        }
        return PeerIdentity.rawPublicKey(key, cipherSuite);
    }

    private boolean trusted(byte[] spki, PublicKey key) {
        boolean found = false;
        for (PublicKey k : config.trustedKeys) {
            found |= MessageDigest.isEqual(k.getEncoded(), spki);
        }
        if (found || config.keyTrust == null) {
            return found;
        }
        try {
            return config.keyTrust.test(key);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
