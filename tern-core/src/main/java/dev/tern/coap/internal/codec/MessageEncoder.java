package dev.tern.coap.internal.codec;

import dev.tern.coap.Bytes;
import dev.tern.coap.Option;
import dev.tern.coap.Options;

/**
 * Encodes a {@link Message} into its datagram form (RFC 7252 §3, §3.1; RFC 8974 §2.1 for tokens
 * longer than 8 bytes).
 *
 * <p>Options are written in ascending number order (the order {@link Options} keeps them in), each with
 * the shortest delta and length encoding; the payload marker is written only before a non-empty payload.
 * The encoding is canonical: {@link MessageDecoder} maps its output back to an equal message, and any
 * datagram the decoder accepts is re-encoded byte for byte.
 *
 * <p>The encoder does not police semantics: an empty message (0.00) with a token, options or payload is
 * written as given, although the decoder rejects it (RFC 7252 §4.1).
 */
public final class MessageEncoder {
    /** The largest option value length the 16-bit extended length can express. */
    static final int MAX_OPTION_LENGTH = 0xFFFF + MessageDecoder.EXT16_BASE;

    private MessageEncoder() {
    }

    /** The number of bytes {@link #encode(Message)} produces. */
    public static int encodedSize(Message m) {
        int size = 4 + extensionSize(m.token().length()) + m.token().length();
        Options options = m.options();
        int previous = 0;
        for (int i = 0, n = options.size(); i < n; i++) {
            Option o = options.get(i);
            int delta = o.number() - previous;
            int len = o.value().length();
            checkOption(o, delta, len);
            size += 1 + extensionSize(delta) + extensionSize(len) + len;
            previous = o.number();
        }
        if (!m.payload().isEmpty()) {
            size += 1 + m.payload().length();
        }
        return size;
    }

    /** Encodes into a new array of exactly {@link #encodedSize(Message)} bytes. */
    public static byte[] encode(Message m) {
        byte[] out = new byte[encodedSize(m)];
        write(m, out, 0);
        return out;
    }

    /**
     * Encodes into {@code target} at {@code offset}.
     *
     * @return the number of bytes written
     * @throws IllegalArgumentException if the message does not fit between {@code offset} and the end of
     *     {@code target}, or an option value is too long to encode
     */
    public static int encode(Message m, byte[] target, int offset) {
        int size = encodedSize(m);
        if (offset < 0 || offset > target.length || target.length - offset < size) {
            throw new IllegalArgumentException("target too small: message needs " + size + " bytes, "
                    + Math.max(0, target.length - offset) + " available from offset " + offset);
        }
        return write(m, target, offset);
    }

    private static int write(Message m, byte[] out, int offset) {
        int p = offset;
        Bytes token = m.token();
        // RFC 8974 §2.1: the TKL nibble and its extension encode like an option length (§3.1)
        out[p++] = (byte) (MessageDecoder.VERSION << 6 | m.type().wireValue() << 4 | nibble(token.length()));
        out[p++] = (byte) m.code().wireValue();
        out[p++] = (byte) (m.messageId() >>> 8);
        out[p++] = (byte) m.messageId();
        return writeBody(m, out, p) - offset;
    }

    /**
     * Writes what follows the datagram header (RFC 7252 §3): the extended token length, token,
     * options and payload, at {@code start}; the same bytes follow the Code in RFC 8323 §3.2 framing.
     *
     * @return the position after the last byte written
     */
    static int writeBody(Message m, byte[] out, int start) {
        int p = start;
        Bytes token = m.token();
        p = writeExtension(out, p, token.length());
        token.copyTo(out, p);
        p += token.length();

        Options options = m.options();
        int previous = 0;
        for (int i = 0, n = options.size(); i < n; i++) {
            Option o = options.get(i);
            int delta = o.number() - previous;
            Bytes value = o.value();
            int len = value.length();
            out[p++] = (byte) (nibble(delta) << 4 | nibble(len));
            p = writeExtension(out, p, delta);
            p = writeExtension(out, p, len);
            value.copyTo(out, p);
            p += len;
            previous = o.number();
        }
        Bytes payload = m.payload();
        if (!payload.isEmpty()) {
            out[p++] = (byte) MessageDecoder.PAYLOAD_MARKER;
            payload.copyTo(out, p);
            p += payload.length();
        }
        return p;
    }

    private static void checkOption(Option o, int delta, int len) {
        if (delta < 0) {
            // Options keeps its instances sorted; this only guards against future changes.
            throw new IllegalArgumentException("options not in ascending order at " + o.number());
        }
        if (len > MAX_OPTION_LENGTH) {
            throw new IllegalArgumentException("value of option " + o.number() + " too long to encode: " + len);
        }
    }

    static int extensionSize(int v) {
        return v < MessageDecoder.EXT8 ? 0 : v < MessageDecoder.EXT16_BASE ? 1 : 2;
    }

    static int nibble(int v) {
        return v < MessageDecoder.EXT8 ? v : v < MessageDecoder.EXT16_BASE ? MessageDecoder.EXT8 : MessageDecoder.EXT16;
    }

    private static int writeExtension(byte[] out, int p, int v) {
        if (v < MessageDecoder.EXT8) {
            return p;
        }
        if (v < MessageDecoder.EXT16_BASE) {
            out[p] = (byte) (v - MessageDecoder.EXT8);
            return p + 1;
        }
        int e = v - MessageDecoder.EXT16_BASE;
        out[p] = (byte) (e >>> 8);
        out[p + 1] = (byte) e;
        return p + 2;
    }
}
