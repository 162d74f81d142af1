package dev.tern.coap.oscore.internal;

import java.util.Arrays;

/**
 * The value of the OSCORE option (RFC 8613 §6.1): a flag byte (bits 0-2: Partial IV length n,
 * bit 3 k: kid present, bit 4 h: kid context present, bits 5-7 reserved), then the Partial IV,
 * then {@code s} and the kid context, then the kid (the rest). All flags zero means an empty value.
 *
 * @param partialIv the Partial IV, empty when absent (0..5 bytes)
 * @param kid the kid, or {@code null} when absent
 * @param kidContext the kid context, or {@code null} when absent
 */
public record OscoreOptionValue(byte[] partialIv, byte[] kid, byte[] kidContext) {
    private static final int FLAG_K = 0x08;
    private static final int FLAG_H = 0x10;
    private static final int RESERVED = 0xE0;
    private static final int MAX_PIV = 5;

    /** Encodes the value; empty when nothing is present. */
    public byte[] encode() {
        int flags = partialIv.length | (kid != null ? FLAG_K : 0) | (kidContext != null ? FLAG_H : 0);
        if (flags == 0) {
            return new byte[0];
        }
        int len = 1 + partialIv.length + (kidContext != null ? 1 + kidContext.length : 0)
                + (kid != null ? kid.length : 0);
        byte[] out = new byte[len];
        out[0] = (byte) flags;
        int p = 1;
        System.arraycopy(partialIv, 0, out, p, partialIv.length);
        p += partialIv.length;
        if (kidContext != null) {
            out[p++] = (byte) kidContext.length;
            System.arraycopy(kidContext, 0, out, p, kidContext.length);
            p += kidContext.length;
        }
        if (kid != null) {
            System.arraycopy(kid, 0, out, p, kid.length);
        }
        return out;
    }

    /**
     * Parses an option value. Never allocates more than the value's own length.
     *
     * @throws MalformedOscoreException for reserved bits, a reserved Partial IV length (6, 7), a
     *         value shorter than its flags announce, or bytes left over without the k flag
     */
    public static OscoreOptionValue decode(byte[] v) throws MalformedOscoreException {
        if (v.length == 0) {
            return new OscoreOptionValue(new byte[0], null, null);
        }
        int flags = v[0] & 0xFF;
        if ((flags & RESERVED) != 0) {
            throw new MalformedOscoreException("reserved OSCORE flag bits set");
        }
        int n = flags & 0x07;
        if (n > MAX_PIV) {
            throw new MalformedOscoreException("reserved Partial IV length " + n);
        }
        if (flags == 0) {
            throw new MalformedOscoreException("OSCORE flag byte 0 must be sent as an empty value");
        }
        int p = 1;
        if (v.length < p + n) {
            throw new MalformedOscoreException("OSCORE option shorter than its Partial IV");
        }
        byte[] piv = Arrays.copyOfRange(v, p, p + n);
        p += n;
        byte[] kidContext = null;
        if ((flags & FLAG_H) != 0) {
            if (v.length < p + 1) {
                throw new MalformedOscoreException("OSCORE option lacks the kid context length");
            }
            int s = v[p++] & 0xFF;
            if (v.length < p + s) {
                throw new MalformedOscoreException("OSCORE option shorter than its kid context");
            }
            kidContext = Arrays.copyOfRange(v, p, p + s);
            p += s;
        }
        byte[] kid = null;
        if ((flags & FLAG_K) != 0) {
            kid = Arrays.copyOfRange(v, p, v.length);
        } else if (p != v.length) {
            throw new MalformedOscoreException("trailing bytes in the OSCORE option");
        }
        return new OscoreOptionValue(piv, kid, kidContext);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OscoreOptionValue other && Arrays.equals(partialIv, other.partialIv)
                && Arrays.equals(kid, other.kid) && Arrays.equals(kidContext, other.kidContext);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(partialIv) + Arrays.hashCode(kid)) + Arrays.hashCode(kidContext);
    }

    @Override
    public String toString() {
        return "OSCORE[piv=" + hex(partialIv) + ", kid=" + hex(kid) + ", kidContext=" + hex(kidContext) + "]";
    }

    private static String hex(byte[] b) {
        return b == null ? "-" : "0x" + java.util.HexFormat.of().formatHex(b);
    }
}
