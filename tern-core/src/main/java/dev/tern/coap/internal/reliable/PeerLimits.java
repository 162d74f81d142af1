package dev.tern.coap.internal.reliable;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapTransportException;
import dev.tern.coap.Code;
import dev.tern.coap.Options;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.ReliableFraming;

/**
 * The peer's Max-Message-Size on sends (RFC 8323 §5.3.1): a request or response whose frame is
 * larger is never written. A request fails with {@link CoapTransportException}; a response becomes
 * 5.00 with a diagnostic. Large bodies do not get here: the block-wise layers cut them into blocks
 * (BERT where allowed) that fit. Enforced once the peer's CSM came; before it, the block-wise layer
 * keeps bodies to 1024-byte blocks, within the base value. Signals are not held to it.
 */
final class PeerLimits {
    private PeerLimits() {
    }

    /** Whether {@code frame}, the encoding of {@code m}, may go to {@code c}'s peer. */
    static boolean fits(ConnectionContext c, Message m, byte[] frame) {
        return !c.csmReceived || frame.length <= c.peerMaxMessageSize || m.code().codeClass() == 7;
    }

    static CoapTransportException tooLargeRequest(ConnectionContext c, Message request) {
        return new CoapTransportException("request of " + size(c, request) + " bytes not sent: " + c.peer
                + " announced Max-Message-Size " + c.peerMaxMessageSize
                + " (RFC 8323 §5.3.1); a body goes block-wise, the options alone must fit");
    }

    /** 5.00 in place of a response the peer could not take. */
    static Message tooLargeResponse(ConnectionContext c, Message response) {
        return new Message(response.type(), Code.INTERNAL_SERVER_ERROR, response.messageId(), response.token(),
                Options.EMPTY, Bytes.utf8("response of " + size(c, response) + " bytes exceeds the client's "
                + "Max-Message-Size " + c.peerMaxMessageSize + " (RFC 8323 §5.3.1)"));
    }

    private static int size(ConnectionContext c, Message m) {
        return ReliableFraming.encode(m, c.messageFramed()).length;
    }
}
