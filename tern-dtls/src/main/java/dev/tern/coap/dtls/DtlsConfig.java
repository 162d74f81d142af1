package dev.tern.coap.dtls;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Credentials and bounds of a DTLS endpoint. Immutable; build one with {@link #client()} or
 * {@link #server()}, whose builders offer only the settings of their side.
 *
 * <p>Credentials: a client names one PSK ({@link ClientBuilder#psk}), a server looks keys up in a
 * {@link PskStore} ({@link ServerBuilder#pskStore}); either side may hold an X.509 chain
 * ({@link DtlsBuilder#certificate}) or a raw public key pair ({@link DtlsBuilder#rawPublicKey}) and
 * trusts certificates ({@link DtlsBuilder#trustedCertificates}) or keys ({@link DtlsBuilder#trustedKeys}). The cipher suites
 * offered follow from the credentials: the PSK ones (TLS_PSK_WITH_AES_128_CCM_8 first, as RFC 7252
 * §9.1.3.1 mandates) with a PSK, the ECDHE_ECDSA ones (TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8 first,
 * §9.1.3.2) with an EC key; {@link DtlsBuilder#cipherSuites} narrows them. A client offers them in that
 * order; a server picks the first in that order that the client offers, whatever the client's order.
 *
 * <p>Bounds (each has a default and is enforced before BouncyCastle sees a datagram):
 * concurrent handshakes, sessions, idle time, handshake time, handshake message size and fragments.
 */
public final class DtlsConfig {
    private final String pskIdentity;
    private final byte[] pskKey;
    private final PskStore pskStore;
    private final PrivateKey privateKey;
    private final List<X509Certificate> certificateChain;
    private final PublicKey rawPublicKey;
    private final List<X509Certificate> trustedCertificates;
    private final List<PublicKey> trustedKeys;
    private final java.util.function.Predicate<PublicKey> keyTrust;
    private final boolean trustAll;
    private final String serverName;
    private final ClientAuth clientAuth;
    private final List<String> cipherSuites;
    private final int connectionIdLength;
    private final boolean connectionId;
    private final boolean resumption;
    private final int maxHandshakes;
    private final int maxHandshakesPerAddress;
    private final Duration cookieLifetime;
    private final boolean resumeWithoutCookie;
    private final Duration connectionIdMoveQuiet;
    private final int maxSessions;
    private final int evictionNotices;
    private final Duration sessionIdleTimeout;
    private final Duration handshakeTimeout;
    private final Duration handshakeRetransmission;
    private final Duration staleHandshake;
    private final int maxHandshakeMessageSize;
    private final int maxHandshakeFragments;
    private final int maxPendingMessages;
    private final int maxDatagramSize;
    private final int sessionCacheSize;
    private final Duration resumeAfterIdle;
    private final ConnectionIdGenerator connectionIdGenerator;
    private final ResumptionCache resumptionCache;

    private final boolean server;
    private final java.util.function.BiConsumer<java.net.InetSocketAddress, String> handshakeFailures;

    DtlsConfig(DtlsBuilder<?> b) {
        server = b.isServer();
        handshakeFailures = b.handshakeFailures;
        pskIdentity = b.pskIdentity;
        pskKey = b.pskKey;
        pskStore = b.pskStore;
        privateKey = b.privateKey;
        certificateChain = List.copyOf(b.certificateChain);
        rawPublicKey = b.rawPublicKey;
        trustedCertificates = List.copyOf(b.trustedCertificates);
        trustedKeys = List.copyOf(b.trustedKeys);
        keyTrust = b.keyTrust;
        trustAll = b.trustAll;
        serverName = b.serverName;
        clientAuth = b.clientAuth != null ? b.clientAuth
                : (trustedCertificates.isEmpty() && trustedKeys.isEmpty() && keyTrust == null && !trustAll) ? ClientAuth.NONE
                : ClientAuth.NEEDED;
        cipherSuites = List.copyOf(b.cipherSuites);
        connectionIdLength = b.connectionIdLength;
        connectionId = b.connectionId;
        resumption = b.resumption;
        maxHandshakes = b.maxHandshakes;
        maxHandshakesPerAddress = b.maxHandshakesPerAddress;
        cookieLifetime = b.cookieLifetime;
        resumeWithoutCookie = b.resumeWithoutCookie;
        connectionIdMoveQuiet = b.connectionIdMoveQuiet;
        maxSessions = b.maxSessions;
        evictionNotices = b.evictionNotices;
        sessionIdleTimeout = b.sessionIdleTimeout;
        handshakeTimeout = b.handshakeTimeout;
        handshakeRetransmission = b.handshakeRetransmission;
        staleHandshake = b.staleHandshake;
        maxHandshakeMessageSize = b.maxHandshakeMessageSize;
        maxHandshakeFragments = b.maxHandshakeFragments;
        maxPendingMessages = b.maxPendingMessages;
        maxDatagramSize = b.maxDatagramSize;
        sessionCacheSize = b.sessionCacheSize;
        resumeAfterIdle = b.resumeAfterIdle;
        connectionIdGenerator = b.connectionIdGenerator;
        resumptionCache = b.resumptionCache;
    }

    /** A client configuration with no credentials and the default bounds; for {@link Dtls#client}. */
    public static ClientBuilder client() {
        return new ClientBuilder();
    }

    /** A server configuration with no credentials and the default bounds; for {@link Dtls#server}. */
    public static ServerBuilder server() {
        return new ServerBuilder();
    }

    /** Told about failed handshakes, see {@link DtlsBuilder#onHandshakeFailure}. */
    public java.util.function.BiConsumer<java.net.InetSocketAddress, String> handshakeFailureListener() {
        return handshakeFailures;
    }

    /** Whether it was built by {@link #server()} rather than {@link #client()}. */
    public boolean isServer() {
        return server;
    }

    /** Client: the PSK identity, or null. */
    public String pskIdentity() {
        return pskIdentity;
    }

    /** Client: a copy of the PSK, or null. */
    public byte[] pskKey() {
        return pskKey == null ? null : pskKey.clone();
    }

    /** Server: the PSK lookup, or null. */
    public PskStore pskStore() {
        return pskStore;
    }

    /** The own private key (certificate or raw public key modes), or null. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The own certificate chain, leaf first; empty unless X.509. */
    public List<X509Certificate> certificateChain() {
        return certificateChain;
    }

    /** The own raw public key (RFC 7250), or null. */
    public PublicKey rawPublicKey() {
        return rawPublicKey;
    }

    /** Trust anchors for the peer's certificate chain. */
    public List<X509Certificate> trustedCertificates() {
        return trustedCertificates;
    }

    /** Raw public keys the peer may present. */
    public List<PublicKey> trustedKeys() {
        return trustedKeys;
    }

    /** The run-time trust decision for peers' raw public keys (RFC 7250), or null; see {@link DtlsBuilder#keyTrust}. */
    public java.util.function.Predicate<PublicKey> keyTrust() {
        return keyTrust;
    }

    /** Whether any peer certificate or key is accepted unverified ({@code tern -n}); for testing only. */
    public boolean trustAll() {
        return trustAll;
    }

    /** Client: the name the server certificate must carry; null for the host of the request URI. */
    public String serverName() {
        return serverName;
    }

    /** Server: whether clients are asked for a certificate or raw public key. */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** The cipher suites to offer or accept, by IANA name; empty for all that fit the credentials. */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /** Server: the length of the Connection IDs it issues (RFC 9146), 0 for none. Default 6. */
    public int connectionIdLength() {
        return connectionIdLength;
    }

    /** Client: whether it offers to use the server's Connection ID (RFC 9146). Default false. */
    public boolean connectionId() {
        return connectionId;
    }

    /** Whether sessions are resumed (abbreviated handshake, RFC 5246 §7.3). Default true. */
    public boolean resumption() {
        return resumption;
    }

    /** Handshakes in progress at once; a new one beyond replaces a stale one or is dropped. Default 100. */
    public int maxHandshakes() {
        return maxHandshakes;
    }

    /**
     * Server: handshakes in progress from one host (IP address, any port); a new verified
     * ClientHello beyond replaces that host's oldest handshake. Default 4.
     */
    public int maxHandshakesPerAddress() {
        return maxHandshakesPerAddress;
    }

    /**
     * Server: how long a cookie (RFC 6347 §4.2.1) is accepted at most; the cookie secret changes
     * every half of it and the previous one is still accepted, so a cookie lives between half of
     * this and this. Default 60 s.
     */
    public Duration cookieLifetime() {
        return cookieLifetime;
    }

    /**
     * Server: whether a ClientHello that resumes a session (RFC 5246 §7.3) is answered without the
     * cookie exchange (RFC 6347 §4.2.1: "the server MAY choose not to do a cookie exchange when a
     * session is resumed"), saving the client a round trip and the server a cookie check. It applies
     * only where it displaces nothing (no handshake in progress from that address, both handshake
     * caps below their limits) and the server then sends at most three times the bytes it received
     * from the address (the anti-amplification limit of RFC 9000 §8.1), so a spoofed source gets no
     * amplification. Default true.
     */
    public boolean resumeWithoutCookie() {
        return resumeWithoutCookie;
    }

    /**
     * Server: when an authenticated Connection ID record comes from a new address (RFC 9146 §6),
     * the session moves there at once only if its current address has been silent this long;
     * otherwise only on a second such record from the new address. Default 2 s.
     */
    public Duration connectionIdMoveQuiet() {
        return connectionIdMoveQuiet;
    }

    /** Established sessions; beyond, the longest idle one is evicted. Default 10 000. */
    public int maxSessions() {
        return maxSessions;
    }

    /**
     * How many sessions evicted at the {@link #maxSessions()} cap per second are told so with a
     * close_notify (RFC 5246 §7.2.1), so that a peer still using one starts over at once; beyond that
     * rate they are dropped silently: under a storm of new sessions (a cluster node lost, a flood) the
     * server spends no record and no datagram per new session on the idlest peers, most of them
     * asleep or gone (a peer that is not finds out at its next record and handshakes again). 0:
     * always silently. Default 100 per second.
     */
    public int evictionNotices() {
        return evictionNotices;
    }

    /** A session idle this long is removed. Default 30 min. */
    public Duration sessionIdleTimeout() {
        return sessionIdleTimeout;
    }

    /** A handshake that has not completed after this fails. Default 30 s. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /**
     * The first wait before a handshake flight is sent again, doubling per retransmission (RFC 6347
     * §4.2.4.1). Default 1 s.
     */
    public Duration handshakeRetransmission() {
        return handshakeRetransmission;
    }

    /** At the handshake cap, a handshake that started this long ago may be replaced. Default 5 s. */
    public Duration staleHandshake() {
        return staleHandshake;
    }

    /** The largest declared handshake message accepted; larger ones drop their datagram. Default 8192. */
    public int maxHandshakeMessageSize() {
        return maxHandshakeMessageSize;
    }

    /** Handshake fragments one handshake may receive before it is aborted. Default 256. */
    public int maxHandshakeFragments() {
        return maxHandshakeFragments;
    }

    /** Client: messages held per server while its handshake runs. Default 32. */
    public int maxPendingMessages() {
        return maxPendingMessages;
    }

    /** The largest datagram sent (handshake messages are fragmented to fit). Default 1400. */
    public int maxDatagramSize() {
        return maxDatagramSize;
    }

    /** Server: how the Connection IDs it issues are made (RFC 9146 §3). Default all random. */
    public ConnectionIdGenerator connectionIdGenerator() {
        return connectionIdGenerator;
    }

    /** Server: the shared resumption cache beyond its own memory (RFC 5246 §7.3), if any. Default none. */
    public java.util.Optional<ResumptionCache> resumptionCache() {
        return java.util.Optional.ofNullable(resumptionCache);
    }

    /** Server: sessions kept for resumption. Default 1000. */
    public int sessionCacheSize() {
        return sessionCacheSize;
    }

    /**
     * Client: a session with no record from the server for this long is set up again (resumed when
     * possible) before the next request, since the server may have dropped it. Default 4 min
     * (libcoap servers drop idle sessions after 300 s).
     */
    public Duration resumeAfterIdle() {
        return resumeAfterIdle;
    }

    /** Whether a pre-shared key is configured (client identity and key, or a server store). */
    public boolean hasPsk() {
        return pskKey != null || pskStore != null;
    }

    /** Whether a certificate chain or raw public key is configured. */
    public boolean hasKeyPair() {
        return privateKey != null;
    }

    @Override
    public String toString() {
        // never the key material
        return "DtlsConfig[psk=" + (pskIdentity != null ? "identity " + pskIdentity : pskStore != null ? "store" : "none")
                + ", x509=" + !certificateChain.isEmpty() + ", rpk=" + (rawPublicKey != null)
                + ", trusted=" + trustedCertificates.size() + " certificates/" + trustedKeys.size() + " keys"
                + (trustAll ? ", trust-all" : "") + ", clientAuth=" + clientAuth
                + ", cid=" + connectionIdLength + "/" + connectionId + ", maxHandshakes=" + maxHandshakes
                + "/" + maxHandshakesPerAddress + " per host"
                + ", maxSessions=" + maxSessions + "]";
    }

    /** Builds a client {@link DtlsConfig}: the PSK to present (RFC 7252 §9.1.3.1), the server name, Connection ID use (RFC 9146). */
    public static final class ClientBuilder extends DtlsBuilder<ClientBuilder> {
        ClientBuilder() {
        }

        @Override
        boolean isServer() {
            return false;
        }

        /** Client: the PSK identity and key to present (RFC 7252 §9.1.3.1). */
        public ClientBuilder psk(String identity, byte[] key) {
            Objects.requireNonNull(identity, "identity");
            Objects.requireNonNull(key, "key");
            if (key.length == 0) {
                throw new IllegalArgumentException("empty pre-shared key");
            }
            this.pskIdentity = identity;
            this.pskKey = key.clone();
            return self();
        }

        /** Client: a PSK given as text (its UTF-8 bytes are the key, as in {@code coap-client -k}). */
        public ClientBuilder psk(String identity, String key) {
            return psk(identity, key.getBytes(StandardCharsets.UTF_8));
        }

        /** Client: the name the server certificate must carry, instead of the URI host. */
        public ClientBuilder serverName(String name) {
            this.serverName = Objects.requireNonNull(name, "name");
            return self();
        }

        /** Client: offer to use the server's Connection ID (RFC 9146), so a changed address keeps the session. */
        public ClientBuilder connectionId(boolean use) {
            this.connectionId = use;
            return self();
        }

        /** Client: messages held per server during its handshake. Default 32. */
        public ClientBuilder maxPendingMessages(int n) {
            this.maxPendingMessages = positive(n, "maxPendingMessages");
            return self();
        }

        /** Client: idle time after which the session is set up again before sending. Default 4 min. */
        public ClientBuilder resumeAfterIdle(Duration d) {
            this.resumeAfterIdle = positive(d, "resumeAfterIdle");
            return self();
        }
    }

    /** Builds a server {@link DtlsConfig}: the PSK store (RFC 7252 §9.1.3.1), client authentication, the Connection IDs it issues (RFC 9146), cookies (RFC 6347 §4.2.1). */
    public static final class ServerBuilder extends DtlsBuilder<ServerBuilder> {
        ServerBuilder() {
        }

        @Override
        boolean isServer() {
            return true;
        }

        /** Server: where keys are looked up by identity. */
        public ServerBuilder pskStore(PskStore store) {
            this.pskStore = Objects.requireNonNull(store, "store");
            return self();
        }

        /**
         * Server: a single identity and key (a convenience over {@link #pskStore}); the identity is
         * compared in constant time.
         */
        public ServerBuilder pskStore(String identity, byte[] key) {
            byte[] id = identity.getBytes(StandardCharsets.UTF_8);
            byte[] k = key.clone();
            return pskStore(requested -> java.security.MessageDigest.isEqual(id,
                    requested.getBytes(StandardCharsets.UTF_8)) ? k.clone() : null);
        }

        /** Server: whether to ask clients for a certificate; default NEEDED when trust is configured. */
        public ServerBuilder clientAuth(ClientAuth auth) {
            this.clientAuth = Objects.requireNonNull(auth, "auth");
            return self();
        }

        /** Server: length of the Connection IDs it issues (RFC 9146), 0..32; 0 disables. Default 6. */
        public ServerBuilder connectionIdLength(int length) {
            if (length < 0 || length > 32) {
                throw new IllegalArgumentException("connectionIdLength must be 0..32: " + length);
            }
            this.connectionIdLength = length;
            return self();
        }

        /** Server: handshakes in progress per host, IP address (at least 1). Default 4. */
        public ServerBuilder maxHandshakesPerAddress(int n) {
            this.maxHandshakesPerAddress = positive(n, "maxHandshakesPerAddress");
            return self();
        }

        /** Server: the longest a cookie is accepted (RFC 6347 §4.2.1), at least 2 s. Default 60 s. */
        public ServerBuilder cookieLifetime(Duration d) {
            if (positive(d, "cookieLifetime").compareTo(Duration.ofSeconds(2)) < 0) {
                throw new IllegalArgumentException("cookieLifetime must be at least 2 s: " + d);
            }
            this.cookieLifetime = d;
            return self();
        }

        /** Server: answer a resuming ClientHello without the cookie exchange ({@link DtlsConfig#resumeWithoutCookie()}). Default true. */
        public ServerBuilder resumeWithoutCookie(boolean skip) {
            this.resumeWithoutCookie = skip;
            return self();
        }

        /** Server: silence of the old address after which one CID record moves a session (RFC 9146 §6). Default 2 s. */
        public ServerBuilder connectionIdMoveQuiet(Duration d) {
            this.connectionIdMoveQuiet = positive(d, "connectionIdMoveQuiet");
            return self();
        }

        /**
         * Server: how the Connection IDs it issues are made (RFC 9146 §3), e.g. with a cluster's
         * node id at a fixed offset. Default {@link ConnectionIdGenerator#random()}.
         */
        public ServerBuilder connectionIdGenerator(ConnectionIdGenerator generator) {
            this.connectionIdGenerator = Objects.requireNonNull(generator, "generator");
            return self();
        }

        /**
         * Server: a resumption cache asked when a session ID is not in memory and told of every
         * completed handshake (RFC 5246 §7.3), e.g. shared by a cluster. Default none.
         */
        public ServerBuilder resumptionCache(ResumptionCache cache) {
            this.resumptionCache = Objects.requireNonNull(cache, "cache");
            return self();
        }

        /** Server: sessions kept for resumption (0 disables). Default 1000. */
        public ServerBuilder sessionCacheSize(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("sessionCacheSize must not be negative: " + n);
            }
            this.sessionCacheSize = n;
            return self();
        }
    }
}
