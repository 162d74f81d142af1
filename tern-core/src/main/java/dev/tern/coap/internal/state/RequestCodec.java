package dev.tern.coap.internal.state;

import dev.tern.coap.Bytes;
import dev.tern.coap.MessageType;
import dev.tern.coap.Method;
import dev.tern.coap.Request;
import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.net.InetSocketAddress;

/**
 * A request in a state record: as the CoAP message that carries it (RFC 7252 §3: method, token,
 * options, payload), so the codec's strict decoder checks it on the way back.
 */
public final class RequestCodec {
    private RequestCodec() {
    }

    /** Writes {@code request} with {@code token}. */
    public static void write(RecordWriter w, Request request, Bytes token) {
        Message m = new Message(request.isConfirmable() ? MessageType.CON : MessageType.NON, request.method().code(),
                0, token, request.options(), request.payload());
        w.bytes16(MessageEncoder.encode(m));
    }

    /**
     * Reads a request to {@code peer} as {@link #write} wrote it, as a builder (the server engine
     * adds what it knows of the peer, as for a received request).
     */
    public static Request.Builder read(RecordReader r, InetSocketAddress peer) {
        byte[] raw = r.bytes16();
        DecodeResult d = MessageDecoder.decode(raw);
        if (!(d instanceof Message m)) {
            throw new StateFormatException("stored request does not decode: " + d);
        }
        Method method = Method.of(m.code()).orElseThrow(
                () -> new StateFormatException("stored request has no method: " + m.code()));
        return Request.builder(method).peer(peer).options(m.options()).payload(m.payload())
                .confirmable(m.type() == MessageType.CON).token(m.token());
    }
}
