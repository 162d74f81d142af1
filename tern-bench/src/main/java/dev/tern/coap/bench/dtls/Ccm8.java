package dev.tern.coap.bench.dtls;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Record protection of TLS_PSK_WITH_AES_128_CCM_8 in DTLS 1.2 (RFC 6655 §3, RFC 3610, RFC 5246
 * §6.2.3.3) for one direction of one session: AES-128 in CCM mode with an 8-byte tag, nonce = the
 * 4-byte write IV followed by the 8-byte explicit nonce, which is the record's epoch and sequence
 * number. The block cipher is the JDK's AES/ECB (AES-NI where the CPU has it), so that the load
 * generator spends as little as possible per record. Not thread-safe.
 */
final class Ccm8 {
    /** Flags of B0: Adata, M = 8 ((8 - 2) / 2 = 3), L = 3 (15 - 12-byte nonce). */
    private static final byte B0_FLAGS = 0x40 | 3 << 3 | 2;
    /** Flags of the counter blocks: L - 1. */
    private static final byte CTR_FLAGS = 2;
    static final int EXPLICIT_NONCE = 8;
    static final int TAG = 8;
    /** Bytes a record adds to its plaintext: header, explicit nonce, tag. */
    static final int OVERHEAD = DtlsRecords.HEADER + EXPLICIT_NONCE + TAG;

    private final Cipher aes;
    private final byte[] salt;
    private final byte[] mac = new byte[16];
    private final byte[] block = new byte[16];
    private byte[] counters = new byte[16 * 8];
    private byte[] stream = new byte[16 * 8];

    Ccm8(byte[] key, byte[] writeIv) {
        try {
            aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES unavailable", e);
        }
        salt = writeIv.clone();
    }

    /**
     * Writes the whole record (header, explicit nonce, ciphertext, tag) of {@code plain[off, off+len)}
     * with content {@code type} at {@code out[outOff]}; returns the record length.
     */
    int seal(int type, int epoch, long seq, byte[] plain, int off, int len, byte[] out, int outOff) {
        int body = EXPLICIT_NONCE + len + TAG;
        DtlsRecords.header(out, outOff, type, epoch, seq, body);
        int nonce = outOff + DtlsRecords.HEADER;
        System.arraycopy(out, outOff + 3, out, nonce, 8); // explicit nonce = epoch || seq
        cbcMac(out, nonce, type, epoch, seq, plain, off, len);
        int c = nonce + EXPLICIT_NONCE;
        keystream(out, nonce, len);
        for (int i = 0; i < len; i++) {
            out[c + i] = (byte) (plain[off + i] ^ stream[16 + i]);
        }
        for (int i = 0; i < TAG; i++) {
            out[c + len + i] = (byte) (mac[i] ^ stream[i]);
        }
        return DtlsRecords.HEADER + body;
    }

    /**
     * Decrypts the record body {@code rec[bodyOff, bodyOff+bodyLen)} (explicit nonce, ciphertext,
     * tag) of a record with {@code type}, {@code epoch} and {@code seq} in place: the plaintext
     * starts at {@code bodyOff + 8}. Returns its length, or -1 when the record does not authenticate.
     */
    int open(int type, int epoch, long seq, byte[] rec, int bodyOff, int bodyLen) {
        int len = bodyLen - EXPLICIT_NONCE - TAG;
        if (len < 0) {
            return -1;
        }
        int c = bodyOff + EXPLICIT_NONCE;
        keystream(rec, bodyOff, len);
        for (int i = 0; i < len; i++) {
            rec[c + i] ^= stream[16 + i];
        }
        cbcMac(rec, bodyOff, type, epoch, seq, rec, c, len);
        int diff = 0;
        for (int i = 0; i < TAG; i++) {
            diff |= (mac[i] ^ stream[i]) ^ rec[c + len + i];
        }
        return diff == 0 ? len : -1;
    }

    /** {@code stream} = E(A0) || E(A1) ... for {@code len} bytes of data after E(A0). */
    private void keystream(byte[] explicit, int explicitOff, int len) {
        int blocks = 1 + (len + 15) / 16;
        if (counters.length < blocks * 16) {
            counters = new byte[blocks * 16];
            stream = new byte[blocks * 16];
        }
        for (int b = 0; b < blocks; b++) {
            int p = b * 16;
            counters[p] = CTR_FLAGS;
            System.arraycopy(salt, 0, counters, p + 1, 4);
            System.arraycopy(explicit, explicitOff, counters, p + 5, 8);
            counters[p + 13] = 0;
            counters[p + 14] = (byte) (b >> 8);
            counters[p + 15] = (byte) b;
        }
        encrypt(counters, 0, blocks * 16, stream);
    }

    /** {@code mac} = CBC-MAC over B0, the additional data and the plaintext. */
    private void cbcMac(byte[] explicit, int explicitOff, int type, int epoch, long seq, byte[] p, int off, int len) {
        mac[0] = B0_FLAGS;
        System.arraycopy(salt, 0, mac, 1, 4);
        System.arraycopy(explicit, explicitOff, mac, 5, 8);
        mac[13] = (byte) (len >> 16);
        mac[14] = (byte) (len >> 8);
        mac[15] = (byte) len;
        encrypt(mac, 0, 16, mac);
        // additional data: seq_num (epoch || seq), type, version, length; 2-byte length prefix 13
        block[0] = 0;
        block[1] = 13;
        block[2] = (byte) (epoch >> 8);
        block[3] = (byte) epoch;
        for (int i = 0; i < 6; i++) {
            block[4 + i] = (byte) (seq >>> (40 - 8 * i));
        }
        block[10] = (byte) type;
        block[11] = (byte) 0xFE;
        block[12] = (byte) 0xFD;
        block[13] = (byte) (len >> 8);
        block[14] = (byte) len;
        block[15] = 0;
        xorEncrypt(block, 0, 16);
        for (int i = 0; i < len; i += 16) {
            xorEncrypt(p, off + i, Math.min(16, len - i));
        }
    }

    private void xorEncrypt(byte[] src, int off, int n) {
        for (int i = 0; i < n; i++) {
            mac[i] ^= src[off + i];
        }
        encrypt(mac, 0, 16, mac);
    }

    private void encrypt(byte[] in, int off, int len, byte[] out) {
        try {
            aes.update(in, off, len, out, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
