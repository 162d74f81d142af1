package dev.tern.coap.internal.codec;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.MessageType;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import java.util.Arrays;

/**
 * Decodes one datagram into a {@link Message} (RFC 7252 §3, §3.1; RFC 8974 §2.1 for the TKL field).
 *
 * <p>Pure and total: for any input, including {@code null} and inconsistent offsets, it returns either a
 * {@link Message} or a {@link MessageFormatError}; it never throws, and its work is linear in the input
 * length. Offsets in errors are relative to the start of the datagram.
 *
 * <p>Only the message format is checked. Option semantics (unknown critical options, value lengths,
 * repetitions) are left to {@link OptionValidator} and the engine. Options are returned in wire order.
 */
public final class MessageDecoder {
    /** Version 1 is the only one defined (RFC 7252 §3). */
    static final int VERSION = 1;
    /** The payload marker (RFC 7252 §3). */
    static final int PAYLOAD_MARKER = 0xFF;
    /** Nibble value announcing one extension byte, minus 13 (RFC 7252 §3.1). */
    static final int EXT8 = 13;
    /** Nibble value announcing two extension bytes, minus 269 (RFC 7252 §3.1). */
    static final int EXT16 = 14;
    /** The offset added to a 16-bit extension. */
    static final int EXT16_BASE = 269;
    /** The reserved nibble value (RFC 7252 §3.1). */
    static final int RESERVED = 15;

    private MessageDecoder() {
    }

    /** Decodes a whole datagram. */
    public static DecodeResult decode(byte[] datagram) {
        return decode(datagram, 0, datagram == null ? 0 : datagram.length);
    }

    /** Decodes {@code length} bytes of {@code buf} starting at {@code offset}. */
    public static DecodeResult decode(byte[] buf, int offset, int length) {
        if (buf == null || offset < 0 || length < 0 || offset > buf.length - length) {
            return new MessageFormatError("invalid buffer range (offset " + offset + ", length " + length + ")",
                    0, -1, false, false);
        }
        if (length < 4) {
            return new MessageFormatError("datagram shorter than the 4-byte header", 0, -1, false, false);
        }
        final int b0 = buf[offset] & 0xFF;
        final int version = b0 >>> 6;
        final int type = (b0 >>> 4) & 3;
        final int tkl = b0 & 0x0F;
        final int codeValue = buf[offset + 1] & 0xFF;
        final int mid = (buf[offset + 2] & 0xFF) << 8 | (buf[offset + 3] & 0xFF);
        final boolean con = type == 0;

        if (version != VERSION) {
            return new MessageFormatError("unsupported version " + version, 0, mid, con, false);
        }
        if ((tkl > Message.SHORT_TOKEN_LENGTH && tkl < EXT8) || tkl == RESERVED) {
            // RFC 8974 §2.1: 9-12 express no length, 15 is reserved
            return new MessageFormatError("token length " + tkl + " not supported", 0, mid, con, true);
        }
        final int afterHeader = length - 4;
        if (codeValue == 0 && afterHeader != 0) {
            return new MessageFormatError("empty message with token/options/payload (token length " + tkl
                    + ", " + afterHeader + " bytes after the header)", 4, mid, con, true);
        }
        int tokenStart = 4; // relative to offset
        int tokenLength = tkl;
        if (tkl == EXT8) {
            if (afterHeader < 1) {
                return new MessageFormatError("missing 1-byte extended token length", 4, mid, con, true);
            }
            tokenLength = (buf[offset + 4] & 0xFF) + EXT8;
            tokenStart = 5;
        } else if (tkl == EXT16) {
            if (afterHeader < 2) {
                return new MessageFormatError("missing 2-byte extended token length (" + afterHeader
                        + " of 2 bytes present)", 4, mid, con, true);
            }
            tokenLength = ((buf[offset + 4] & 0xFF) << 8 | (buf[offset + 5] & 0xFF)) + EXT16_BASE;
            tokenStart = 6;
        }
        if (tokenLength > length - tokenStart) {
            return new MessageFormatError("token length " + tokenLength + " exceeds the " + (length - tokenStart)
                    + " bytes after the " + (tokenStart == 4 ? "header" : "extended token length"), tokenStart,
                    mid, con, true);
        }
        // sized by the bytes present, never by the claim alone (checked just above)
        final Bytes token = Bytes.of(buf, offset + tokenStart, tokenLength);

        int pos = tokenStart + tokenLength; // relative to offset
        int number = 0;
        Option[] options = null; // sized by countOptions: no list to grow and copy
        int optionCount = 0;
        Bytes payload = Bytes.EMPTY;
        while (pos < length) {
            final int start = pos;
            final int b = buf[offset + pos] & 0xFF;
            pos++;
            if (b == PAYLOAD_MARKER) {
                if (pos == length) {
                    return new MessageFormatError("payload marker without payload", start, mid, con, true);
                }
                payload = Bytes.of(buf, offset + pos, length - pos);
                break;
            }
            int delta = b >>> 4;
            int len = b & 0x0F;
            if (delta == RESERVED) {
                return new MessageFormatError(String.format("option delta nibble 15 in byte 0x%02x (only 0xff,"
                        + " the payload marker, may use it)", b), start, mid, con, true);
            }
            if (len == RESERVED) {
                return new MessageFormatError(String.format("option length nibble 15 in byte 0x%02x is reserved", b),
                        start, mid, con, true);
            }
            if (delta == EXT8) {
                if (pos >= length) {
                    return new MessageFormatError("missing 1-byte extended option delta", pos, mid, con, true);
                }
                delta = (buf[offset + pos] & 0xFF) + EXT8;
                pos++;
            } else if (delta == EXT16) {
                if (length - pos < 2) {
                    return new MessageFormatError("missing 2-byte extended option delta (" + (length - pos)
                            + " of 2 bytes present)", pos, mid, con, true);
                }
                delta = ((buf[offset + pos] & 0xFF) << 8 | (buf[offset + pos + 1] & 0xFF)) + EXT16_BASE;
                pos += 2;
            }
            if (len == EXT8) {
                if (pos >= length) {
                    return new MessageFormatError("missing 1-byte extended option length", pos, mid, con, true);
                }
                len = (buf[offset + pos] & 0xFF) + EXT8;
                pos++;
            } else if (len == EXT16) {
                if (length - pos < 2) {
                    return new MessageFormatError("missing 2-byte extended option length (" + (length - pos)
                            + " of 2 bytes present)", pos, mid, con, true);
                }
                len = ((buf[offset + pos] & 0xFF) << 8 | (buf[offset + pos + 1] & 0xFF)) + EXT16_BASE;
                pos += 2;
            }
            number += delta; // both at most 65535 + 269, no int overflow
            if (number > OptionNumber.MAX) {
                return new MessageFormatError("option number " + number + " exceeds " + OptionNumber.MAX,
                        start, mid, con, true);
            }
            if (len > length - pos) {
                return new MessageFormatError("value of option " + number + " (" + len + " bytes) extends beyond"
                        + " the datagram (" + (length - pos) + " bytes left)", pos, mid, con, true);
            }
            if (options == null) {
                options = new Option[countOptions(buf, offset, length, start)];
            } else if (optionCount == options.length) {
                options = Arrays.copyOf(options, 2 * optionCount); // not for valid input: counted exactly
            }
            options[optionCount++] = new Option(number, Bytes.of(buf, offset + pos, len));
            pos += len;
        }
        return new Message(MessageType.fromWire(type), Code.fromWire(codeValue), mid, token,
                options == null ? Options.EMPTY
                        : Options.wrap(optionCount == options.length ? options : Arrays.copyOf(options, optionCount)),
                payload);
    }

    /**
     * The number of options from {@code pos} (relative to {@code offset}) to the payload marker or the
     * end, read from their headers without any checks, to size the array before decoding them; at
     * least 1. Exact for valid input; for malformed input only a hint (the loop grows or trims the
     * array, or reports the error).
     */
    private static int countOptions(byte[] buf, int offset, int length, int pos) {
        int count = 0;
        while (pos < length) {
            int b = buf[offset + pos] & 0xFF;
            if (b == PAYLOAD_MARKER) {
                break;
            }
            int delta = b >>> 4;
            int len = b & 0x0F;
            pos += 1 + (delta == EXT8 ? 1 : delta == EXT16 ? 2 : 0);
            if (len == EXT8 && pos < length) {
                len = (buf[offset + pos] & 0xFF) + EXT8;
                pos++;
            } else if (len == EXT16 && pos + 1 < length) {
                len = ((buf[offset + pos] & 0xFF) << 8 | (buf[offset + pos + 1] & 0xFF)) + EXT16_BASE;
                pos += 2;
            }
            pos += len;
            count++;
        }
        return Math.max(1, count);
    }
}
