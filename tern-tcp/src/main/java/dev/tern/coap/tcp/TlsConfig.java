package dev.tern.coap.tcp;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * TLS credentials for {@code coaps+tcp} and {@code coaps+ws} (RFC 8323 §9.1): this side's X.509
 * certificate chain and key, and the certificates it trusts. TLS 1.3 and 1.2 through the JDK's
 * {@code SSLEngine}; the ALPN protocol {@code coap} is offered (§8.2).
 *
 * <pre>{@code
 * TlsConfig server = TlsConfig.builder().identity(key, chain).build();
 * TlsConfig client = TlsConfig.builder().trust(List.of(caCertificate)).build();
 * }</pre>
 *
 * A client verifies the server's certificate against {@link Builder#trust} and, unless
 * {@link Builder#verifyHostname} is off, that it names the host or IP address connected to.
 * A server asks for a client certificate when it has trust anchors and requires one with
 * {@link Builder#requireClientCertificate}.
 */
public final class TlsConfig {
    /** The ALPN protocol id of CoAP over TLS (RFC 8323 §8.2, §11.3). */
    public static final String ALPN = "coap";

    final PrivateKey key;
    final List<X509Certificate> chain;
    final List<X509Certificate> trusted;
    final boolean requireClientCertificate;
    final boolean verifyHostname;
    final boolean trustAnyServer;
    private final JdkTls setup;

    private TlsConfig(Builder b) {
        this.key = b.key;
        this.chain = b.chain;
        this.trusted = b.trusted;
        this.requireClientCertificate = b.requireClientCertificate;
        this.verifyHostname = b.verifyHostname && !b.trustAnyServer;
        this.trustAnyServer = b.trustAnyServer;
        this.setup = new JdkTls(this);
    }

    /** A new builder: no identity, no trust anchors, hostname verification on. */
    public static Builder builder() {
        return new Builder();
    }

    TlsSetup setup() {
        return setup;
    }

    /** Builds a {@link TlsConfig}. */
    public static final class Builder {
        private PrivateKey key;
        private List<X509Certificate> chain = List.of();
        private List<X509Certificate> trusted = List.of();
        private boolean requireClientCertificate;
        private boolean verifyHostname = true;
        private boolean trustAnyServer;

        private Builder() {
        }

        /** This side's private key and certificate chain, leaf first (required for a server). */
        public Builder identity(PrivateKey key, List<X509Certificate> chain) {
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("empty certificate chain");
            }
            this.key = Objects.requireNonNull(key, "key");
            this.chain = List.copyOf(chain);
            return this;
        }

        /** The certificates trusted as anchors for the peer's chain. */
        public Builder trust(List<X509Certificate> anchors) {
            this.trusted = List.copyOf(anchors);
            return this;
        }

        /** A server: refuse clients without a certificate chaining to {@link #trust}; default false. */
        public Builder requireClientCertificate(boolean required) {
            this.requireClientCertificate = required;
            return this;
        }

        /** A client: check that the server's certificate names the host connected to; default true. */
        public Builder verifyHostname(boolean verify) {
            this.verifyHostname = verify;
            return this;
        }

        /**
         * A client: accept any server certificate, unchecked (no protection against an active
         * attacker; for tests and diagnostics, like {@code tern get -n}); default false.
         */
        public Builder trustAnyServer() {
            this.trustAnyServer = true;
            return this;
        }

        /** The configuration. */
        public TlsConfig build() {
            return new TlsConfig(this);
        }
    }
}
