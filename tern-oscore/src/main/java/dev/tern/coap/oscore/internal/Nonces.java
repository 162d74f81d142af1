package dev.tern.coap.oscore.internal;

/**
 * The AEAD nonce (RFC 8613 §5.2): the ID_PIV's length in one byte, the ID_PIV left-padded with
 * zeros to nonce length - 6 bytes, the Partial IV left-padded to 5 bytes, all XORed with the
 * Common IV.
 */
public final class Nonces {
    /** The Partial IV field of the nonce: 5 bytes (RFC 8613 §5.2). */
    public static final int PIV_FIELD = 5;

    private Nonces() {
    }

    /**
     * Computes the nonce.
     *
     * @param commonIv the Common IV (its length is the nonce length)
     * @param idPiv the Sender ID of the endpoint that generated the Partial IV, at most nonce length - 6 bytes
     * @param partialIv the Partial IV, at most 5 bytes
     */
    public static byte[] nonce(byte[] commonIv, byte[] idPiv, byte[] partialIv) {
        int n = commonIv.length;
        int idField = n - 6;
        if (idPiv.length > idField || partialIv.length > PIV_FIELD) {
            throw new IllegalArgumentException("ID_PIV or Partial IV too long for a " + n + "-byte nonce");
        }
        byte[] nonce = new byte[n];
        nonce[0] = (byte) idPiv.length;
        System.arraycopy(idPiv, 0, nonce, 1 + idField - idPiv.length, idPiv.length);
        System.arraycopy(partialIv, 0, nonce, n - partialIv.length, partialIv.length);
        for (int i = 0; i < n; i++) {
            nonce[i] ^= commonIv[i];
        }
        return nonce;
    }

    /** A sequence number as a Partial IV: big-endian, without leading zeros, 0 as one zero byte (RFC 8613 §6.1). */
    public static byte[] partialIv(long sequenceNumber) {
        if (sequenceNumber < 0 || sequenceNumber > 0xFF_FFFF_FFFFL) {
            throw new IllegalArgumentException("sequence number out of range: " + sequenceNumber);
        }
        int len = Math.max(1, (64 - Long.numberOfLeadingZeros(sequenceNumber) + 7) / 8);
        byte[] b = new byte[len];
        long v = sequenceNumber;
        for (int i = len - 1; i >= 0; i--) {
            b[i] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

    /** A Partial IV (1..5 bytes) as a number. */
    public static long sequenceNumber(byte[] partialIv) {
        long v = 0;
        for (byte b : partialIv) {
            v = v << 8 | (b & 0xFF);
        }
        return v;
    }
}
