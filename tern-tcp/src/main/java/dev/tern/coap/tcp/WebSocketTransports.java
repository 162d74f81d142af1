package dev.tern.coap.tcp;

import dev.tern.coap.spi.ConnectionTransport;
import dev.tern.coap.spi.ReliableSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * CoAP over WebSockets ({@code coap+ws}, {@code coaps+ws}; RFC 8323 §4, §8.3, §8.4) on Netty: the
 * resource {@code /.well-known/coap}, the subprotocol {@code coap}, one CoAP message per binary
 * frame. A browser connects with {@code new WebSocket("ws://host:port/.well-known/coap", "coap")}.
 *
 * <pre>{@code
 * CoapServer server = CoapServer.builder().service(router)
 *     .listener(WebSocketTransports.server(8080))          // coap+ws beside UDP
 *     .build().start();
 * try (CoapClient client = CoapClient.builder().transport(WebSocketTransports.client()).build()) {
 *     Response r = client.get("coap+ws://localhost:8080/hello");
 * }
 * }</pre>
 *
 * Bounds: the WebSocket frame (and a fragmented message) may not exceed the Max-Message-Size of
 * {@link ReliableSettings}; the HTTP upgrade (and the TLS handshake under it) must end within
 * {@link Builder#handshakeTimeout}; connections count against the settings' limits once upgraded.
 */
public final class WebSocketTransports {
    /** The default port of {@code coap+ws} (RFC 8323 §8.3: that of HTTP). */
    public static final int DEFAULT_PORT = 80;
    /** The default port of {@code coaps+ws} (RFC 8323 §8.4: that of HTTPS). */
    public static final int DEFAULT_SECURE_PORT = 443;

    private WebSocketTransports() {
    }

    /** A {@code coap+ws} client transport with the default settings. */
    public static ConnectionTransport client() {
        return builder().buildClient();
    }

    /** A {@code coap+ws} server transport on {@code port} (0: any free port), all interfaces. */
    public static ConnectionTransport server(int port) {
        return builder().port(port).buildServer();
    }

    /** A new builder: {@code coap+ws} on port 80, {@link ReliableSettings#defaults()}, 10 s handshake timeout. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds WebSocket transports (RFC 8323 §4); default port 80, or 443 with {@link #tls} (§8.3, §8.4). */
    public static final class Builder extends ConnectionTransportBuilder<Builder> {
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private TlsConfig tls;

        private Builder() {
            super(-1); // the scheme's port, once it is known whether TLS is used
        }

        /**
         * How long the opening handshake (RFC 6455 §4; with TLS, the TLS handshake too) may take
         * before the connection is closed; default 10 s.
         */
        public Builder handshakeTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("handshakeTimeout must be positive");
            }
            this.handshakeTimeout = timeout;
            return this;
        }

        /** TLS under the WebSocket: {@code coaps+ws} (RFC 8323 §8.4). */
        public Builder tls(TlsConfig tls) {
            this.tls = Objects.requireNonNull(tls, "tls");
            return this;
        }

        @Override
        int listenPort() {
            return port >= 0 ? port : tls == null ? DEFAULT_PORT : DEFAULT_SECURE_PORT;
        }

        @Override
        Framing framing() {
            return new WebSocketFraming(tls == null ? null : tls.setup(), settings.maxMessageSize(),
                    handshakeTimeout.toMillis());
        }
    }
}
