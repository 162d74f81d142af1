package dev.tern.coap.dtls.internal;

import dev.tern.coap.CoapSecurityException;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.dtls.DtlsSession;
import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.Transport;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSRecordCallback;
import org.bouncycastle.tls.DTLSRecordFlags;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramSender;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.bouncycastle.util.encoders.Hex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DTLS 1.2 between the CoAP engine and a datagram transport, for a server or a client.
 *
 * <p>Threads: all session tables live on the endpoint's {@link Scheduler} thread, like the rest of
 * the engine. A handshake runs BouncyCastle's blocking protocol on a handshake thread, fed from the
 * scheduler thread through the session's bounded inbox; when it completes, the session moves to the
 * scheduler thread, which from then on decrypts each record in place and encrypts each message as
 * it is sent, without a thread per session.
 *
 * <p>What reaches BouncyCastle: every datagram first passes {@link RecordFilter}. A datagram from an
 * address without a session creates nothing unless it is a ClientHello with a valid cookie
 * (RFC 6347 §4.2.1; the cookie check is stateless); then the handshake cap, the session cap (the
 * idlest session makes room) and the handshake fragment cap apply. Records with a Connection ID
 * (RFC 9146) find their session by it, and an authenticated newer record from a new address moves
 * the session there (the old address stays an alias for messages still addressed to it).
 */
public final class DtlsTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(DtlsTransport.class);
    /** Thrown by a session's datagram source when the one datagram being decrypted is used up. */
    private static final InterruptedIOException NO_DATAGRAM = new InterruptedIOException("no datagram") {
        private static final long serialVersionUID = 1L;

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };
    private static final int INBOX = 64;
    private static final int MAX_ALIASES = 4;
    private static final int HANDSHAKE_RECEIVE_LIMIT = RecordFilter.MAX_RECORD + 64;

    private final DtlsContext shared;
    private final Transport datagrams;
    private final Scheduler scheduler;
    private final HashMap<InetSocketAddress, Session> byAddress = new HashMap<>();
    /**
     * Sessions by the CID they were issued, shared by the endpoints of a layer (so that a session
     * found on another I/O thread's socket after a NAT rebinding is handed to its owner); written by
     * handshake threads when they issue a CID, before the ServerHello carrying it leaves.
     */
    private final ConcurrentHashMap<ByteBuffer, Session> byCid;
    private final byte[] plain = new byte[RecordFilter.MAX_RECORD + 256];
    /**
     * Established sessions, least recently active first (every record received or sent moves its
     * session to the end), so the idlest one is found without a scan when the session cap is reached.
     */
    private Session idlest;
    private Session busiest;
    private int handshakes;
    private int sessions;
    private Receiver receiver;
    private Scheduler.Cancellable sweeper;
    private volatile boolean closed;

    private final Runnable onClose;
    private final EndpointMetrics metrics;

    /** A transport over {@code datagrams}; {@code onClose} runs once when it is closed. */
    public DtlsTransport(DtlsContext shared, Transport datagrams, Scheduler scheduler, Runnable onClose) {
        this(shared, datagrams, scheduler, onClose, EndpointMetrics.NONE);
    }

    /** A transport over {@code datagrams} telling {@code metrics} of handshakes and sessions. */
    public DtlsTransport(DtlsContext shared, Transport datagrams, Scheduler scheduler, Runnable onClose,
                         EndpointMetrics metrics) {
        this.metrics = metrics;
        this.shared = shared;
        this.datagrams = datagrams;
        this.scheduler = scheduler;
        this.onClose = onClose;
        this.byCid = shared.sessionsByCid();
    }

    @Override
    public void start(Receiver r) {
        this.receiver = r;
        datagrams.start(this::onDatagram);
        scheduler.execute(this::scheduleSweep);
    }

    @Override
    public InetSocketAddress localAddress() {
        return datagrams.localAddress();
    }

    @Override
    public PeerIdentity peerIdentity(InetSocketAddress peer) {
        Session s = byAddress.get(peer);
        return s == null || s.dtls == null ? null : s.result.identity();
    }

    // ---------------------------------------------------------------- receiving

    private void onDatagram(byte[] data, int length, InetSocketAddress source, boolean multicast) {
        if (multicast || closed) {
            return; // no DTLS over multicast (RFC 7252 §9.1)
        }
        int verdict = RecordFilter.inspect(data, 0, length, shared.config.maxHandshakeMessageSize(),
                shared.server ? shared.config.connectionIdLength() : 0);
        if (verdict == RecordFilter.DROP) {
            shared.datagramsDropped.incrementAndGet();
            return;
        }
        Session s;
        if ((verdict & RecordFilter.CID) != 0) {
            s = byCid.get(ByteBuffer.wrap(data, 11, shared.config.connectionIdLength()).slice());
            if (s != null && s.owner() != this) {
                // SO_REUSEPORT hashed the peer's new address to another I/O thread: hand the datagram over
                DtlsTransport owner = s.owner();
                byte[] copy = java.util.Arrays.copyOf(data, length);
                owner.scheduler.execute(() -> owner.onDatagram(copy, copy.length, source, false));
                return;
            }
        } else {
            s = byAddress.get(source);
        }
        boolean clientHello = (verdict & RecordFilter.CLIENT_HELLO) != 0;
        if (s != null && s.dtls != null && clientHello && !s.address.equals(source)) {
            s.aliases.remove(source); // a new peer on an address a moved session used to have
            byAddress.remove(source, s);
            s = null;
        }
        if (s == null || (s.dtls != null && clientHello)) {
            // a new peer, or one that starts over on the same address (RFC 6347 §4.2.8)
            if (shared.server && clientHello) {
                startServerHandshake(data, length, source, s);
            } else {
                shared.datagramsDropped.incrementAndGet();
            }
            return;
        }
        if (s.dtls == null) {
            s.fragments += RecordFilter.fragments(verdict);
            if (s.fragments > shared.config.maxHandshakeFragments()) {
                LOG.debug("DTLS handshake with {} aborted: more than {} handshake fragments", s.address,
                        shared.config.maxHandshakeFragments());
                remove(s);
                return;
            }
            s.lastHandshakeDatagram = scheduler.nanoTime();
            if (!s.inbox.offer(new Early(java.util.Arrays.copyOf(data, length), source))) {
                shared.datagramsDropped.incrementAndGet();
            }
            return;
        }
        decrypt(s, data, length, source);
    }

    /** Decrypts the records of one datagram of an established session and hands their plaintext up. */
    private void decrypt(Session s, byte[] data, int length, InetSocketAddress source) {
        s.slot = data;
        s.slotLength = length;
        s.slotSource = source;
        try {
            int n = s.dtls.receive(plain, 0, plain.length, 1, s);
            while (n >= 0) {
                touch(s);
                s.lastReceived = s.lastActivity;
                shared.recordsDelivered.increment();
                receiver.onDatagram(plain, n, s.address, false);
                if (s.dtls == null) {
                    return; // removed meanwhile
                }
                n = s.dtls.receivePending(plain, 0, plain.length, s);
            }
        } catch (InterruptedIOException e) {
            // the datagram is used up
        } catch (IOException | RuntimeException e) {
            LOG.debug("DTLS session with {} failed: {}", s.address, describe(e));
            remove(s);
            return;
        } finally {
            s.slot = null;
            s.slotSource = null;
        }
        if (s.closed) {
            LOG.debug("DTLS session with {} closed by the peer", s.address);
            remove(s); // close_notify
        }
    }

    // ---------------------------------------------------------------- sending

    @Override
    public void send(byte[] data, int length, InetSocketAddress destination) {
        if (closed) {
            return;
        }
        Session s = byAddress.get(destination);
        if (s != null && !shared.server && s.dtls != null
                && scheduler.nanoTime() - s.lastReceived > shared.config.resumeAfterIdle().toNanos()) {
            // the server may have dropped a session this quiet (libcoap after 300 s): start over, resuming
            LOG.debug("DTLS session with {} idle for long: new handshake before sending", destination);
            remove(s);
            s = null;
        }
        if (s == null) {
            if (shared.server) {
                shared.datagramsDropped.incrementAndGet(); // no session (expired or evicted): the client re-handshakes
                return;
            }
            s = startClientHandshake(destination);
            if (s == null) {
                return;
            }
        }
        if (s.dtls == null) {
            if (!shared.server && s.pending.size() < shared.config.maxPendingMessages()) {
                s.pending.add(java.util.Arrays.copyOf(data, length));
            }
            return;
        }
        try {
            s.dtls.send(data, 0, length);
            touch(s);
        } catch (IOException | RuntimeException e) {
            LOG.debug("DTLS send to {} failed: {}", destination, describe(e));
            remove(s);
        }
    }

    // ---------------------------------------------------------------- handshakes

    private void startServerHandshake(byte[] data, int length, InetSocketAddress source, Session existing) {
        DTLSRequest request = shared.verifyCookie(source, data, length, new DatagramSender() {
            @Override
            public int getSendLimit() {
                return shared.config.maxDatagramSize();
            }

            @Override
            public void send(byte[] buf, int off, int len) {
                datagrams.send(off == 0 ? buf : java.util.Arrays.copyOfRange(buf, off, off + len), len, source);
            }
        });
        if (request == null) {
            return; // a HelloVerifyRequest went out, or it was not a ClientHello: no state either way
        }
        if (existing != null) {
            // the peer proved its address again: the old association goes (RFC 6347 §4.2.8), without
            // a close_notify: under the old keys, to an address whose peer is now in a new handshake,
            // it could only be discarded there
            remove(existing, false);
        }
        if (handshakes >= shared.config.maxHandshakes() && !replaceStaleHandshake()) {
            shared.handshakesRejected.incrementAndGet();
            LOG.debug("DTLS handshake from {} dropped: {} handshakes in progress", source, handshakes);
            return;
        }
        if (sessions >= shared.config.maxSessions()) {
            evictIdlest();
        }
        Session s = new Session(source);
        admit(s);
        try {
            shared.handshakeThreads.execute(() -> runServerHandshake(s, request));
        } catch (RejectedExecutionException e) {
            remove(s);
        }
    }

    private Session startClientHandshake(InetSocketAddress server) {
        if (handshakes >= shared.config.maxHandshakes() && !replaceStaleHandshake()) {
            shared.handshakesRejected.incrementAndGet();
            receiver.onPeerFailure(server, new CoapSecurityException("too many DTLS handshakes in progress ("
                    + shared.config.maxHandshakes() + ")"));
            return null;
        }
        if (sessions >= shared.config.maxSessions()) {
            evictIdlest();
        }
        Session s = new Session(server);
        admit(s);
        try {
            shared.handshakeThreads.execute(() -> runClientHandshake(s));
        } catch (RejectedExecutionException e) {
            remove(s);
            return null;
        }
        return s;
    }

    private void admit(Session s) {
        byAddress.put(s.address, s);
        handshakes++;
        s.lastHandshakeDatagram = scheduler.nanoTime();
    }

    /** Runs on a handshake thread. */
    private void runServerHandshake(Session s, DTLSRequest request) {
        TernTlsServer tls = new TernTlsServer(shared, () -> issueConnectionId(s));
        try {
            DTLSTransport t = new DTLSServerProtocol().accept(tls, s, request);
            scheduler.execute(() -> established(s, t, tls.result()));
        } catch (IOException | RuntimeException e) {
            scheduler.execute(() -> handshakeFailed(s, e));
        }
    }

    /** Runs on a handshake thread. */
    private void runClientHandshake(Session s) {
        TernTlsClient tls = new TernTlsClient(shared, s.address);
        try {
            DTLSTransport t = new DTLSClientProtocol().connect(tls, s);
            scheduler.execute(() -> established(s, t, tls.result()));
        } catch (TlsTimeoutException e) {
            Exception reason = tls.keyExchangeStarted() ? new SilentAfterKeyExchange(e) : e;
            scheduler.execute(() -> handshakeFailed(s, reason));
        } catch (IOException | RuntimeException e) {
            scheduler.execute(() -> handshakeFailed(s, e));
        }
    }

    /** A handshake thread picks a fresh CID and makes it known before the ServerHello carries it. */
    private byte[] issueConnectionId(Session s) {
        byte[] cid = new byte[shared.config.connectionIdLength()];
        do {
            shared.crypto.getSecureRandom().nextBytes(cid);
        } while (byCid.putIfAbsent(ByteBuffer.wrap(cid.clone()), s) != null);
        s.issuedCid = cid.clone();
        return cid;
    }

    private void established(Session s, DTLSTransport t, HandshakeResult result) {
        if (s.closed || byAddress.get(s.address) != s) {
            closeQuietly(t); // evicted or closed while the last flight was in the air
            return;
        }
        handshakes--;
        sessions++;
        shared.handshakesCompleted.incrementAndGet();
        metrics.handshakeCompleted(result.resumed());
        metrics.sessionOpened();
        s.result = result;
        s.info = new DtlsSession(s.address, result.identity(), result.cipherSuite(),
                Hex.toHexString(result.connectionId()), result.resumed());
        s.dtls = t;
        touch(s);
        s.lastReceived = s.lastActivity;
        LOG.debug("DTLS session with {}: {}", s.address, s.info);
        Early early;
        while (s.dtls != null && (early = s.inbox.poll()) != null) {
            // arrived while the handshake thread finished, perhaps from a new address already (CID)
            decrypt(s, early.data, early.data.length, early.source);
        }
        byte[] message;
        while (s.dtls != null && (message = s.pending.poll()) != null) {
            send(message, message.length, s.address);
        }
    }

    private void handshakeFailed(Session s, Exception e) {
        shared.handshakesFailed.incrementAndGet();
        metrics.handshakeFailed(failureReason(e));
        boolean current = byAddress.get(s.address) == s;
        if (current) {
            remove(s);
        }
        String reason = describe(e);
        LOG.debug("DTLS handshake with {} failed: {}", s.address, reason);
        if (!shared.server && current && !closed) {
            receiver.onPeerFailure(s.address, new CoapSecurityException("DTLS handshake with "
                    + s.address.getHostString() + ":" + s.address.getPort() + " failed: " + reason, e));
        }
    }

    /** At the handshake cap: the handshake silent for longest gives way if it is stale. */
    private boolean replaceStaleHandshake() {
        long now = scheduler.nanoTime();
        Session stalest = null;
        for (Session s : byAddress.values()) {
            if (s.dtls == null && s.address.equals(s.home)
                    && (stalest == null || s.lastHandshakeDatagram < stalest.lastHandshakeDatagram)) {
                stalest = s;
            }
        }
        if (stalest == null || now - stalest.lastHandshakeDatagram < shared.config.staleHandshake().toNanos()) {
            return false;
        }
        LOG.debug("stale DTLS handshake with {} replaced", stalest.address);
        remove(stalest);
        return true;
    }

    private void evictIdlest() {
        Session s = idlest;
        while (s != null && !s.address.equals(s.home)) {
            s = s.busier; // a session that moved (Connection ID) is not evicted for a new one
        }
        if (s != null) {
            LOG.debug("DTLS session with {} evicted for a new one ({} sessions)", s.address, sessions);
            remove(s);
        }
    }

    /** An established session was active now: it becomes the most recently active one. */
    private void touch(Session s) {
        s.lastActivity = scheduler.nanoTime();
        if (busiest == s) {
            return;
        }
        if (s.busier != null || s.idler != null || idlest == s) {
            unlink(s);
        }
        s.idler = busiest;
        if (busiest != null) {
            busiest.busier = s;
        } else {
            idlest = s;
        }
        busiest = s;
    }

    private void unlink(Session s) {
        if (s.idler != null) {
            s.idler.busier = s.busier;
        } else if (idlest == s) {
            idlest = s.busier;
        }
        if (s.busier != null) {
            s.busier.idler = s.idler;
        } else if (busiest == s) {
            busiest = s.idler;
        }
        s.idler = null;
        s.busier = null;
    }

    /**
     * Forgets {@code s} everywhere; a handshake thread working on it fails at its next receive. An
     * established session sends its peer a close_notify.
     */
    private void remove(Session s) {
        remove(s, true);
    }

    /**
     * Forgets {@code s} everywhere; {@code closeNotify} false drops an established session's
     * BouncyCastle transport without closing it, so no close_notify is encrypted and sent (it holds no
     * other resource: its datagram transport is {@code s}).
     */
    private void remove(Session s, boolean closeNotify) {
        if (s.removed) {
            return;
        }
        s.removed = true;
        s.closed = true;
        byAddress.remove(s.home, s);
        byAddress.remove(s.address, s);
        for (InetSocketAddress alias : s.aliases) {
            byAddress.remove(alias, s);
        }
        if (s.issuedCid != null) {
            byCid.remove(ByteBuffer.wrap(s.issuedCid), s);
        }
        if (s.dtls != null) {
            sessions--;
            metrics.sessionClosed();
            unlink(s);
            DTLSTransport t = s.dtls;
            s.dtls = null;
            if (closeNotify) {
                closeQuietly(t);
            }
        } else {
            handshakes--;
        }
        s.pending.clear();
        s.inbox.clear();
    }

    private static void closeQuietly(DTLSTransport t) {
        try {
            t.close();
        } catch (IOException | RuntimeException e) {
            // already gone
        }
    }

    // ---------------------------------------------------------------- idle sessions

    private void scheduleSweep() {
        long idle = shared.config.sessionIdleTimeout().toNanos();
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(100), Math.min(idle / 4, TimeUnit.SECONDS.toNanos(10)));
        sweeper = scheduler.schedule(() -> {
            sweep(idle);
            if (!closed) {
                scheduleSweep();
            }
        }, period);
    }

    private void sweep(long idleNanos) {
        long now = scheduler.nanoTime();
        long handshakeLimit = shared.config.handshakeTimeout().toNanos();
        List<Session> expired = new ArrayList<>();
        for (Session s : byAddress.values()) {
            if (s.dtls != null ? now - s.lastActivity > idleNanos
                    : now - s.lastHandshakeDatagram > handshakeLimit + TimeUnit.SECONDS.toNanos(1)) {
                expired.add(s);
            }
        }
        for (Session s : expired) {
            LOG.debug("DTLS {} with {} removed after inactivity", s.dtls != null ? "session" : "handshake", s.address);
            remove(s);
        }
    }

    // ---------------------------------------------------------------- introspection

    /** The established session with {@code peer}, or null. Thread-safe (a snapshot). */
    public DtlsSession session(InetSocketAddress peer) {
        if (scheduler.inSchedulerThread()) {
            Session s = byAddress.get(peer);
            return s == null ? null : s.info;
        }
        return onScheduler(() -> session(peer));
    }

    /** Every established session. Thread-safe (a snapshot). */
    public List<DtlsSession> sessions() {
        if (scheduler.inSchedulerThread()) {
            List<DtlsSession> all = new ArrayList<>();
            for (Map.Entry<InetSocketAddress, Session> e : byAddress.entrySet()) {
                if (e.getValue().info != null && e.getKey().equals(e.getValue().address)) {
                    all.add(e.getValue().info);
                }
            }
            return all;
        }
        return onScheduler(this::sessions);
    }

    /** Handshakes in progress and established sessions. Thread-safe (a snapshot). */
    public int[] counts() {
        if (scheduler.inSchedulerThread()) {
            return new int[] {handshakes, sessions};
        }
        return onScheduler(this::counts);
    }

    private <T> T onScheduler(java.util.function.Supplier<T> task) {
        java.util.concurrent.CompletableFuture<T> f = new java.util.concurrent.CompletableFuture<>();
        scheduler.execute(() -> f.complete(task.get()));
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the endpoint's thread did not answer", e);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        onClose.run();
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        Runnable closeAll = () -> {
            if (sweeper != null) {
                sweeper.cancel();
            }
            for (Session s : new ArrayList<>(byAddress.values())) {
                remove(s); // established ones send close_notify
            }
            done.complete(null);
        };
        if (scheduler.inSchedulerThread()) {
            closeAll.run();
        } else {
            scheduler.execute(closeAll);
            try {
                done.get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // closing anyway
            }
        }
        datagrams.close();
    }

    /**
     * A metric tag for a failed handshake: the alert's name (RFC 5246 §7.2, e.g. {@code decrypt_error}),
     * {@code timeout}, {@code closed} or {@code other}; a small fixed set, whatever the peer sends.
     */
    static String failureReason(Throwable e) {
        if (e instanceof TlsFatalAlertReceived r) {
            return AlertDescription.getName(r.getAlertDescription());
        }
        if (e instanceof TlsFatalAlert f) {
            return AlertDescription.getName(f.getAlertDescription());
        }
        if (e instanceof TlsTimeoutException || e instanceof SilentAfterKeyExchange) {
            return "timeout";
        }
        return e instanceof ClosedSession ? "closed" : "other";
    }

    /** A short human reason for a failed handshake or session. */
    String describe(Throwable e) {
        if (e instanceof TlsFatalAlertReceived r) {
            short a = r.getAlertDescription();
            String hint = switch (a) {
                case AlertDescription.decrypt_error, AlertDescription.bad_record_mac ->
                        " (wrong pre-shared key or identity?)";
                case AlertDescription.unknown_psk_identity -> " (the peer does not know this PSK identity)";
                case AlertDescription.handshake_failure -> " (no common cipher suite or credentials?)";
                case AlertDescription.bad_certificate, AlertDescription.unknown_ca,
                        AlertDescription.certificate_unknown -> " (the peer does not trust our certificate or key)";
                default -> "";
            };
            return "the peer sent alert " + AlertDescription.getText(a) + hint;
        }
        if (e instanceof TlsFatalAlert f) {
            String m = f.getMessage();
            String text = AlertDescription.getText(f.getAlertDescription());
            if (f.getAlertDescription() == AlertDescription.decrypt_error) {
                return "the peer's Finished did not verify: " + text + " (wrong pre-shared key?)";
            }
            String detail = m != null && m.startsWith(text + "; ") ? m.substring(text.length() + 2) : null;
            return detail != null ? detail + " (" + text + ")" : text;
        }
        if (e instanceof TlsTimeoutException || e instanceof SilentAfterKeyExchange) {
            String within = "no handshake response within " + shared.config.handshakeTimeout().toSeconds() + " s";
            return e instanceof SilentAfterKeyExchange ? within + ": " + e.getMessage() : within;
        }
        if (e instanceof ClosedSession) {
            return "the session was closed";
        }
        return e.toString();
    }

    /** A session's datagram source and sink given to BouncyCastle during a handshake and after. */
    final class Session implements DatagramTransport, DTLSRecordCallback {
        /** Where the handshake came from; stays the key of the session in the address table. */
        final InetSocketAddress home;
        volatile InetSocketAddress address;
        final ArrayBlockingQueue<Early> inbox = new ArrayBlockingQueue<>(INBOX);
        final ArrayDeque<byte[]> pending = new ArrayDeque<>();
        final List<InetSocketAddress> aliases = new ArrayList<>(0);
        volatile boolean closed;
        boolean removed;
        DTLSTransport dtls;
        HandshakeResult result;
        volatile DtlsSession info;
        volatile byte[] issuedCid;
        int fragments;
        long lastActivity;
        long lastReceived;
        /** Neighbours in the transport's activity order of established sessions. */
        Session idler;
        Session busier;
        volatile long lastHandshakeDatagram;
        byte[] slot;
        int slotLength;
        InetSocketAddress slotSource;

        Session(InetSocketAddress address) {
            this.home = address;
            this.address = address;
        }

        DtlsTransport owner() {
            return DtlsTransport.this;
        }

        @Override
        public int getReceiveLimit() {
            return slot != null && scheduler.inSchedulerThread() ? Math.max(slotLength, RecordFilter.HEADER)
                    : HANDSHAKE_RECEIVE_LIMIT;
        }

        @Override
        public int getSendLimit() {
            return shared.config.maxDatagramSize();
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            if (scheduler.inSchedulerThread()) {
                byte[] d = slot;
                if (d == null) {
                    throw NO_DATAGRAM;
                }
                slot = null;
                int n = slotLength;
                System.arraycopy(d, 0, buf, off, Math.min(n, len));
                return n;
            }
            // a handshake thread: wait for the scheduler thread to hand a datagram over
            long wait = waitMillis <= 0 ? 1000 : Math.min(waitMillis, 1000);
            Early next;
            try {
                next = inbox.poll(wait, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClosedSession();
            }
            if (closed) {
                throw new ClosedSession();
            }
            if (next == null) {
                return -1;
            }
            System.arraycopy(next.data, 0, buf, off, Math.min(next.data.length, len));
            return next.data.length;
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            InetSocketAddress to = address;
            if (scheduler.inSchedulerThread()) {
                datagrams.send(off == 0 ? buf : java.util.Arrays.copyOfRange(buf, off, off + len), len, to);
            } else if (!closed) {
                byte[] copy = java.util.Arrays.copyOfRange(buf, off, off + len);
                scheduler.execute(() -> datagrams.send(copy, copy.length, to));
            }
        }

        @Override
        public void close() {
            closed = true;
        }

        /** RFC 9146 §6: a newer authenticated record with our CID from a new address moves the session. */
        @Override
        public void recordAccepted(int flags) {
            InetSocketAddress from = slotSource;
            if (from == null || from.equals(address) || (flags & DTLSRecordFlags.IS_NEWEST) == 0
                    || (flags & DTLSRecordFlags.USES_CONNECTION_ID) == 0) {
                return;
            }
            LOG.debug("DTLS session {} moved from {} to {} (Connection ID)", info, address, from);
            Session other = byAddress.get(from);
            if (other != null && other != this) {
                remove(other);
            }
            aliases.add(address);
            if (aliases.size() > MAX_ALIASES) {
                byAddress.remove(aliases.remove(0), this);
            }
            address = from;
            byAddress.put(from, this);
            DtlsSession i = info;
            if (i != null) {
                info = new DtlsSession(from, i.peerIdentity(), i.cipherSuite(), i.connectionId(), i.resumed());
            }
        }
    }

    /** A datagram for a session still in its handshake, and where it came from. */
    private record Early(byte[] data, InetSocketAddress source) {
    }

    /** A client handshake timed out after the server had answered the hello: likely other credentials. */
    private static final class SilentAfterKeyExchange extends IOException {
        private static final long serialVersionUID = 1L;

        SilentAfterKeyExchange(TlsTimeoutException cause) {
            super("the server went silent after the key exchange (servers such as libcoap's do when the"
                    + " pre-shared key or the client credentials differ)", cause);
        }
    }

    /** The handshake's session was closed or evicted from the scheduler thread. */
    private static final class ClosedSession extends IOException {
        private static final long serialVersionUID = 1L;

        ClosedSession() {
            super("the session was closed");
        }
    }
}
