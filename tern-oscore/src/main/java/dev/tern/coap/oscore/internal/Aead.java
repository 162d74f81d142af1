package dev.tern.coap.oscore.internal;

import dev.tern.coap.oscore.AeadAlgorithm;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADCipher;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * COSE_Encrypt0 content encryption for OSCORE (RFC 8613 §5.3): the AEAD of the context's algorithm,
 * from BouncyCastle (AES-CCM, AES-GCM, ChaCha20/Poly1305). The ciphertext carries the tag at its end.
 */
public final class Aead {
    private Aead() {
    }

    /** Encrypts {@code plaintext}; the result is the ciphertext followed by the tag. */
    public static byte[] encrypt(AeadAlgorithm alg, byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) {
        AEADCipher c = cipher(alg);
        c.init(true, new AEADParameters(new KeyParameter(key), alg.tagLength() * 8, nonce, aad));
        byte[] out = new byte[c.getOutputSize(plaintext.length)];
        int n = c.processBytes(plaintext, 0, plaintext.length, out, 0);
        try {
            c.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("AEAD encryption failed", e);
        }
        return out;
    }

    /**
     * Decrypts and verifies {@code ciphertext} (with its tag).
     *
     * @return the plaintext, or {@code null} when the tag does not verify
     */
    public static byte[] decrypt(AeadAlgorithm alg, byte[] key, byte[] nonce, byte[] aad, byte[] ciphertext) {
        if (ciphertext.length < alg.tagLength()) {
            return null;
        }
        AEADCipher c = cipher(alg);
        c.init(false, new AEADParameters(new KeyParameter(key), alg.tagLength() * 8, nonce, aad));
        byte[] out = new byte[c.getOutputSize(ciphertext.length)];
        int n = c.processBytes(ciphertext, 0, ciphertext.length, out, 0);
        try {
            c.doFinal(out, n);
            return out;
        } catch (InvalidCipherTextException e) {
            return null;
        }
    }

    private static AEADCipher cipher(AeadAlgorithm alg) {
        switch (alg) {
            case AES_CCM_16_64_128:
            case AES_CCM_16_64_256:
            case AES_CCM_16_128_128:
            case AES_CCM_16_128_256:
                return CCMBlockCipher.newInstance(AESEngine.newInstance());
            case A128GCM:
            case A192GCM:
            case A256GCM:
                return GCMBlockCipher.newInstance(AESEngine.newInstance());
            case CHACHA20_POLY1305:
                return new ChaCha20Poly1305();
            default:
                throw new IllegalArgumentException("unsupported AEAD " + alg);
        }
    }
}
