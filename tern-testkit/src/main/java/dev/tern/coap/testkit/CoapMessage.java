package dev.tern.coap.testkit;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.CoapMessageFormatException;
import dev.tern.coap.MessageType;
import dev.tern.coap.Options;
import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.util.Objects;

/**
 * One CoAP message exactly as it travels in a datagram (RFC 7252 §3), for tests that script a
 * peer message by message ({@link ScriptedPeer}): immutable, encoded and decoded by Tern's own
 * codec, so what a test sends is what a real peer would put on the wire.
 *
 * <pre>{@code
 * CoapMessage get = CoapMessage.get(MessageType.CON, 0x1234, Bytes.fromHex("0a0b"), "/temp");
 * CoapMessage ack = CoapMessage.empty(MessageType.ACK, 0x1234);          // an empty ACK (§4.2)
 * byte[] wire = get.encode();
 * CoapMessage back = CoapMessage.decode(wire);                            // equal to get
 * }</pre>
 *
 * @param type CON, NON, ACK or RST (RFC 7252 §4)
 * @param code request method, response code, or 0.00 for the empty message (§3, §12.1)
 * @param messageId the 16-bit Message ID (§4.4)
 * @param token the token, 0 to 8 bytes (§5.3.1)
 * @param options the options, kept in option number order (§3.1, §5.4)
 * @param payload the payload, empty when there is none (§5.5)
 */
public record CoapMessage(MessageType type, Code code, int messageId, Bytes token, Options options, Bytes payload) {
    /**
     * Validates the fields as the codec would: none null, the Message ID in 0..65535, the token at
     * most 8 bytes (RFC 7252 §3).
     *
     * @throws IllegalArgumentException when a field is out of range
     */
    public CoapMessage {
        toInternal(type, code, messageId, token, options, payload);
    }

    /** An empty message (code 0.00, no token, options or payload): an ACK, an RST or a CoAP ping CON (RFC 7252 §4.1, §4.3). */
    public static CoapMessage empty(MessageType type, int messageId) {
        return new CoapMessage(type, Code.EMPTY, messageId, Bytes.EMPTY, Options.EMPTY, Bytes.EMPTY);
    }

    /** A GET of {@code path} (e.g. {@code /sensors/temp}, one Uri-Path option per segment, RFC 7252 §5.10.1). */
    public static CoapMessage get(MessageType type, int messageId, Bytes token, String path) {
        return new CoapMessage(type, Code.GET, messageId, token, Options.builder().uriPath(path).build(), Bytes.EMPTY);
    }

    /** A response with a UTF-8 text payload, none when {@code text} is empty (RFC 7252 §5.2). */
    public static CoapMessage response(MessageType type, Code code, int messageId, Bytes token, String text) {
        return new CoapMessage(type, code, messageId, token, Options.EMPTY, Bytes.utf8(text));
    }

    /** Whether the code is 0.00, the empty message (RFC 7252 §4.1). */
    public boolean isEmpty() {
        return code.isEmpty();
    }

    /** The datagram that carries this message (RFC 7252 §3). */
    public byte[] encode() {
        return MessageEncoder.encode(toInternal());
    }

    /**
     * The message in {@code datagram} (RFC 7252 §3).
     *
     * @throws CoapMessageFormatException when it is not a valid CoAP message, with the reason and
     *     the byte offset where decoding stopped (a "message format error", §4.2)
     */
    public static CoapMessage decode(byte[] datagram) {
        Objects.requireNonNull(datagram, "datagram");
        DecodeResult r = MessageDecoder.decode(datagram);
        if (r instanceof Message m) {
            return new CoapMessage(m.type(), m.code(), m.messageId(), m.token(), m.options(), m.payload());
        }
        throw new CoapMessageFormatException(r.toString());
    }

    /** One-line summary, e.g. {@code CON-GET MID=4660 Token=0a0b [Uri-Path:"temp"]}. */
    @Override
    public String toString() {
        return toInternal().toString();
    }

    private Message toInternal() {
        return toInternal(type, code, messageId, token, options, payload);
    }

    private static Message toInternal(MessageType type, Code code, int messageId, Bytes token, Options options,
                                      Bytes payload) {
        return new Message(type, code, messageId, token, options, payload);
    }
}
