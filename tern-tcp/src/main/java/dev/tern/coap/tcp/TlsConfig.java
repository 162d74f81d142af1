package dev.tern.coap.tcp;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * TLS credentials for {@code coaps+tcp} and {@code coaps+ws} (RFC 8323 §9.1): this side's X.509
 * certificate chain and key, and the certificates it trusts, for TLS 1.3 and 1.2 through the JDK's
 * {@code SSLEngine} (the ALPN protocol {@code coap} is offered, §8.2); or, through BouncyCastle's
 * TLS 1.3 and 1.2, pre-shared keys ({@link Builder#psk}, {@link Builder#pskStore}; RFC 8446 external
 * PSKs, RFC 4279) and raw public keys ({@link Builder#rawPublicKey}, {@link Builder#trustedKeys},
 * {@link Builder#keyTrust}; RFC 7250, RFC 7252 §9.1.3.2), alone or together.
 *
 * <pre>{@code
 * TlsConfig server = TlsConfig.builder().identity(key, chain).build();
 * TlsConfig client = TlsConfig.builder().trust(List.of(caCertificate)).build();
 * }</pre>
 *
 * A client verifies the server's certificate against {@link Builder#trust} and, unless
 * {@link Builder#verifyHostname} is off, that it names the host or IP address connected to.
 * A server asks for a client certificate when it has trust anchors and requires one with
 * {@link Builder#requireClientCertificate}. With raw public keys, a client accepts the server's key
 * if it is among {@link Builder#trustedKeys} or {@link Builder#keyTrust} says yes; a server asks
 * clients for a key when it has either, and refuses clients without one with
 * {@link Builder#requireClientCertificate}. The peer's key becomes {@code Request.peerIdentity()}.
 *
 * <pre>{@code
 * TlsConfig server = TlsConfig.builder().rawPublicKey(serverKeys).trustedKeys(List.of(clientKey)).build();
 * TlsConfig client = TlsConfig.builder().rawPublicKey(clientKeys).trustedKeys(List.of(serverKey)).build();
 * }</pre>
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
    final KeyPair rawPublicKey;
    final List<PublicKey> trustedKeys;
    final Predicate<PublicKey> keyTrust;
    final boolean tls12Only;
    final dev.tern.coap.dtls.PskStore pskStore;
    final String pskIdentity;
    final byte[] pskKey;
    private final TlsSetup setup;

    private TlsConfig(Builder b) {
        this.key = b.key;
        this.chain = b.chain;
        this.trusted = b.trusted;
        this.requireClientCertificate = b.requireClientCertificate;
        this.verifyHostname = b.verifyHostname && !b.trustAnyServer;
        this.trustAnyServer = b.trustAnyServer;
        this.rawPublicKey = b.rawPublicKey;
        this.trustedKeys = List.copyOf(b.trustedKeys);
        this.keyTrust = b.keyTrust;
        this.tls12Only = b.tls12Only;
        this.pskStore = b.pskStore;
        this.pskIdentity = b.pskIdentity;
        this.pskKey = b.pskKey;
        boolean bc = b.pskStore != null || b.pskIdentity != null || rawKeys();
        if (bc && (b.key != null || !b.trusted.isEmpty())) {
            throw new IllegalStateException("a TlsConfig is either X.509 (identity, trust) or pre-shared"
                    + " and raw public keys (psk, pskStore, rawPublicKey, trustedKeys, keyTrust)");
        }
        this.setup = bc ? new BcTls(this) : new JdkTls(this);
    }

    /** Whether raw public keys are configured: an own key pair or trust in peers' keys. */
    boolean rawKeys() {
        return rawPublicKey != null || !trustedKeys.isEmpty() || keyTrust != null;
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
        private KeyPair rawPublicKey;
        private final List<PublicKey> trustedKeys = new ArrayList<>();
        private Predicate<PublicKey> keyTrust;
        private boolean tls12Only;

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
         * A client: accept any server certificate (or, with raw public keys configured, any server
         * key), unchecked (no protection against an active attacker; for tests and diagnostics,
         * like {@code tern get -n}); default false.
         */
        public Builder trustAnyServer() {
            this.trustAnyServer = true;
            return this;
        }

        /**
         * A client: the pre-shared key {@code key} of {@code identity} (TLS 1.3 external PSK, RFC 8446
         * §2.2; TLS 1.2 RFC 4279; RFC 7252 §9.1.3.1 as RFC 8323 §9.1 keeps it) through BouncyCastle
         * instead of X.509.
         */
        public Builder psk(String identity, byte[] key) {
            if (key.length == 0) {
                throw new IllegalArgumentException("empty pre-shared key");
            }
            this.pskIdentity = Objects.requireNonNull(identity, "identity");
            this.pskKey = key.clone();
            return this;
        }

        /** A server: pre-shared keys (TLS 1.3 and 1.2) looked up in {@code store} (tern-dtls's) instead of X.509. */
        public Builder pskStore(dev.tern.coap.dtls.PskStore store) {
            this.pskStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * This side's raw public key (RFC 7250, RFC 7252 §9.1.3.2): an EC key pair (secp256r1), sent
         * as a SubjectPublicKeyInfo instead of a certificate; required for a raw-public-key server,
         * optional for a client (then it authenticates with it when the server asks).
         */
        public Builder rawPublicKey(KeyPair keyPair) {
            if (!"EC".equals(keyPair.getPrivate().getAlgorithm())) {
                throw new IllegalArgumentException("a raw public key must be an EC key pair (secp256r1), not "
                        + keyPair.getPrivate().getAlgorithm());
            }
            this.rawPublicKey = keyPair;
            return this;
        }

        /** Raw public keys the peer may present (RFC 7250), added to those given before. */
        public Builder trustedKeys(List<PublicKey> keys) {
            this.trustedKeys.addAll(keys);
            return this;
        }

        /**
         * Decides per handshake which raw public keys peers may present, besides {@link #trustedKeys}
         * (a device store that changes at run time, as tern-dtls's {@code keyTrust}). It runs on a
         * Netty I/O thread and must return quickly; an exception counts as "not trusted".
         */
        public Builder keyTrust(Predicate<PublicKey> trust) {
            this.keyTrust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /** Offers and accepts TLS 1.2 only (pre-shared and raw public keys); for tests of the fallback. */
        Builder tls12Only() {
            this.tls12Only = true;
            return this;
        }

        /** The configuration. */
        public TlsConfig build() {
            return new TlsConfig(this);
        }
    }
}
