package dev.tern.coap.tcp;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.spi.ConnectionTransport;
import org.junit.jupiter.api.Test;

/** coap+tcp end to end on loopback: Tern client against Tern server over Netty (RFC 8323). */
class TcpLoopbackTest extends ReliableLoopbackContract {
    @Override
    String scheme() {
        return "coap+tcp";
    }

    @Override
    ConnectionTransport serverTransport() {
        return TcpTransports.server(0);
    }

    @Override
    ConnectionTransport clientTransport() {
        return TcpTransports.client();
    }

    @Test
    void otherSchemeRefused() {
        assertThatThrownBy(() -> client.get("coap://127.0.0.1/hello")).hasMessageContaining("coap+tcp");
    }
}
