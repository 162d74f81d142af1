package dev.tern.coap.bench.dtls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** DTLS 1.2 wire helpers of the load generator: record headers, the PRF, handshake headers. */
final class DtlsRecords {
    static final int HEADER = 13;
    static final int HANDSHAKE_HEADER = 12;
    static final int CHANGE_CIPHER_SPEC = 20;
    static final int ALERT = 21;
    static final int HANDSHAKE = 22;
    static final int APPLICATION_DATA = 23;

    static final int CLIENT_HELLO = 1;
    static final int SERVER_HELLO = 2;
    static final int HELLO_VERIFY_REQUEST = 3;
    static final int SERVER_KEY_EXCHANGE = 12;
    static final int SERVER_HELLO_DONE = 14;
    static final int CLIENT_KEY_EXCHANGE = 16;
    static final int FINISHED = 20;

    /** One HMAC and one digest per thread: getInstance looks the providers up each time. */
    private static final ThreadLocal<Mac> HMAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    });
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    });

    private DtlsRecords() {
    }

    /** A DTLS 1.2 record header ({254,253}) at {@code out[off]}. */
    static void header(byte[] out, int off, int type, int epoch, long seq, int length) {
        out[off] = (byte) type;
        out[off + 1] = (byte) 0xFE;
        out[off + 2] = (byte) 0xFD;
        out[off + 3] = (byte) (epoch >> 8);
        out[off + 4] = (byte) epoch;
        for (int i = 0; i < 6; i++) {
            out[off + 5 + i] = (byte) (seq >>> (40 - 8 * i));
        }
        out[off + 11] = (byte) (length >> 8);
        out[off + 12] = (byte) length;
    }

    /** An unfragmented handshake message header at {@code out[off]}. */
    static void handshakeHeader(byte[] out, int off, int msgType, int length, int messageSeq) {
        out[off] = (byte) msgType;
        u24(out, off + 1, length);
        out[off + 4] = (byte) (messageSeq >> 8);
        out[off + 5] = (byte) messageSeq;
        u24(out, off + 6, 0);
        u24(out, off + 9, length);
    }

    static void u24(byte[] out, int off, int v) {
        out[off] = (byte) (v >> 16);
        out[off + 1] = (byte) (v >> 8);
        out[off + 2] = (byte) v;
    }

    static int u16(byte[] d, int i) {
        return (d[i] & 0xFF) << 8 | (d[i + 1] & 0xFF);
    }

    static int u24(byte[] d, int i) {
        return (d[i] & 0xFF) << 16 | (d[i + 1] & 0xFF) << 8 | (d[i + 2] & 0xFF);
    }

    static long u48(byte[] d, int i) {
        long v = 0;
        for (int k = 0; k < 6; k++) {
            v = v << 8 | (d[i + k] & 0xFF);
        }
        return v;
    }

    /** The TLS 1.2 PRF with HMAC-SHA256 (RFC 5246 §5). */
    static byte[] prf(byte[] secret, String label, byte[] seed, int length) {
        try {
            Mac hmac = HMAC.get();
            hmac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            byte[] labelSeed = new byte[l.length + seed.length];
            System.arraycopy(l, 0, labelSeed, 0, l.length);
            System.arraycopy(seed, 0, labelSeed, l.length, seed.length);
            byte[] out = new byte[length];
            byte[] a = labelSeed;
            int done = 0;
            while (done < length) {
                a = hmac.doFinal(a);
                hmac.update(a);
                hmac.update(labelSeed);
                byte[] chunk = hmac.doFinal();
                int n = Math.min(chunk.length, length - done);
                System.arraycopy(chunk, 0, out, done, n);
                done += n;
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("bad PRF secret", e);
        }
    }

    static byte[] sha256(byte[] data, int len) {
        MessageDigest d = SHA256.get();
        d.update(data, 0, len);
        return d.digest();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
