package dev.tern.coap.dtls.internal;

import dev.tern.coap.CoapSecurityException;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.dtls.DtlsSession;
import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.util.encoders.Hex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DTLS 1.2 between the CoAP engine and a datagram transport, for a server or a client.
 *
 * <p>Threads: all session tables live on the endpoint's {@link Scheduler} thread, like the rest of
 * the engine. A server runs the common handshakes there too ({@link QuickPsk}: full PSK with an AEAD
 * suite; {@link QuickResumption}: resumptions). Any other handshake runs BouncyCastle's blocking protocol on a handshake thread, fed from the
 * scheduler thread through the session's bounded inbox; when it completes, the session moves to the
 * scheduler thread, which from then on decrypts each record in place and encrypts each message as
 * it is sent, without a thread per session.
 *
 * <p>What reaches BouncyCastle: every datagram first passes {@link RecordFilter}. A datagram from an
 * address without a handshake creates nothing unless it is a ClientHello with a valid cookie
 * (RFC 6347 §4.2.1; the cookie check is stateless and time-bound); then the per-host and the total
 * handshake caps ({@link HandshakeTable}) and the handshake fragment cap apply. A handshake from an
 * address that has a session runs beside it: the session is replaced only when the new handshake's
 * Finished has verified (RFC 6347 §4.2.8), and the session cap (the idlest session makes room) is
 * applied then, not to unauthenticated peers.
 *
 * <p>Connection IDs (RFC 9146): records with a CID find their session by it. An address is held by
 * at most one session. An authenticated newest record from a new address is a hint (§6): the
 * session moves there only when that address is held by no other session or handshake and either
 * its current address has been silent for {@code connectionIdMoveQuiet} or a second such record
 * comes from the new address; until then it keeps sending to its confirmed address. The engine
 * binds its state to the session ({@link #association}), not to the address.
 */
public final class DtlsTransport implements Transport {
    private static final Logger LOG = LoggerFactory.getLogger(DtlsTransport.class);

    final DtlsContext shared;
    final Transport datagrams;
    final Scheduler scheduler;
    /** Established sessions by confirmed address: one session per address. */
    final SessionTable established = new SessionTable();
    private final Handshakes handshakes;
    /**
     * Sessions by the CID they were issued, shared by the endpoints of a layer (so that a session
     * found on another I/O thread's socket after a NAT rebinding is handed to its owner); written by
     * handshake threads when they issue a CID, before the ServerHello carrying it leaves.
     */
    final ConcurrentHashMap<ByteBuffer, Session> byCid;
    /** Decryption of the sessions' records. */
    final SessionRecords records = new SessionRecords(this);
    Receiver receiver;
    private Scheduler.Cancellable sweeper;
    private volatile boolean closed;
    /** Close_notify alerts sent to evicted sessions since {@link #noticesSince} (scheduler thread). */
    private int notices;
    private long noticesSince;

    private final Runnable onClose;
    final EndpointMetrics metrics;

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
        this.handshakes = new Handshakes(this);
        this.noticesSince = scheduler.nanoTime() - TimeUnit.SECONDS.toNanos(1);
    }

    @Override
    public void start(Receiver r) {
        this.receiver = r;
        List<SessionSnapshot> restored = shared.takeRestoredSessions();
        if (!restored.isEmpty()) {
            scheduler.execute(() -> SessionHandover.adopt(this, restored));
        }
        datagrams.start(this::onDatagram);
        scheduler.execute(this::scheduleSweep);
    }

    @Override
    public InetSocketAddress localAddress() {
        return datagrams.localAddress();
    }

    @Override
    public PeerIdentity peerIdentity(InetSocketAddress peer) {
        Session s = established.get(peer);
        return s == null ? null : s.result.identity();
    }

    /** The established session at {@code peer}: responses to its requests go out under it. */
    @Override
    public Object association(InetSocketAddress peer) {
        return established.get(peer);
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
        if ((verdict & RecordFilter.CID) != 0) {
            Session s = byCid.get(ByteBuffer.wrap(data, 11, shared.config.connectionIdLength()).slice());
            if (s != null && s.owner() != this) {
                // SO_REUSEPORT hashed the peer's new address to another I/O thread: hand the datagram over
                DtlsTransport owner = s.owner();
                byte[] copy = Arrays.copyOf(data, length);
                owner.scheduler.execute(() -> owner.onDatagram(copy, copy.length, source, false));
            } else if (s == null || s.removed) {
                shared.datagramsDropped.incrementAndGet();
            } else if (!s.established) {
                toHandshake(s, data, length, source, verdict); // the client's Finished, under the CID
            } else {
                records.decrypt(s, data, length, source);
            }
            return;
        }
        Session handshake = handshakes.get(source);
        Session session = established.get(source);
        if ((verdict & RecordFilter.CLIENT_HELLO) != 0) {
            int random = HandshakeTable.clientRandomAt(data, length);
            if (handshake != null && HandshakeTable.sameRandom(data, random, handshake.clientRandom)) {
                toHandshake(handshake, data, length, source, verdict); // a retransmission: no refresh
            } else if (session != null && HandshakeTable.sameRandom(data, random, session.clientRandom)) {
                shared.datagramsDropped.incrementAndGet(); // a late copy (or a replay) of the session's own hello
            } else if (shared.server) {
                handshakes.startServer(data, length, source, handshake); // new, or a peer starting over
            } else {
                shared.datagramsDropped.incrementAndGet();
            }
            return;
        }
        int type = data[0];
        boolean handshakeRecord = type == RecordFilter.HANDSHAKE || type == RecordFilter.CHANGE_CIPHER_SPEC
                || (data[3] | data[4]) == 0;
        if (handshake != null && (session == null || handshakeRecord)) {
            toHandshake(handshake, data, length, source, verdict);
        } else if (session != null) {
            if (!records.decrypt(session, data, length, source) && handshake != null && !session.removed) {
                // not the old session's: perhaps the first record under the new handshake's keys
                toHandshake(handshake, data, length, source, verdict);
            }
        } else {
            shared.datagramsDropped.incrementAndGet();
        }
    }

    private void toHandshake(Session s, byte[] data, int length, InetSocketAddress source, int verdict) {
        s.fragments += RecordFilter.fragments(verdict);
        if (s.fragments > shared.config.maxHandshakeFragments()) {
            LOG.debug("DTLS handshake with {} aborted: more than {} handshake fragments", s.address,
                    shared.config.maxHandshakeFragments());
            remove(s);
            return;
        }
        if (s.quick != null) {
            s.quick.received(data, length, source, verdict);
            return;
        }
        if (!s.inbox.offer(new Session.Early(Arrays.copyOf(data, length), source))) {
            shared.datagramsDropped.incrementAndGet();
        }
    }

    /** An authenticated record of {@code s} came from {@code from}: perhaps a move (RFC 9146 §6). */
    void recordFrom(Session s, InetSocketAddress from, int flags) {
        s.accepted = true;
        established.recordFrom(s, from, flags, scheduler.nanoTime(), shared.config.connectionIdMoveQuiet().toNanos(),
                handshakes.get(from) != null);
    }

    // ---------------------------------------------------------------- sending

    /**
     * Sends under {@code association}: to that session's confirmed address, whatever
     * {@code destination} says, or nowhere if it has ended (RFC 7252 §9.1).
     */
    @Override
    public void send(byte[] data, int length, InetSocketAddress destination, Object association) {
        if (association == null) {
            send(data, length, destination);
        } else if (closed || !(association instanceof Session s) || s.owner() != this || s.removed || !s.live()) {
            shared.datagramsDropped.incrementAndGet(); // its session ended: nobody else gets it
        } else {
            encrypt(s, data, length);
        }
    }

    @Override
    public void send(byte[] data, int length, InetSocketAddress destination) {
        if (closed) {
            return;
        }
        Session s = established.get(destination);
        if (s != null && !shared.server
                && scheduler.nanoTime() - s.lastReceived > shared.config.resumeAfterIdle().toNanos()) {
            // the server may have dropped a session this quiet (libcoap after 300 s): start over, resuming
            LOG.debug("DTLS session with {} idle for long: new handshake before sending", destination);
            remove(s);
            s = null;
        }
        if (s != null) {
            encrypt(s, data, length);
            return;
        }
        if (shared.server) {
            shared.datagramsDropped.incrementAndGet(); // no session (expired or evicted): the client re-handshakes
            return;
        }
        Session h = handshakes.get(destination);
        if (h == null) {
            h = handshakes.startClient(destination);
            if (h == null) {
                receiver.onPeerFailure(destination, new CoapSecurityException(
                        "too many DTLS handshakes in progress (" + shared.config.maxHandshakes() + ")"));
                return;
            }
        }
        if (h != null && h.pending.size() < shared.config.maxPendingMessages()) {
            h.pending.add(Arrays.copyOf(data, length));
        }
    }

    private void encrypt(Session s, byte[] data, int length) {
        try {
            if (s.restored != null) {
                byte[] record = s.restored.encode(org.bouncycastle.tls.ContentType.application_data, data, 0, length);
                datagrams.send(record, record.length, s.address);
            } else {
                s.dtls.send(data, 0, length);
            }
            touch(s);
        } catch (IOException | RuntimeException e) {
            LOG.debug("DTLS send to {} failed: {}", s.address, HandshakeFailures.describe(e, shared.config));
            remove(s);
        }
    }

    // ---------------------------------------------------------------- handshake outcomes

    /**
     * The handshake's Finished verified: only now does it replace a session at the same address
     * (RFC 6347 §4.2.8), and only now does the session cap make room, evicting the idlest session.
     * {@code t} is BouncyCastle's transport, or null for a handshake run in place
     * ({@link QuickResumption}, {@link QuickPsk}: its record layer is {@link Session#restored} already).
     */
    void established(Session s, DTLSTransport t, HandshakeResult result) {
        if (s.established) {
            return; // taken in already, ahead of a ClientHello that followed (Handshakes.startServer)
        }
        s.completion = null;
        if (s.closed || !handshakes.forget(s)) {
            HandshakeFailures.closeQuietly(t); // evicted or closed while the last flight was in the air
            return;
        }
        Session old = established.get(s.address);
        if (old != null && old != s) {
            // without a close_notify: under the old keys, to a peer that now has new ones, it could only be discarded
            remove(old, false);
        }
        if (established.size() >= shared.config.maxSessions()) {
            Session idlest = established.idlest();
            LOG.debug("DTLS session with {} evicted for a new one ({} sessions)", idlest, established.size());
            remove(idlest, evictionNotice());
        }
        shared.handshakesCompleted.incrementAndGet();
        if (result.resumed()) {
            shared.handshakesResumed.incrementAndGet();
            if (t == null) {
                shared.resumedInPlace.incrementAndGet();
            }
        } else if (t == null) {
            shared.fullInPlace.incrementAndGet();
        }
        metrics.handshakeCompleted(result.resumed());
        if (t != null) {
            s.cidOut = length(result.parameters().getConnectionIDLocal());
            s.cidIn = length(result.parameters().getConnectionIDPeer());
        } else {
            s.cidOut = s.restored.snapshot.cidLocal().length;
            s.cidIn = s.restored.snapshot.cidPeer().length;
        }
        metrics.sessionOpened();
        s.established = true;
        s.result = result;
        s.info = new DtlsSession(s.address, result.identity(), result.cipherSuite(),
                Hex.toHexString(result.connectionId()), result.resumed());
        s.dtls = t;
        established.put(s);
        touch(s);
        s.lastReceived = s.lastActivity;
        s.lastFromAddress = s.lastActivity;
        LOG.debug("DTLS session with {}: {}", s.address, s.info);
        Session.Early early;
        while (s.live() && (early = s.inbox.poll()) != null) {
            // arrived while the handshake thread finished, perhaps from a new address already (CID)
            records.decrypt(s, early.data(), early.data().length, early.source());
        }
        byte[] message;
        while (s.live() && (message = s.pending.poll()) != null) {
            encrypt(s, message, message.length);
        }
    }

    /** Whether an eviction now may send a close_notify: within {@code evictionNotices} per second. */
    private boolean evictionNotice() {
        long now = scheduler.nanoTime();
        if (now - noticesSince >= TimeUnit.SECONDS.toNanos(1)) {
            noticesSince = now;
            notices = 0;
        }
        return notices++ < shared.config.evictionNotices();
    }

    void handshakeFailed(Session s, Exception e) {
        shared.handshakesFailed.incrementAndGet();
        metrics.handshakeFailed(HandshakeFailures.failureReason(e));
        boolean current = !s.removed;
        remove(s);
        String reason = HandshakeFailures.describe(e, shared.config);
        LOG.debug("DTLS handshake with {} failed: {}", s.address, reason);
        try {
            shared.config.handshakeFailureListener().accept(s.address, reason);
        } catch (RuntimeException listenerFailure) {
            LOG.debug("handshake failure listener failed", listenerFailure);
        }
        if (!shared.server && current && !closed) {
            receiver.onPeerFailure(s.address, new CoapSecurityException("DTLS handshake with "
                    + s.address.getHostString() + ":" + s.address.getPort() + " failed: " + reason, e));
        }
    }

    /** An established session was active now. */
    void touch(Session s) {
        s.lastActivity = scheduler.nanoTime();
        established.touch(s);
    }

    /**
     * Forgets {@code s} everywhere; a handshake thread working on it fails at its next receive. An
     * established session sends its peer a close_notify, and the engine drops the state bound to it.
     */
    void remove(Session s) {
        remove(s, true);
    }

    /**
     * Forgets {@code s} everywhere; {@code closeNotify} false drops an established session's
     * BouncyCastle transport without closing it, so no close_notify is encrypted and sent (it holds no
     * other resource: its datagram transport is {@code s}).
     */
    void remove(Session s, boolean closeNotify) {
        if (s.removed) {
            return;
        }
        s.removed = true;
        s.closed = true;
        if (s.issuedCid != null) {
            byCid.remove(ByteBuffer.wrap(s.issuedCid), s);
        }
        s.pending.clear();
        s.inbox.clear();
        if (!s.established) {
            handshakes.forget(s);
            return;
        }
        established.remove(s);
        metrics.sessionClosed();
        DTLSTransport t = s.dtls;
        s.dtls = null;
        if (closeNotify && t != null) {
            HandshakeFailures.closeQuietly(t);
        }
        RestoredRecords r = s.restored;
        s.restored = null;
        if (closeNotify && r != null) {
            try {
                byte[] alert = r.closeNotify();
                datagrams.send(alert, alert.length, s.address);
            } catch (IOException | RuntimeException e) {
                LOG.debug("close_notify to {} not sent: {}", s.address, e.toString());
            }
        }
        if (receiver != null) {
            receiver.onAssociationEnded(s);
        }
    }

    private static int length(byte[] b) {
        return b == null ? 0 : b.length;
    }

    // ---------------------------------------------------------------- handover (issue 10)

    /**
     * Hands every established session over to the next process ({@link SessionHandover#handOver}).
     * Thread-safe; for a closing endpoint.
     */
    public java.util.Map<dev.tern.coap.Bytes, byte[]> handOver() {
        return scheduler.inSchedulerThread() ? SessionHandover.handOver(this) : onScheduler(this::handOver);
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
        handshakes.expired(now).forEach(this::remove);
        for (Session s : established.all()) {
            if (now - s.lastActivity > idleNanos) {
                LOG.debug("DTLS session with {} removed after inactivity", s.address);
                remove(s);
            }
        }
    }

    // ---------------------------------------------------------------- introspection

    /** The established session with {@code peer}, or null. Thread-safe (a snapshot). */
    public DtlsSession session(InetSocketAddress peer) {
        if (scheduler.inSchedulerThread()) {
            Session s = established.get(peer);
            return s == null ? null : s.info;
        }
        return onScheduler(() -> session(peer));
    }

    /** Every established session. Thread-safe (a snapshot). */
    public List<DtlsSession> sessions() {
        if (scheduler.inSchedulerThread()) {
            return established.all().stream().map(s -> s.info).toList();
        }
        return onScheduler(this::sessions);
    }

    /** Handshakes in progress and established sessions. Thread-safe (a snapshot). */
    public int[] counts() {
        if (scheduler.inSchedulerThread()) {
            return new int[] {handshakes.size(), established.size()};
        }
        return onScheduler(this::counts);
    }

    private <T> T onScheduler(java.util.function.Supplier<T> task) {
        return HandshakeFailures.onScheduler(scheduler, task);
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
            handshakes.all().forEach(this::remove);
            established.all().forEach(this::remove); // they send close_notify
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
}
