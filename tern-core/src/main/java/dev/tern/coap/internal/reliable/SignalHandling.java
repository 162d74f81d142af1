package dev.tern.coap.internal.reliable;

import dev.tern.coap.CoapTransportException;
import dev.tern.coap.Option;
import dev.tern.coap.internal.codec.Message;

/** What a received signaling message (RFC 8323 §5, code class 7) does to its connection. */
final class SignalHandling {
    private SignalHandling() {
    }

    /** Applies {@code m} to {@code c}; false when the connection is over. */
    static boolean handle(ReliableLayer layer, ConnectionContext c, Message m) {
        int bad = Signals.unknownCritical(m);
        if (bad >= 0) {
            // §5.3: an unknown critical CSM option is a connection error with Bad-CSM-Option;
            // §5.2: so is any unknown critical option of another signal
            layer.abort(c, "unsupported critical option " + bad + " in " + m.code(),
                    m.code().equals(Signals.CSM) ? bad : 0);
            return false;
        }
        if (m.code().equals(Signals.CSM)) {
            c.csmReceived = true;
            if (c.csmTimer != null) {
                c.csmTimer.cancel();
            }
            for (int i = 0; i < m.options().size(); i++) {
                Option o = m.options().get(i);
                if (o.number() == Signals.MAX_MESSAGE_SIZE) {
                    c.peerMaxMessageSize = o.uintValue();
                } else if (o.number() == Signals.BLOCK_WISE_TRANSFER) {
                    c.peerBlockwise = true;
                }
            }
            layer.bert.update(c);
            return true;
        }
        if (!c.csmReceived && layer.settings().csmRequired()) {
            layer.abort(c, "the first message must be a CSM (RFC 8323 §5.3), got " + m.code(), 0);
            return false;
        }
        if (m.code().equals(Signals.PING)) {
            layer.send(c, Signals.pong(m.token(), m.options().has(Signals.CUSTODY)));
            return true;
        }
        if (m.code().equals(Signals.PONG)) {
            layer.pong(c, m.token());
            return true;
        }
        if (m.code().equals(Signals.RELEASE)) {
            layer.released(c, m);
            return !c.closed;
        }
        if (m.code().equals(Signals.ABORT)) {
            String diagnostic = m.payload().isEmpty() ? "no diagnostic" : m.payload().utf8();
            layer.end(c, new CoapTransportException("connection to " + c.peer + " aborted by the peer: "
                    + diagnostic));
            return false;
        }
        layer.abort(c, "unknown signaling code " + m.code() + " (RFC 8323 §5)", 0);
        return false;
    }
}
