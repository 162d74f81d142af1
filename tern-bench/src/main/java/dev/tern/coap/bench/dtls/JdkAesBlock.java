package dev.tern.coap.bench.dtls;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.OutputLengthException;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * BouncyCastle's {@link BlockCipher} interface over the JDK's AES ({@code AES/ECB/NoPadding}, on the
 * CPU's AES instructions), so that BouncyCastle's CCM mode runs on it in the load generator: the
 * block function is the JDK's, the mode BouncyCastle's. BouncyCastle's CCM initialises its block
 * cipher twice per record with the same {@link KeyParameter}; the JDK's cipher is keyed again only
 * for another parameter object or direction (each {@link Ccm8} holds one key for its lifetime).
 * tern-dtls has the same adapter for its server ({@code JdkAesEngine}), package-private there. Not
 * thread-safe.
 */
final class JdkAesBlock implements BlockCipher {
    private final Cipher cipher;
    private KeyParameter keyed;
    private boolean forEncryption;

    JdkAesBlock() {
        try {
            cipher = Cipher.getInstance("AES/ECB/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES unavailable", e);
        }
    }

    @Override
    public void init(boolean forEncryption, CipherParameters params) {
        KeyParameter k = (KeyParameter) params;
        if (k == keyed && forEncryption == this.forEncryption) {
            return;
        }
        try {
            cipher.init(forEncryption ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, new SecretKeySpec(k.getKey(), "AES"));
        } catch (GeneralSecurityException e) {
            keyed = null;
            throw new IllegalArgumentException("AES key rejected", e);
        }
        keyed = k;
        this.forEncryption = forEncryption;
    }

    @Override
    public String getAlgorithmName() {
        return "AES";
    }

    @Override
    public int getBlockSize() {
        return 16;
    }

    @Override
    public int processBlock(byte[] in, int inOff, byte[] out, int outOff) {
        try {
            return cipher.update(in, inOff, 16, out, outOff);
        } catch (ShortBufferException e) {
            throw new OutputLengthException("output buffer too short");
        }
    }

    @Override
    public void reset() {
        // ECB keeps no state between blocks
    }
}
