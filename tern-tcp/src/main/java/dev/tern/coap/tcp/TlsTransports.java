package dev.tern.coap.tcp;

import dev.tern.coap.spi.ConnectionTransport;
import dev.tern.coap.spi.ReliableSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * CoAP over TLS ({@code coaps+tcp}, RFC 8323 §3, §8.2, §9.1; default port 5684) on Netty with
 * the JDK's TLS 1.3/1.2 and X.509 certificates, or BouncyCastle's TLS 1.3/1.2 with pre-shared keys
 * and raw public keys (RFC 7250) ({@link TlsConfig}).
 *
 * <pre>{@code
 * CoapServer server = CoapServer.builder().service(router)
 *     .listener(TlsTransports.builder().config(TlsConfig.builder().identity(key, chain).build())
 *         .buildServer())
 *     .build().start();
 * ConnectionTransport tls = TlsTransports.builder()
 *     .config(TlsConfig.builder().trust(List.of(ca)).build()).buildClient();
 * try (CoapClient client = CoapClient.builder().transport(tls).build()) {
 *     Response r = client.get("coaps+tcp://localhost/hello");
 * }
 * }</pre>
 *
 * The TLS handshake must end within {@link Builder#handshakeTimeout}; the CSM exchange starts
 * after it. Requests carry the client's certificate, PSK identity or raw public key as
 * {@code Request.peerIdentity()}.
 */
public final class TlsTransports {
    /** The default port of {@code coaps+tcp} (RFC 8323 §8.2). */
    public static final int DEFAULT_PORT = 5684;

    private TlsTransports() {
    }

    /** A new builder: port 5684 on all interfaces, {@link ReliableSettings#defaults()}, 10 s handshake timeout. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds TLS transports (RFC 8323 §3, §9.1); default port 5684 (§8.2). */
    public static final class Builder extends ConnectionTransportBuilder<Builder> {
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private TlsConfig config;

        private Builder() {
            super(DEFAULT_PORT);
        }

        /** The TLS credentials (required). */
        public Builder config(TlsConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** How long a TLS handshake may take before the connection is closed; default 10 s. */
        public Builder handshakeTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("handshakeTimeout must be positive");
            }
            this.handshakeTimeout = timeout;
            return this;
        }

        @Override
        Framing framing() {
            if (config == null) {
                throw new IllegalStateException("a coaps+tcp transport needs TLS credentials: config(TlsConfig)");
            }
            return new TlsFraming(config.setup(), handshakeTimeout.toMillis());
        }
    }
}
