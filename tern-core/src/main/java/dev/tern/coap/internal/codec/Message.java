package dev.tern.coap.internal.codec;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.MessageType;
import dev.tern.coap.Options;
import java.util.Objects;

/**
 * One CoAP message as it travels in a datagram (RFC 7252 §3): immutable.
 *
 * @param type CON, NON, ACK or RST
 * @param code request method, response code, or 0.00 for the empty message
 * @param messageId the 16-bit Message ID
 * @param token the token: 0..8 bytes, or 13..65 804 bytes with extended token lengths (RFC 8974 §2.1);
 *        9..12 bytes have no encoding
 * @param options the options in number order
 * @param payload the payload, empty when there is none
 */
public record Message(MessageType type, Code code, int messageId, Bytes token, Options options, Bytes payload)
        implements DecodeResult {
    /** The largest token length RFC 7252 allows, the longest a peer without RFC 8974 support takes. */
    public static final int SHORT_TOKEN_LENGTH = 8;
    /** The shortest extended token (TKL 13 with extension byte 0, RFC 8974 §2.1). */
    public static final int MIN_EXTENDED_TOKEN_LENGTH = 13;
    /** The longest token: TKL 14 with extension 0xFFFF, 65 535 + 269 bytes (RFC 8974 §2.1). */
    public static final int MAX_TOKEN_LENGTH = 0xFFFF + MessageDecoder.EXT16_BASE;

    /** Validates the fields. */
    public Message {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(payload, "payload");
        if (messageId < 0 || messageId > 0xFFFF) {
            throw new IllegalArgumentException("message ID out of range: " + messageId);
        }
        if (!isEncodableTokenLength(token.length())) {
            throw new IllegalArgumentException("token length " + token.length()
                    + " cannot be encoded: 0..8 or 13..65804 bytes (RFC 8974 §2.1)");
        }
    }

    /** Whether a token of {@code length} bytes has an encoding: 0..8, 13..65 804 (RFC 8974 §2.1). */
    public static boolean isEncodableTokenLength(int length) {
        return (length >= 0 && length <= SHORT_TOKEN_LENGTH)
                || (length >= MIN_EXTENDED_TOKEN_LENGTH && length <= MAX_TOKEN_LENGTH);
    }

    /** An empty message (0.00, no token, options or payload): ACK, RST or a CoAP ping CON. */
    public static Message empty(MessageType type, int messageId) {
        return new Message(type, Code.EMPTY, messageId, Bytes.EMPTY, Options.EMPTY, Bytes.EMPTY);
    }

    /** Whether the code is 0.00. */
    public boolean isEmpty() {
        return code.isEmpty();
    }

    /** A copy with another type and Message ID. */
    public Message withTypeAndId(MessageType newType, int newId) {
        return new Message(newType, code, newId, token, options, payload);
    }

    /** One-line summary, e.g. {@code CON-GET MID=0x1234 Token=0x01 [Uri-Path:"hello"] 0 B}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        sb.append(type).append('-');
        if (code.isEmpty()) {
            sb.append("EMPTY");
        } else if (code.isRequest()) {
            sb.append(dev.tern.coap.Method.of(code).map(dev.tern.coap.Method::wireName).orElse(code.toString()));
        } else {
            sb.append(code).append(' ').append(code.reason());
        }
        sb.append(" MID=").append(messageId);
        if (!token.isEmpty()) {
            sb.append(" Token=").append(token);
        }
        if (!options.isEmpty()) {
            sb.append(' ').append(options);
        }
        if (!payload.isEmpty()) {
            sb.append(' ').append(payload.length()).append(" B");
        }
        return sb.toString();
    }
}
