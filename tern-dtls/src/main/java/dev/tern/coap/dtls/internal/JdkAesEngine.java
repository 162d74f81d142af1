package dev.tern.coap.dtls.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.CipherParameters;
import org.bouncycastle.crypto.DataLengthException;
import org.bouncycastle.crypto.OutputLengthException;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * A BouncyCastle {@link BlockCipher} that is the JDK's AES ({@code AES/ECB/NoPadding} of the SunJCE
 * provider, which the JVM runs on the CPU's AES instructions where there are any), for BouncyCastle's
 * modes to run on. Only the block function is delegated: whatever mode sits on top (CCM for the
 * AES_CCM suites: its nonce, counter blocks, CBC-MAC, tag check) stays BouncyCastle's.
 *
 * <p>BouncyCastle's {@code AESEngine} computes its lookup tables' key schedule at every
 * {@code init}, and its CCM mode initialises the block cipher twice per record (once for the
 * CBC-MAC, once for the counter mode) with the same {@link KeyParameter}. This engine keys the
 * JDK's cipher only when the key or the direction changes: the same {@code KeyParameter} object
 * again (BouncyCastle treats its key as immutable) or another one with the same bytes (compared in
 * constant time) keeps the current key schedule.
 *
 * <p>Not thread-safe, like any block cipher. Public for tern-bench's DTLS load generator, which runs
 * BouncyCastle's CCM on it too; not API.
 */
public final class JdkAesEngine implements BlockCipher {
    private static final int BLOCK_SIZE = 16;
    /**
     * Looked up once: walking the provider list was about a third of the cost of a new engine (two
     * per DTLS session) in a profile of abbreviated handshakes.
     */
    private static final Provider SUN_JCE = Security.getProvider("SunJCE");

    /** Created at the first {@link #init}, for that key's size; again only if a key of another size comes. */
    private Cipher cipher;
    private int cipherKeyLength;
    /** The parameters the cipher was last keyed from, and a copy of their key bytes. */
    private KeyParameter keyed;
    private byte[] key;
    private boolean forEncryption;

    /**
     * @throws IllegalStateException when the JDK has no AES/ECB/NoPadding (every Java SE runtime
     *     has it)
     */
    public JdkAesEngine() {
        if (!AVAILABLE) {
            throw new IllegalStateException("the JDK has no AES/ECB/NoPadding");
        }
    }

    private static final boolean AVAILABLE = available();

    private static boolean available() {
        try {
            cipherFor(16);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * The JDK's AES for keys of {@code keyLength} bytes. SunJCE names its fixed-size variants
     * ({@code AES_128/ECB/NoPadding}), which it finds at the first lookup; the generic name costs
     * several lookups and mode checks, about 40 % more per engine (two engines per DTLS session).
     */
    private static Cipher cipherFor(int keyLength) throws GeneralSecurityException {
        if (SUN_JCE != null) {
            try {
                String name = switch (keyLength) {
                    case 16 -> "AES_128/ECB/NoPadding";
                    case 24 -> "AES_192/ECB/NoPadding";
                    default -> "AES_256/ECB/NoPadding";
                };
                return Cipher.getInstance(name, SUN_JCE);
            } catch (GeneralSecurityException e) {
                // an older or trimmed provider: the generic name below
            }
        }
        // the JDK's own provider when present, so that a provider registered first does not replace it
        return SUN_JCE != null ? Cipher.getInstance("AES/ECB/NoPadding", SUN_JCE) : Cipher.getInstance("AES/ECB/NoPadding");
    }

    @Override
    public void init(boolean forEncryption, CipherParameters params) {
        if (!(params instanceof KeyParameter)) {
            throw new IllegalArgumentException("invalid parameter passed to AES init - "
                    + (params == null ? "null" : params.getClass().getName()));
        }
        KeyParameter k = (KeyParameter) params;
        if (key != null && forEncryption == this.forEncryption
                && (k == keyed || MessageDigest.isEqual(k.getKey(), key))) {
            keyed = k;
            return; // same key, same direction: the key schedule stands
        }
        byte[] bytes = k.getKey();
        if (bytes.length != 16 && bytes.length != 24 && bytes.length != 32) {
            throw new IllegalArgumentException("Key length not 128/192/256 bits.");
        }
        try {
            if (cipher == null || cipherKeyLength != bytes.length) {
                cipher = cipherFor(bytes.length);
                cipherKeyLength = bytes.length;
            }
            cipher.init(forEncryption ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, new SecretKeySpec(bytes, "AES"));
        } catch (GeneralSecurityException e) {
            keyed = null;
            key = null;
            throw new IllegalArgumentException("AES key rejected by the JDK", e);
        }
        if (key != null) {
            Arrays.fill(key, (byte) 0);
        }
        key = bytes.clone();
        keyed = k;
        this.forEncryption = forEncryption;
    }

    @Override
    public String getAlgorithmName() {
        return "AES";
    }

    @Override
    public int getBlockSize() {
        return BLOCK_SIZE;
    }

    @Override
    public int processBlock(byte[] in, int inOff, byte[] out, int outOff) {
        if (key == null) {
            throw new IllegalStateException("AES engine not initialised");
        }
        if (inOff < 0 || inOff > in.length - BLOCK_SIZE) {
            throw new DataLengthException("input buffer too short");
        }
        if (outOff < 0 || outOff > out.length - BLOCK_SIZE) {
            throw new OutputLengthException("output buffer too short");
        }
        try {
            return cipher.update(in, inOff, BLOCK_SIZE, out, outOff);
        } catch (ShortBufferException e) {
            throw new OutputLengthException("output buffer too short");
        }
    }

    @Override
    public void reset() {
        // ECB keeps no state between blocks
    }
}
