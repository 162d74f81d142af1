package dev.tern.coap;

import java.net.InetSocketAddress;

/**
 * Sees every datagram an endpoint sends or receives, as a one-line message summary such as
 * {@code CON-GET MID=4711 Token=0x2a [Uri-Path:"hello"]}. For {@code tern -v} and debugging; it
 * runs on the endpoint's I/O thread, so it must be quick.
 */
public interface MessageTracer {
    /** A datagram was sent to {@code peer}. */
    void sent(InetSocketAddress peer, String summary);

    /** A datagram was received from {@code peer}. */
    void received(InetSocketAddress peer, String summary);
}
