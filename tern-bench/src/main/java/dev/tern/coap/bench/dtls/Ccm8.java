package dev.tern.coap.bench.dtls;

import dev.tern.coap.dtls.internal.JdkAesEngine;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.modes.CCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Record protection of TLS_PSK_WITH_AES_128_CCM_8 in DTLS 1.2 for one direction of one session.
 * The cryptography is the libraries': BouncyCastle's {@link CCMBlockCipher} (8-byte tag) over the
 * JDK's AES block function (tern-dtls's {@link JdkAesEngine}). This class only lays out what DTLS
 * puts around it: the nonce is the 4-byte write IV followed by the 8-byte explicit nonce, which is the
 * record's epoch and sequence number (RFC 6655 §3), and the additional data is seq_num (epoch and
 * sequence number), type, version and plaintext length (RFC 5246 §6.2.3.3, RFC 6347 §4.1.2.1).
 * Not thread-safe.
 */
final class Ccm8 {
    static final int EXPLICIT_NONCE = 8;
    static final int TAG = 8;
    /** Bytes a record adds to its plaintext: header, explicit nonce, tag. */
    static final int OVERHEAD = DtlsRecords.HEADER + EXPLICIT_NONCE + TAG;

    private final boolean forEncryption;
    private final CCMModeCipher ccm = CCMBlockCipher.newInstance(new JdkAesEngine());
    private final KeyParameter key;
    private final byte[] salt;

    /**
     * @param forEncryption true for the write direction ({@link #seal}), false for the read
     *     direction ({@link #open})
     */
    Ccm8(boolean forEncryption, byte[] key, byte[] writeIv) {
        this.forEncryption = forEncryption;
        this.key = new KeyParameter(key);
        salt = writeIv.clone();
    }

    /**
     * Writes the whole record (header, explicit nonce, ciphertext, tag) of {@code plain[off, off+len)}
     * with content {@code type} at {@code out[outOff]}; returns the record length.
     */
    int seal(int type, int epoch, long seq, byte[] plain, int off, int len, byte[] out, int outOff) {
        if (!forEncryption) {
            throw new IllegalStateException("a read-direction Ccm8 cannot seal");
        }
        int body = EXPLICIT_NONCE + len + TAG;
        DtlsRecords.header(out, outOff, type, epoch, seq, body);
        int nonce = outOff + DtlsRecords.HEADER;
        System.arraycopy(out, outOff + 3, out, nonce, 8); // explicit nonce = epoch || seq
        ccm.init(true, parameters(out, nonce, type, epoch, seq, len));
        ccm.processBytes(plain, off, len, null, 0); // CCM buffers the whole record until doFinal
        try {
            ccm.doFinal(out, nonce + EXPLICIT_NONCE);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException(e); // not thrown when encrypting
        }
        return DtlsRecords.HEADER + body;
    }

    /**
     * Decrypts the record body {@code rec[bodyOff, bodyOff+bodyLen)} (explicit nonce, ciphertext,
     * tag) of a record with {@code type}, {@code epoch} and {@code seq} in place: the plaintext
     * starts at {@code bodyOff + 8}. Returns its length, or -1 when the record does not authenticate.
     */
    int open(int type, int epoch, long seq, byte[] rec, int bodyOff, int bodyLen) {
        if (forEncryption) {
            throw new IllegalStateException("a write-direction Ccm8 cannot open");
        }
        int len = bodyLen - EXPLICIT_NONCE - TAG;
        if (len < 0) {
            return -1;
        }
        int c = bodyOff + EXPLICIT_NONCE;
        ccm.init(false, parameters(rec, bodyOff, type, epoch, seq, len));
        ccm.processBytes(rec, c, len + TAG, null, 0); // buffered: decrypting in place is safe
        try {
            return ccm.doFinal(rec, c);
        } catch (InvalidCipherTextException e) {
            return -1;
        }
    }

    /** CCM's parameters for one record: the key, the 8-byte tag, the nonce and the additional data. */
    private AEADParameters parameters(byte[] explicit, int explicitOff, int type, int epoch, long seq, int len) {
        byte[] nonce = new byte[12];
        System.arraycopy(salt, 0, nonce, 0, 4);
        System.arraycopy(explicit, explicitOff, nonce, 4, EXPLICIT_NONCE);
        byte[] aad = new byte[13];
        aad[0] = (byte) (epoch >> 8);
        aad[1] = (byte) epoch;
        for (int i = 0; i < 6; i++) {
            aad[2 + i] = (byte) (seq >>> (40 - 8 * i));
        }
        aad[8] = (byte) type;
        aad[9] = (byte) 0xFE;
        aad[10] = (byte) 0xFD;
        aad[11] = (byte) (len >> 8);
        aad[12] = (byte) len;
        return new AEADParameters(key, 8 * TAG, nonce, aad);
    }
}
