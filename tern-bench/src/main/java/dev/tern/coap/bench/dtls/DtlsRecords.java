package dev.tern.coap.bench.dtls;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * DTLS 1.2 wire helpers of the load generator: record headers, handshake headers, and the calls
 * into the libraries for the PRF (BouncyCastle's TLS crypto) and SHA-256 (the JDK's).
 */
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

    /**
     * BouncyCastle's TLS crypto for the PRF (its random source is never used by the PRF), with the
     * JDK's SHA-2 (tern-dtls's {@code TernCrypto}): with BouncyCastle's Java SHA-256 the PRF was
     * 46 % of the load generator's samples, and the load generator the limit of a resumption run.
     */
    private static final BcTlsCrypto CRYPTO = new dev.tern.coap.dtls.internal.TernCrypto(new SecureRandom());
    /** One digest per thread: getInstance looks the providers up each time. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    });

    private static final byte[] NO_CID = new byte[0];

    private DtlsRecords() {
    }

    /** A DTLS 1.2 record header ({254,253}) at {@code out[off]}. */
    static void header(byte[] out, int off, int type, int epoch, long seq, int length) {
        dev.tern.coap.dtls.internal.RecordFilter.putHeader(out, off, type, epoch, seq, NO_CID, length);
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

    /**
     * The TLS 1.2 PRF with SHA-256 (RFC 5246 §5) of {@code secret}: BouncyCastle's
     * ({@link TlsSecret#deriveUsingPRF}); the result stays a {@link TlsSecret} so that the master
     * secret can derive the key block and the Finished values in turn.
     */
    static TlsSecret prf(TlsSecret secret, String label, byte[] seed, int length) {
        return secret.deriveUsingPRF(PRFAlgorithm.tls_prf_sha256, label, seed, length);
    }

    /** A {@link TlsSecret} of BouncyCastle's TLS crypto holding a copy of {@code bytes}. */
    static TlsSecret secret(byte[] bytes) {
        return CRYPTO.createSecret(bytes);
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
