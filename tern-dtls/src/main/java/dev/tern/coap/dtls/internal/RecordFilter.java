package dev.tern.coap.dtls.internal;

/**
 * A pure check of a datagram's DTLS 1.2 record headers (RFC 6347 §4.1, RFC 9146 §4) and of the
 * headers of its plaintext handshake fragments (§4.2.2), run before BouncyCastle sees a byte.
 * It drops what no correct peer sends and what would make the library allocate from an attacker's
 * numbers (BouncyCastle 1.84 sizes its reassembly buffer from the declared message length,
 * CVE-2026-59646): a declared handshake message above the cap, a fragment reaching past its
 * message or its record, records past the datagram, unknown content types, epochs above 1
 * (Tern never renegotiates, so no record has a later one), application data or a CID record in
 * epoch 0, a CID record when no CIDs are issued.
 *
 * <p>Never throws for any input; the result is {@link #DROP} or the flags and the fragment count
 * packed as {@code fragments << 8 | flags}.
 */
public final class RecordFilter {
    /** The datagram must be discarded. */
    public static final int DROP = -1;
    /** It holds an epoch-0 ClientHello fragment. */
    public static final int CLIENT_HELLO = 1;
    /** Its first record is a {@code tls12_cid} record (RFC 9146): demultiplex by its CID. */
    public static final int CID = 2;

    static final int HEADER = 13;
    static final int HANDSHAKE_HEADER = 12;
    static final int CHANGE_CIPHER_SPEC = 20;
    static final int ALERT = 21;
    static final int HANDSHAKE = 22;
    static final int APPLICATION_DATA = 23;
    static final int TLS12_CID = 25;
    /** RFC 6347 §4.1: length up to 2^14 plus the expansion of the cipher. */
    static final int MAX_RECORD = (1 << 14) + 2048;

    private RecordFilter() {
    }

    /**
     * Inspects {@code data[off, off+len)}.
     *
     * @param maxHandshakeMessage the largest declared handshake message length accepted
     * @param cidLength the length of the CIDs this endpoint issued, 0 if none
     */
    public static int inspect(byte[] data, int off, int len, int maxHandshakeMessage, int cidLength) {
        if (off < 0 || len < HEADER || off > data.length - len) {
            return DROP;
        }
        int end = off + len;
        int pos = off;
        int flags = 0;
        int fragments = 0;
        boolean first = true;
        while (pos < end) {
            if (end - pos < HEADER) {
                return DROP;
            }
            int type = data[pos] & 0xFF;
            int major = data[pos + 1] & 0xFF;
            int minor = data[pos + 2] & 0xFF;
            int epoch = u16(data, pos + 3);
            if (major != 0xFE || (minor != 0xFD && minor != 0xFF) || epoch > 1) {
                return DROP;
            }
            int header = HEADER;
            if (type == TLS12_CID) {
                if (cidLength == 0 || epoch == 0) {
                    return DROP;
                }
                header += cidLength;
                if (end - pos < header) {
                    return DROP;
                }
                if (first) {
                    flags |= CID;
                }
            } else if (type == APPLICATION_DATA) {
                if (epoch == 0) {
                    return DROP;
                }
            } else if (type != HANDSHAKE && type != ALERT && type != CHANGE_CIPHER_SPEC) {
                return DROP;
            }
            int length = u16(data, pos + header - 2);
            int body = pos + header;
            if (length > MAX_RECORD || length > end - body) {
                return DROP;
            }
            if (type == HANDSHAKE && epoch == 0) {
                int p = body;
                int stop = body + length;
                if (p == stop) {
                    return DROP;
                }
                while (p < stop) {
                    if (stop - p < HANDSHAKE_HEADER) {
                        return DROP;
                    }
                    int msgType = data[p] & 0xFF;
                    int msgLength = u24(data, p + 1);
                    int fragmentOffset = u24(data, p + 6);
                    int fragmentLength = u24(data, p + 9);
                    if (msgLength > maxHandshakeMessage || fragmentOffset > msgLength
                            || fragmentLength > msgLength - fragmentOffset
                            || fragmentLength > stop - p - HANDSHAKE_HEADER) {
                        return DROP;
                    }
                    if (msgType == 1) {
                        flags |= CLIENT_HELLO;
                    }
                    fragments++;
                    p += HANDSHAKE_HEADER + fragmentLength;
                }
            }
            pos = body + length;
            first = false;
        }
        return fragments << 8 | flags;
    }

    /** The fragment count of a non-negative {@link #inspect} result. */
    public static int fragments(int verdict) {
        return verdict >>> 8;
    }

    /** The unsigned 16-bit big-endian value at {@code i}. */
    static int u16(byte[] d, int i) {
        return (d[i] & 0xFF) << 8 | (d[i + 1] & 0xFF);
    }

    /**
     * Writes a DTLS 1.2 record header at {@code pos} (RFC 6347 §4.1; with a Connection ID, RFC 9146
     * §4): type, version, epoch, sequence number, {@code cid} (empty for none) and the fragment's length.
     * Public for tern-bench's DTLS load generator; not API.
     */
    public static void putHeader(byte[] b, int pos, int type, int epoch, long seq, byte[] cid, int length) {
        b[pos] = (byte) type;
        b[pos + 1] = (byte) 0xFE;
        b[pos + 2] = (byte) 0xFD;
        b[pos + 3] = (byte) (epoch >> 8);
        b[pos + 4] = (byte) epoch;
        for (int i = 0; i < 6; i++) {
            b[pos + 5 + i] = (byte) (seq >>> (40 - 8 * i));
        }
        System.arraycopy(cid, 0, b, pos + 11, cid.length);
        b[pos + HEADER + cid.length - 2] = (byte) (length >> 8);
        b[pos + HEADER + cid.length - 1] = (byte) length;
    }

    /** The unsigned 48-bit big-endian value at {@code i} (a record's sequence number, RFC 6347 §4.1). */
    static long u48(byte[] d, int i) {
        long v = 0;
        for (int k = 0; k < 6; k++) {
            v = v << 8 | d[i + k] & 0xFF;
        }
        return v;
    }

    /** The unsigned 24-bit big-endian value at {@code i} (a handshake message's length or offset, RFC 6347 §4.2.2). */
    static int u24(byte[] d, int i) {
        return (d[i] & 0xFF) << 16 | (d[i + 1] & 0xFF) << 8 | (d[i + 2] & 0xFF);
    }
}
