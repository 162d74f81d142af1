package dev.tern.coap.tcp;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * TLS credentials for {@code coaps+tcp} and {@code coaps+ws} (RFC 8323 §9.1): this side's X.509
 * certificate chain and key, and the certificates it trusts, for TLS 1.3 and 1.2 through the JDK's
 * {@code SSLEngine} (the ALPN protocol {@code coap} is offered, §8.2); or pre-shared keys
 * ({@link Builder#psk}, {@link Builder#pskStore}) for TLS 1.2 through BouncyCastle.
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
    private final TlsSetup setup;

    private TlsConfig(Builder b) {
        this.key = b.key;
        this.chain = b.chain;
        this.trusted = b.trusted;
        this.requireClientCertificate = b.requireClientCertificate;
        this.verifyHostname = b.verifyHostname && !b.trustAnyServer;
        this.trustAnyServer = b.trustAnyServer;
        boolean psk = b.pskStore != null || b.pskIdentity != null;
        if (psk && (b.key != null || !b.trusted.isEmpty() || b.trustAnyServer)) {
            throw new IllegalStateException("a TlsConfig is either X.509 (identity, trust) or PSK (psk, pskStore)");
        }
        this.setup = psk ? new BcPskTls(b.pskStore, b.pskIdentity, b.pskKey) : new JdkTls(this);
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
        private dev.tern.coap.dtls.PskStore pskStore;
        private String pskIdentity;
        private byte[] pskKey;

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

        /**
         * A client: TLS 1.2 with the pre-shared key {@code key} of {@code identity} (RFC 4279; RFC 7252
         * §9.1.3.1 as RFC 8323 §9.1 keeps it) through BouncyCastle instead of X.509.
         */
        public Builder psk(String identity, byte[] key) {
            if (key.length == 0) {
                throw new IllegalArgumentException("empty pre-shared key");
            }
            this.pskIdentity = Objects.requireNonNull(identity, "identity");
            this.pskKey = key.clone();
            return this;
        }

        /** A server: TLS 1.2 with pre-shared keys looked up in {@code store} (tern-dtls's) instead of X.509. */
        public Builder pskStore(dev.tern.coap.dtls.PskStore store) {
            this.pskStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /** The configuration. */
        public TlsConfig build() {
            return new TlsConfig(this);
        }
    }
}
