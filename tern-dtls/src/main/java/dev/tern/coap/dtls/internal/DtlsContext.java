package dev.tern.coap.dtls.internal;

import dev.tern.coap.dtls.DtlsConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.DatagramSender;
import org.bouncycastle.tls.SessionParameters;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * What the transports of one {@link dev.tern.coap.dtls.DtlsLayer} share: the configuration and
 * credentials, the crypto, the cookie secret (RFC 6347 §4.2.1, rotated), the session caches for
 * resumption, the handshake threads and the counters. Thread-safe.
 */
public final class DtlsContext {

    final DtlsConfig config;
    final boolean server;
    final BcTlsCrypto crypto;
    final Credentials credentials;
    final ExecutorService handshakeThreads;
    private final java.util.concurrent.ConcurrentHashMap<java.nio.ByteBuffer, Session> sessionsByCid =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Server: session parameters by session ID, each with a master secret of its own. */
    private final Map<dev.tern.coap.Bytes, SessionParameters> serverSessions;
    private final Map<InetSocketAddress, TlsSession> clientSessions;
    private volatile DTLSVerifier cookies;
    private volatile DTLSVerifier previousCookies;
    private volatile long cookiesSince = System.nanoTime();
    /** The cookie secret changes this often; a cookie from the previous secret is still accepted. */
    private final long cookieRotationNanos;

    /** Counters, for tests and metrics. */
    final AtomicLong helloVerifyRequests = new AtomicLong();
    final AtomicLong handshakesCompleted = new AtomicLong();
    final AtomicLong handshakesFailed = new AtomicLong();
    final AtomicLong handshakesRejected = new AtomicLong();
    final AtomicLong handshakesResumed = new AtomicLong();
    final AtomicLong resumedInPlace = new AtomicLong();
    final AtomicLong fullInPlace = new AtomicLong();
    final AtomicLong datagramsDropped = new AtomicLong();
    final java.util.concurrent.atomic.LongAdder recordsDelivered = new java.util.concurrent.atomic.LongAdder();

    public DtlsContext(DtlsConfig config, boolean server) {
        this.config = config;
        this.server = server;
        this.crypto = new TernCrypto(new SecureRandom());
        this.credentials = new Credentials(config, crypto);
        this.cookies = new DTLSVerifier(crypto);
        this.cookieRotationNanos = config.cookieLifetime().toNanos() / 2;
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "tern-dtls-handshake-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.handshakeThreads = pool;
        int cache = config.sessionCacheSize();
        this.serverSessions = lru(cache);
        this.clientSessions = lru(Math.max(cache, 16));
    }

    private static <K, V> Map<K, V> lru(int capacity) {
        return java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        });
    }

    /**
     * The stateless cookie exchange: a ClientHello with a valid cookie (from the current or the
     * previous secret) gives a request to start a handshake with; otherwise a HelloVerifyRequest
     * goes to {@code out} (unless the datagram is not a ClientHello at all) and nothing is kept.
     */
    DTLSRequest verifyCookie(InetSocketAddress peer, byte[] data, int length, DatagramSender out) {
        rotateCookieSecret();
        byte[] clientId = clientId(peer);
        int limit;
        try {
            limit = out.getSendLimit();
        } catch (IOException e) {
            limit = config.maxDatagramSize();
        }
        Captured hvr = new Captured(limit);
        DTLSRequest request;
        try {
            request = cookies.verifyRequest(clientId, data, 0, length, hvr);
            if (request != null || hvr.data == null) {
                return request;
            }
            DTLSVerifier previous = previousCookies;
            if (previous != null) {
                request = previous.verifyRequest(clientId, data, 0, length, new Captured(limit));
                if (request != null) {
                    return request;
                }
            }
        } catch (RuntimeException e) {
            // BouncyCastle's ClientHello parser throws unchecked exceptions for some malformed hellos
            // (e.g. IllegalArgumentException for the reserved version {0xFE, 0xFE}, found by fuzzing):
            // a malformed datagram, dropped like any other
            datagramsDropped.incrementAndGet();
            return null;
        }
        try {
            out.send(hvr.data, 0, hvr.data.length);
            helloVerifyRequests.incrementAndGet();
        } catch (IOException e) {
            // lost like any datagram
        }
        return null;
    }

    /**
     * Cookies are bound to a time window (BouncyCastle's are not): the secret changes every half
     * {@code cookieLifetime} and only the current and the previous one are accepted, so a recorded
     * cookie-bearing ClientHello cannot be replayed later than {@code cookieLifetime} (FAULTS.md A1.3).
     * After a quiet spell longer than two rotations both secrets are new.
     */
    private void rotateCookieSecret() {
        long now = System.nanoTime();
        if (now - cookiesSince > cookieRotationNanos) {
            synchronized (this) {
                long since = now - cookiesSince;
                if (since > cookieRotationNanos) {
                    previousCookies = since > 2 * cookieRotationNanos ? null : cookies;
                    cookies = new DTLSVerifier(crypto);
                    cookiesSince = now;
                }
            }
        }
    }

    private static byte[] clientId(InetSocketAddress peer) {
        byte[] ip = peer.getAddress().getAddress();
        byte[] id = new byte[ip.length + 2];
        System.arraycopy(ip, 0, id, 0, ip.length);
        id[ip.length] = (byte) (peer.getPort() >> 8);
        id[ip.length + 1] = (byte) peer.getPort();
        return id;
    }

    /** Sessions by issued Connection ID, across the layer's endpoints. */
    java.util.concurrent.ConcurrentHashMap<java.nio.ByteBuffer, Session> sessionsByCid() {
        return sessionsByCid;
    }

    /** A snapshot of the counters. */
    public dev.tern.coap.dtls.DtlsStatistics statistics() {
        return new dev.tern.coap.dtls.DtlsStatistics(helloVerifyRequests.get(), handshakesCompleted.get(),
                handshakesFailed.get(), handshakesRejected.get(), datagramsDropped.get(), recordsDelivered.sum(),
                handshakesResumed.get(), resumedInPlace.get(), fullInPlace.get());
    }

    /**
     * Server: a session to resume by its ID, or null. Each resumption gets a copy with a master
     * secret of its own: BouncyCastle invalidates the session it resumes and destroys its master
     * secret when the abbreviated handshake fails, so handing out the cached one would let any peer
     * that offers a victim's session ID (sent in clear in the ServerHello) and then fails its
     * Finished spoil the victim's resumption (FAULTS.md A2.6). The cache entry stays; only a
     * completed handshake, which proved the master secret, replaces it.
     */
    TlsSession serverSession(byte[] sessionId) {
        if (sessionId == null || sessionId.length == 0) {
            return null;
        }
        SessionParameters p = serverSessions.get(dev.tern.coap.Bytes.wrap(sessionId));
        if (p == null) {
            p = sharedSession(sessionId);
            if (p != null) {
                serverSessions.put(dev.tern.coap.Bytes.of(sessionId), p);
            }
        }
        SessionParameters copy = p == null ? null : copy(p);
        return copy == null ? null : TlsUtils.importSession(sessionId.clone(), copy);
    }

    /**
     * Server: the cached session under {@code sessionId} in this process's memory, or null; not a
     * copy, and the shared cache is not asked (it may block): for {@link QuickResumption}, which
     * reads it and changes nothing.
     */
    SessionParameters cachedServerSession(byte[] sessionId) {
        return serverSessions.get(dev.tern.coap.Bytes.wrap(sessionId));
    }

    /**
     * Server: whether the cached session {@code p} may be resumed by a ClientHello offering
     * {@code offeredSuites} and, when {@code offersEms}, Extended Master Secret: its cipher suite is
     * offered, it used Extended Master Secret only if the client offers it again (RFC 7627 §5.3), its
     * PSK identity is still in the store (no resumption outlives its key, as no restored session
     * does), and it carries a PSK identity or a client certificate when client authentication is
     * needed. BouncyCastle's handshake ({@code TernTlsServer}) and {@link QuickResumption} both ask.
     */
    boolean mayResume(SessionParameters p, int[] offeredSuites, boolean offersEms) {
        if (!org.bouncycastle.util.Arrays.contains(offeredSuites, p.getCipherSuite())
                || (p.isExtendedMasterSecret() && !offersEms)) {
            return false;
        }
        if (p.getPSKIdentity() != null) {
            return pskKey(p.getPSKIdentity()) != null;
        }
        return config.clientAuth() != dev.tern.coap.dtls.ClientAuth.NEEDED
                || (p.getPeerCertificate() != null && !p.getPeerCertificate().isEmpty());
    }

    /**
     * The PSK store's key for {@code identity} as a handshake carries it (RFC 4279 §5.1: UTF-8), or
     * null when the store does not (or no longer) know it, or there is no store.
     */
    byte[] pskKey(byte[] identity) {
        return pskKey(new String(identity, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The PSK store's key for {@code identity}, or null when it does not (or no longer) know it, or there is no store. */
    byte[] pskKey(String identity) {
        return config.pskStore() == null ? null : config.pskStore().key(identity);
    }

    /** Server: keeps {@code session} for resumption (a copy, see {@link #serverSession}). */
    void keepServerSession(TlsSession session) {
        if (config.sessionCacheSize() > 0 && session != null && session.isResumable()) {
            SessionParameters copy = copy(session.exportSessionParameters());
            if (copy != null) {
                serverSessions.put(dev.tern.coap.Bytes.of(session.getSessionID()), copy);
                config.resumptionCache().ifPresent(cache -> share(cache, session.getSessionID(), copy));
            }
        }
    }

    /** A session from the shared resumption cache, or null (none there, unreadable, or the cache failed). */
    private SessionParameters sharedSession(byte[] sessionId) {
        if (config.resumptionCache().isEmpty()) {
            return null;
        }
        try {
            return config.resumptionCache().get().get(sessionId.clone())
                    .map(state -> ResumptionRecords.decode(state, crypto).params()).orElse(null);
        } catch (RuntimeException e) {
            return null; // IllegalArgumentException for a record that does not decode: a full handshake instead
        }
    }

    /**
     * Tells the shared cache of {@code p} as a state record ({@link ResumptionRecords}, which copies
     * the master secret); sessions authenticated by a certificate or raw public key are not shared.
     */
    private void share(dev.tern.coap.dtls.ResumptionCache cache, byte[] sessionId, SessionParameters p) {
        Map.Entry<dev.tern.coap.Bytes, byte[]> record = ResumptionRecords.server(sessionId, p, crypto);
        if (record != null) {
            try {
                cache.put(sessionId.clone(), record.getValue());
            } catch (RuntimeException e) {
                // the session stays resumable on this node
            }
        }
    }

    /** {@code p} with a copy of its master secret; null if that secret is gone. */
    private SessionParameters copy(SessionParameters p) {
        TlsSecret secret = p == null ? null : p.getMasterSecret();
        if (secret == null) {
            return null;
        }
        try {
            TlsSecret own;
            synchronized (secret) {
                own = crypto.adoptSecret(secret);
            }
            java.util.Hashtable<?, ?> extensions = p.readServerExtensions(); // a raw Hashtable in BouncyCastle
            SessionParameters.Builder b = new SessionParameters.Builder().setCipherSuite(p.getCipherSuite())
                    .setExtendedMasterSecret(p.isExtendedMasterSecret()).setLocalCertificate(p.getLocalCertificate())
                    .setMasterSecret(own).setNegotiatedVersion(p.getNegotiatedVersion())
                    .setPeerCertificate(p.getPeerCertificate()).setPSKIdentity(p.getPSKIdentity())
                    .setSRPIdentity(p.getSRPIdentity());
            if (extensions != null) {
                b.setServerExtensions(extensions);
            }
            return b.build();
        } catch (IOException | RuntimeException e) {
            return null; // destroyed meanwhile, or unreadable: no resumption
        }
    }

    /** Client: the session to offer for resumption with {@code peer}, or null. */
    TlsSession clientSession(InetSocketAddress peer) {
        TlsSession s = config.resumption() ? clientSessions.get(peer) : null;
        return s != null && s.isResumable() ? s : null;
    }

    /** Client: keeps the session with {@code peer} for resumption. */
    void keepClientSession(InetSocketAddress peer, TlsSession session) {
        if (config.resumption() && session != null && session.isResumable()) {
            clientSessions.put(peer, session);
        }
    }

    /**
     * The resumption cache as state records ({@link ResumptionRecords}): the server's sessions by
     * ID, or the client's by server address.
     */
    public Map<dev.tern.coap.Bytes, byte[]> exportResumption() {
        Map<dev.tern.coap.Bytes, byte[]> out = new java.util.HashMap<>();
        if (server) {
            Map<dev.tern.coap.Bytes, SessionParameters> copy;
            synchronized (serverSessions) {
                copy = new LinkedHashMap<>(serverSessions);
            }
            copy.forEach((id, p) -> {
                Map.Entry<dev.tern.coap.Bytes, byte[]> e = ResumptionRecords.server(id.toArray(), p, crypto);
                if (e != null) {
                    out.put(e.getKey(), e.getValue());
                }
            });
        } else {
            Map<InetSocketAddress, TlsSession> copy;
            synchronized (clientSessions) {
                copy = new LinkedHashMap<>(clientSessions);
            }
            copy.forEach((peer, s) -> {
                Map.Entry<dev.tern.coap.Bytes, byte[]> e = ResumptionRecords.client(peer, s, crypto);
                if (e != null) {
                    out.put(e.getKey(), e.getValue());
                }
            });
        }
        return out;
    }

    /**
     * Takes back records {@link #exportResumption()} wrote (the cache bound applies); those of the
     * other role, or that do not decode, are skipped. The number imported.
     */
    public int importResumption(Map<dev.tern.coap.Bytes, byte[]> records) {
        int n = 0;
        for (Map.Entry<dev.tern.coap.Bytes, byte[]> r : records.entrySet()) {
            try {
                if (server && ResumptionRecords.isServer(r.getKey()) && config.sessionCacheSize() > 0) {
                    ResumptionRecords.Decoded d = ResumptionRecords.decode(r.getValue(), crypto);
                    serverSessions.put(dev.tern.coap.Bytes.of(ResumptionRecords.sessionId(r.getKey())), d.params());
                    n++;
                } else if (!server && ResumptionRecords.isClient(r.getKey()) && config.resumption()) {
                    ResumptionRecords.Decoded d = ResumptionRecords.decode(r.getValue(), crypto);
                    clientSessions.put(ResumptionRecords.address(r.getKey()), d.session(d.sessionId()));
                    n++;
                }
            } catch (IllegalArgumentException | IOException e) {
                org.slf4j.LoggerFactory.getLogger(DtlsContext.class).debug("resumption record skipped: {}",
                        e.getMessage());
            }
        }
        return n;
    }

    /** Sessions a previous process handed over, for the first transport that starts (issue 10). */
    private List<SessionSnapshot> restoredSessions = List.of();

    /** Keeps established sessions for the first transport that starts; records that do not decode are skipped. */
    public synchronized int importSessions(Map<dev.tern.coap.Bytes, byte[]> records) {
        List<SessionSnapshot> out = new java.util.ArrayList<>();
        for (Map.Entry<dev.tern.coap.Bytes, byte[]> r : records.entrySet()) {
            if (!SessionSnapshot.isSnapshot(r.getKey()) || out.size() >= config.maxSessions()) {
                continue;
            }
            try {
                out.add(SessionSnapshot.decode(r.getValue()));
            } catch (IOException | RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(DtlsContext.class).debug("session record skipped: {}", e.getMessage());
            }
        }
        restoredSessions = out;
        return out.size();
    }

    synchronized List<SessionSnapshot> takeRestoredSessions() {
        List<SessionSnapshot> out = restoredSessions;
        restoredSessions = List.of();
        return out;
    }

    /** Captures the HelloVerifyRequest the verifier would send. */
    private static final class Captured implements DatagramSender {
        private final int limit;
        byte[] data;

        Captured(int limit) {
            this.limit = limit;
        }

        @Override
        public int getSendLimit() {
            return limit;
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            data = java.util.Arrays.copyOfRange(buf, off, off + len);
        }
    }
}
