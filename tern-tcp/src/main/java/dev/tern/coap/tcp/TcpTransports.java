package dev.tern.coap.tcp;

import dev.tern.coap.spi.ConnectionTransport;
import dev.tern.coap.spi.ReliableSettings;

/**
 * CoAP over TCP ({@code coap+tcp}, RFC 8323 §8.1, default port 5683) on Netty.
 *
 * <pre>{@code
 * CoapServer server = CoapServer.builder()
 *     .service(router)
 *     .listener(TcpTransports.server(5683))      // coap+tcp beside UDP
 *     .build().start();
 * try (CoapClient client = CoapClient.builder().transport(TcpTransports.client()).build()) {
 *     Response r = client.get("coap+tcp://localhost/hello");
 * }
 * }</pre>
 *
 * Bounds and CSM values ({@link ReliableSettings}) are set with {@link Builder#settings}.
 */
public final class TcpTransports {
    /** The default port of {@code coap+tcp} (RFC 8323 §8.1). */
    public static final int DEFAULT_PORT = 5683;

    private TcpTransports() {
    }

    /** A client transport with the default settings: connections opened on demand. */
    public static ConnectionTransport client() {
        return builder().buildClient();
    }

    /** A server transport listening on {@code port} (0: any free port) on all interfaces. */
    public static ConnectionTransport server(int port) {
        return builder().port(port).buildServer();
    }

    /** A new builder: port 5683 on all interfaces, {@link ReliableSettings#defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds TCP transports (RFC 8323 §3); default port 5683 (§8.1). */
    public static final class Builder extends ConnectionTransportBuilder<Builder> {
        private Builder() {
            super(DEFAULT_PORT);
        }

        @Override
        Framing framing() {
            return Framing.TCP;
        }
    }
}
