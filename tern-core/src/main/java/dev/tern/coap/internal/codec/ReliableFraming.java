package dev.tern.coap.internal.codec;

import dev.tern.coap.Code;

/**
 * The message framings of CoAP over reliable transports (RFC 8323): pure, no I/O.
 *
 * <ul>
 *   <li>{@link #encode(Message, boolean) stream framing} (§3.2, TCP and TLS): a 4-bit Len, the
 *       4-bit TKL, an extended length of 0, 1, 2 or 4 bytes chosen by Len (13, 14, 15: add 13,
 *       269, 65 805), the Code, then token, options and payload exactly as in a datagram (RFC
 *       7252 §3, RFC 8974 §2.1). Len counts the options, the payload marker and the payload.</li>
 *   <li>WebSocket framing (§4.2): the same without a length (Len 0, no extended length); one
 *       message per binary WebSocket frame.</li>
 * </ul>
 *
 * A message has no Type and no Message ID on these transports; decoded messages carry
 * {@link dev.tern.coap.MessageType#CON} and Message ID 0, which the engine ignores.
 */
public final class ReliableFraming {
    /** {@link #frameLength} result: more bytes are needed to know the frame length. */
    public static final long NEED_MORE = -1;
    /** {@link #frameLength} result: the header is malformed (TKL 9..12 or 15, RFC 8974 §2.1). */
    public static final long MALFORMED = -2;
    /** The offset added to a 32-bit extended length (Len 15, RFC 8323 §3.2). */
    static final long EXT32_BASE = 65_805;
    /** The Len nibble announcing a 4-byte extended length. */
    private static final int EXT32 = 15;

    private ReliableFraming() {
    }

    /**
     * The length of the stream frame (§3.2) that starts at {@code offset}, header included, read
     * from the first {@code available} bytes; {@link #NEED_MORE} while the header (up to the
     * extended token length) is incomplete, {@link #MALFORMED} for a TKL without an encoding. A
     * long: a 32-bit extended length may claim more than an int holds. Reads only the header, so a
     * caller can refuse a claimed length before buffering a single byte of the body.
     */
    public static long frameLength(byte[] buf, int offset, int available) {
        if (available < 1) {
            return NEED_MORE;
        }
        int b0 = buf[offset] & 0xFF;
        int len = b0 >>> 4;
        int tkl = b0 & 0x0F;
        if ((tkl > Message.SHORT_TOKEN_LENGTH && tkl < MessageDecoder.EXT8) || tkl == MessageDecoder.RESERVED) {
            return MALFORMED;
        }
        int extLength = len < MessageDecoder.EXT8 ? 0 : len == MessageDecoder.EXT8 ? 1 : len == MessageDecoder.EXT16 ? 2 : 4;
        int tklExt = tkl < MessageDecoder.EXT8 ? 0 : tkl == MessageDecoder.EXT8 ? 1 : 2;
        int header = 1 + extLength + 1; // Len/TKL, extended length, Code
        if (available < header + tklExt) {
            return NEED_MORE;
        }
        long bodyLength;
        int p = offset + 1;
        if (len < MessageDecoder.EXT8) {
            bodyLength = len;
        } else if (len == MessageDecoder.EXT8) {
            bodyLength = (buf[p] & 0xFF) + MessageDecoder.EXT8;
        } else if (len == MessageDecoder.EXT16) {
            bodyLength = ((buf[p] & 0xFF) << 8 | (buf[p + 1] & 0xFF)) + (long) MessageDecoder.EXT16_BASE;
        } else {
            bodyLength = ((long) (buf[p] & 0xFF) << 24 | (buf[p + 1] & 0xFF) << 16 | (buf[p + 2] & 0xFF) << 8
                    | (buf[p + 3] & 0xFF)) + EXT32_BASE;
        }
        int q = offset + header;
        long tokenLength = tkl < MessageDecoder.EXT8 ? tkl
                : tkl == MessageDecoder.EXT8 ? (buf[q] & 0xFF) + MessageDecoder.EXT8
                : ((buf[q] & 0xFF) << 8 | (buf[q + 1] & 0xFF)) + MessageDecoder.EXT16_BASE;
        return header + tklExt + tokenLength + bodyLength;
    }

    /**
     * Decodes one whole message: a stream frame of exactly {@code length} bytes (§3.2), or the
     * payload of one binary WebSocket frame (§4.2, {@code websocket}: Len must be 0). Total: returns
     * a {@link Message} or a {@link MessageFormatError}, never throws.
     */
    public static DecodeResult decode(byte[] buf, int offset, int length, boolean websocket) {
        if (buf == null || offset < 0 || length < 0 || offset > buf.length - length) {
            return new MessageFormatError("invalid buffer range", 0, -1, false, false);
        }
        if (length < 2) {
            return new MessageFormatError("frame shorter than its 2-byte header", 0, -1, false, false);
        }
        int b0 = buf[offset] & 0xFF;
        int header;
        if (websocket) {
            if ((b0 >>> 4) != 0) {
                return new MessageFormatError("Len " + (b0 >>> 4) + " in a WebSocket message (must be 0, RFC 8323 §4.2)",
                        0, -1, false, false);
            }
            header = 2;
        } else {
            long claimed = frameLength(buf, offset, length);
            if (claimed == MALFORMED) {
                return new MessageFormatError("token length " + (b0 & 0x0F) + " not supported", 0, -1, false, false);
            }
            if (claimed != length) {
                return new MessageFormatError("frame length " + claimed + " does not match the " + length
                        + " bytes given", 0, -1, false, false);
            }
            int len = b0 >>> 4;
            header = 2 + (len < MessageDecoder.EXT8 ? 0 : len == MessageDecoder.EXT8 ? 1
                    : len == MessageDecoder.EXT16 ? 2 : 4);
        }
        // The bytes after the Code are those after a datagram header: decode them behind a
        // synthetic RFC 7252 header (version 1, CON, same TKL and Code, Message ID 0).
        int body = length - header;
        byte[] datagram = new byte[4 + body];
        datagram[0] = (byte) (MessageDecoder.VERSION << 6 | (b0 & 0x0F));
        datagram[1] = buf[offset + header - 1];
        System.arraycopy(buf, offset + header, datagram, 4, body);
        DecodeResult r = MessageDecoder.decode(datagram, 0, datagram.length);
        if (r instanceof MessageFormatError e) {
            return new MessageFormatError(e.reason(), Math.max(0, e.offset() - 4 + header), -1, false, false);
        }
        return r;
    }

    /** The code of the message starting at {@code offset} in a complete frame (for signaling checks). */
    public static Code code(byte[] buf, int offset, int length, boolean websocket) {
        int len = (buf[offset] & 0xFF) >>> 4;
        int header = websocket ? 2 : 2 + (len < MessageDecoder.EXT8 ? 0 : len == MessageDecoder.EXT8 ? 1
                : len == MessageDecoder.EXT16 ? 2 : 4);
        return Code.fromWire(buf[offset + header - 1] & 0xFF);
    }

    /**
     * Encodes {@code m} (its Type and Message ID are ignored) as a stream frame (§3.2), or for a
     * WebSocket message when {@code websocket} (§4.2), into a new array of exactly its size.
     */
    public static byte[] encode(Message m, boolean websocket) {
        int body = MessageEncoder.encodedSize(m) - 4; // token extension, token, options, payload
        int tokenPart = MessageEncoder.extensionSize(m.token().length()) + m.token().length();
        long len = body - tokenPart; // options, payload marker and payload (§3.2)
        int extLength;
        int nibble;
        if (websocket || len < MessageDecoder.EXT8) {
            extLength = 0;
            nibble = websocket ? 0 : (int) len;
        } else if (len < MessageDecoder.EXT16_BASE) {
            extLength = 1;
            nibble = MessageDecoder.EXT8;
        } else if (len < EXT32_BASE) {
            extLength = 2;
            nibble = MessageDecoder.EXT16;
        } else {
            extLength = 4;
            nibble = EXT32;
        }
        byte[] out = new byte[2 + extLength + body];
        out[0] = (byte) (nibble << 4 | MessageEncoder.nibble(m.token().length()));
        int p = 1;
        if (extLength == 1) {
            out[p++] = (byte) (len - MessageDecoder.EXT8);
        } else if (extLength == 2) {
            long e = len - MessageDecoder.EXT16_BASE;
            out[p++] = (byte) (e >>> 8);
            out[p++] = (byte) e;
        } else if (extLength == 4) {
            long e = len - EXT32_BASE;
            out[p++] = (byte) (e >>> 24);
            out[p++] = (byte) (e >>> 16);
            out[p++] = (byte) (e >>> 8);
            out[p++] = (byte) e;
        }
        out[p++] = (byte) m.code().wireValue();
        MessageEncoder.writeBody(m, out, p);
        return out;
    }
}
