package dev.tern.coap.tcp;

import dev.tern.coap.spi.ConnectionTransport;

/** coap+ws end to end on loopback: Tern client against Tern server (RFC 8323 §4). */
class WebSocketLoopbackTest extends ReliableLoopbackContract {
    @Override
    String scheme() {
        return "coap+ws";
    }

    @Override
    ConnectionTransport serverTransport() {
        return WebSocketTransports.server(0);
    }

    @Override
    ConnectionTransport clientTransport() {
        return WebSocketTransports.client();
    }
}
