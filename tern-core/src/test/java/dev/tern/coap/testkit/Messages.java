package dev.tern.coap.testkit;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.MessageType;
import dev.tern.coap.Options;
import dev.tern.coap.internal.codec.Message;

/** Shorthands for building the messages a {@link MessagePeer} sends. */
public final class Messages {
    private Messages() {
    }

    /** Uri-Path options for a path such as {@code /a/b}. */
    public static Options path(String path) {
        return Options.builder().uriPath(path).build();
    }

    /** A GET of {@code path}. */
    public static Message get(MessageType type, int mid, String tokenHex, String path) {
        return request(type, Code.GET, mid, tokenHex, path(path), Bytes.EMPTY);
    }

    /** A request with any code, options and payload. */
    public static Message request(MessageType type, Code code, int mid, String tokenHex, Options options,
                                  Bytes payload) {
        return new Message(type, code, mid, Bytes.fromHex(tokenHex), options, payload);
    }

    /** A response with a text payload (or none when {@code text} is empty). */
    public static Message response(MessageType type, Code code, int mid, Bytes token, String text) {
        return new Message(type, code, mid, token, Options.EMPTY, Bytes.utf8(text));
    }

    /** An empty message: ACK, RST or a CoAP ping CON. */
    public static Message empty(MessageType type, int mid) {
        return Message.empty(type, mid);
    }
}
