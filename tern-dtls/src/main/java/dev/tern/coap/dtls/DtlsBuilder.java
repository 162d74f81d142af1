package dev.tern.coap.dtls;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What {@link DtlsConfig.ClientBuilder} and {@link DtlsConfig.ServerBuilder} share: own credentials
 * (RFC 7252 §9.1.3.2, §9.1.3.3), trust, cipher suites and the bounds of both sides. Start from
 * {@link DtlsConfig#client()} or {@link DtlsConfig#server()}, so that client settings (a PSK to
 * present) and server settings (a PSK store) cannot be mixed up: the other side's setters do not
 * compile.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract sealed class DtlsBuilder<B extends DtlsBuilder<B>>
        permits DtlsConfig.ClientBuilder, DtlsConfig.ServerBuilder {
    String pskIdentity;
    byte[] pskKey;
    PskStore pskStore;
    PrivateKey privateKey;
    List<X509Certificate> certificateChain = List.of();
    PublicKey rawPublicKey;
    final List<X509Certificate> trustedCertificates = new ArrayList<>();
    final List<PublicKey> trustedKeys = new ArrayList<>();
    java.util.function.Predicate<PublicKey> keyTrust;
    boolean trustAll;
    String serverName;
    ClientAuth clientAuth;
    List<String> cipherSuites = List.of();
    int connectionIdLength = 6;
    boolean connectionId;
    boolean resumption = true;
    int maxHandshakes = 100;
    int maxHandshakesPerAddress = 4;
    Duration cookieLifetime = Duration.ofSeconds(60);
    boolean resumeWithoutCookie = true;
    Duration connectionIdMoveQuiet = Duration.ofSeconds(2);
    int maxSessions = 10_000;
    int evictionNotices = 100;
    Duration sessionIdleTimeout = Duration.ofMinutes(30);
    Duration handshakeTimeout = Duration.ofSeconds(30);
    Duration handshakeRetransmission = Duration.ofSeconds(1);
    Duration staleHandshake = Duration.ofSeconds(5);
    int maxHandshakeMessageSize = 8192;
    int maxHandshakeFragments = 256;
    int maxPendingMessages = 32;
    int maxDatagramSize = 1400;
    int sessionCacheSize = 1000;
    Duration resumeAfterIdle = Duration.ofMinutes(4);
    ConnectionIdGenerator connectionIdGenerator = ConnectionIdGenerator.random();
    ResumptionCache resumptionCache;

    java.util.function.BiConsumer<java.net.InetSocketAddress, String> handshakeFailures = (peer, reason) -> { };

    DtlsBuilder() {
    }

    /**
     * Told about every failed handshake (RFC 6347 §4.2) with the peer's address and the reason (an
     * alert such as {@code decrypt_error}, a timeout, ...; never key material), e.g. to log it. Runs
     * on a handshake thread: it must return quickly; what it throws is ignored. Default: nothing
     * (the library logs failures at DEBUG).
     */
    public B onHandshakeFailure(java.util.function.BiConsumer<java.net.InetSocketAddress, String> listener) {
        this.handshakeFailures = Objects.requireNonNull(listener, "listener");
        return self();
    }

    /** This builder, as its concrete type. */
    @SuppressWarnings("unchecked")
    final B self() {
        return (B) this;
    }

    /** Whether it builds a server configuration. */
    abstract boolean isServer();

    /** Own X.509 credentials: the private key and its chain, leaf first (RFC 7252 §9.1.3.3). */
    public B certificate(PrivateKey key, List<X509Certificate> chain) {
        Objects.requireNonNull(key, "key");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
        this.privateKey = key;
        this.certificateChain = List.copyOf(chain);
        this.rawPublicKey = null;
        return self();
    }

    /** Own raw public key credentials (RFC 7250, RFC 7252 §9.1.3.2): an EC secp256r1 key pair. */
    public B rawPublicKey(KeyPair keyPair) {
        this.privateKey = Objects.requireNonNull(keyPair.getPrivate(), "private key");
        this.rawPublicKey = Objects.requireNonNull(keyPair.getPublic(), "public key");
        this.certificateChain = List.of();
        return self();
    }

    /** Trust anchors for peer certificates (added to those given before). */
    public B trustedCertificates(List<X509Certificate> anchors) {
        this.trustedCertificates.addAll(anchors);
        return self();
    }

    /** Raw public keys peers may present (added to those given before). */
    public B trustedKeys(List<PublicKey> keys) {
        this.trustedKeys.addAll(keys);
        return self();
    }

    /**
     * Decides per handshake which raw public keys (RFC 7250) peers may present, besides
     * {@link #trustedKeys(List)}: e.g. a lookup in a device store that changes at run time. It runs on
     * a handshake thread and must return quickly; an exception counts as "not trusted" (the handshake
     * fails with {@code bad_certificate}). Certificates are not affected.
     */
    public B keyTrust(java.util.function.Predicate<PublicKey> trust) {
        this.keyTrust = Objects.requireNonNull(trust, "trust");
        return self();
    }

    /** Accepts any peer certificate or raw public key without verification. For testing only. */
    public B trustAll(boolean trustAll) {
        this.trustAll = trustAll;
        return self();
    }

    /**
     * Restricts the cipher suites, by IANA name (e.g. {@code TLS_PSK_WITH_AES_128_CCM_8}), in
     * order of preference: a client offers them in this order, a server picks the first the
     * client offers.
     */
    public B cipherSuites(List<String> names) {
        for (String n : names) {
            if (dev.tern.coap.dtls.internal.CipherSuites.code(n) < 0) {
                throw new IllegalArgumentException("unsupported cipher suite " + n + "; supported: "
                        + dev.tern.coap.dtls.internal.CipherSuites.names());
            }
        }
        this.cipherSuites = List.copyOf(names);
        return self();
    }

    /** Whether sessions are resumed with an abbreviated handshake. Default true. */
    public B resumption(boolean resume) {
        this.resumption = resume;
        return self();
    }

    /** Concurrent handshakes (at least 1). Default 100. */
    public B maxHandshakes(int n) {
        this.maxHandshakes = positive(n, "maxHandshakes");
        return self();
    }

    /** Established sessions (at least 1). Default 10 000. */
    public B maxSessions(int n) {
        this.maxSessions = positive(n, "maxSessions");
        return self();
    }

    /**
     * At most this many sessions evicted at the {@link #maxSessions} cap per second get a
     * close_notify; beyond, they are dropped silently (0: never). Default 100.
     */
    public B evictionNotices(int perSecond) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("evictionNotices must not be negative: " + perSecond);
        }
        this.evictionNotices = perSecond;
        return self();
    }

    /** Idle time after which a session is removed. Default 30 min. */
    public B sessionIdleTimeout(Duration d) {
        this.sessionIdleTimeout = positive(d, "sessionIdleTimeout");
        return self();
    }

    /** Time a handshake may take. Default 30 s. */
    public B handshakeTimeout(Duration d) {
        this.handshakeTimeout = positive(d, "handshakeTimeout");
        return self();
    }

    /**
     * How long a handshake flight waits for the peer's answer before it is sent again; the wait
     * doubles with each retransmission up to 60 s (RFC 6347 §4.2.4.1, which recommends 1 s, the
     * RFC 6298 minimum). Lower it only where round trips are known to be short (loopback, tests).
     * 1 ms .. 60 s. Default 1 s.
     */
    public B handshakeRetransmission(Duration d) {
        Objects.requireNonNull(d, "handshakeRetransmission");
        if (d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("handshakeRetransmission must be 1 ms .. 60 s: " + d);
        }
        this.handshakeRetransmission = d;
        return self();
    }

    /** Age (from its start) after which a handshake may be replaced at the cap. Default 5 s. */
    public B staleHandshake(Duration d) {
        this.staleHandshake = positive(d, "staleHandshake");
        return self();
    }

    /** Largest declared handshake message, 256..65536. Default 8192. */
    public B maxHandshakeMessageSize(int bytes) {
        if (bytes < 256 || bytes > 65536) {
            throw new IllegalArgumentException("maxHandshakeMessageSize must be 256..65536: " + bytes);
        }
        this.maxHandshakeMessageSize = bytes;
        return self();
    }

    /** Handshake fragments per handshake. Default 256. */
    public B maxHandshakeFragments(int n) {
        this.maxHandshakeFragments = positive(n, "maxHandshakeFragments");
        return self();
    }

    /** Largest datagram sent, 256..16384. Default 1400. */
    public B maxDatagramSize(int bytes) {
        if (bytes < 256 || bytes > 16384) {
            throw new IllegalArgumentException("maxDatagramSize must be 256..16384: " + bytes);
        }
        this.maxDatagramSize = bytes;
        return self();
    }

    static int positive(int n, String what) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " must be at least 1: " + n);
        }
        return n;
    }

    static Duration positive(Duration d, String what) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d;
    }

    /** The configuration. */
    public final DtlsConfig build() {
        if (rawPublicKey != null && !"EC".equals(rawPublicKey.getAlgorithm())) {
            throw new IllegalArgumentException("raw public keys must be EC (secp256r1), not "
                    + rawPublicKey.getAlgorithm());
        }
        return new DtlsConfig(this);
    }
}
