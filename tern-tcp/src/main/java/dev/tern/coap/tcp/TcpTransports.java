package dev.tern.coap.tcp;

import dev.tern.coap.spi.ConnectionTransport;
import dev.tern.coap.spi.ReliableSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

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

    /** Builds TCP transports (RFC 8323 §3). */
    public static final class Builder {
        private int port = DEFAULT_PORT;
        private InetAddress address;
        private ReliableSettings settings = ReliableSettings.defaults();
        private int ioThreads = Math.min(2, Runtime.getRuntime().availableProcessors());

        private Builder() {
        }

        /** The port to listen on (0: any free port); default 5683 (RFC 8323 §8.1). */
        public Builder port(int port) {
            if (port < 0 || port > 0xFFFF) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** The local address to listen on; default all interfaces. */
        public Builder bind(InetAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * Bounds and CSM values the engine applies to each connection (RFC 8323 §5.3): Max-Message-Size,
         * Block-Wise-Transfer, CSM, idle and frame timeouts, requests in flight, connection limits.
         */
        public Builder settings(ReliableSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Netty I/O threads; default min(2, processors). */
        public Builder ioThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("ioThreads must be >= 1: " + n);
            }
            this.ioThreads = n;
            return this;
        }

        /** A server transport: listens when its endpoint starts; it can open connections too. */
        public ConnectionTransport buildServer() {
            InetSocketAddress bind = address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port);
            return new NettyConnectionTransport(Framing.TCP, settings, bind, ioThreads);
        }

        /** A client transport: opens connections on demand, listens on nothing. */
        public ConnectionTransport buildClient() {
            return new NettyConnectionTransport(Framing.TCP, settings, null, 1);
        }
    }
}
