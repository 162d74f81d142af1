package dev.tern.coap.dtls.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramSender;
import org.bouncycastle.tls.TlsTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starting DTLS handshakes for a {@link DtlsTransport} (RFC 6347 §4.2): the stateless cookie check
 * comes first (a server keeps nothing for a ClientHello without a valid, time-bound cookie), then
 * admission under the per-host and total caps ({@link HandshakeTable}), then, for a server, the
 * in-place handshakes ({@link QuickResumption}, {@link QuickPsk}) when they take the hello, else
 * BouncyCastle's blocking protocol on a handshake thread, whose outcome goes back to the scheduler
 * thread.
 */
final class Handshakes {
    private static final Logger LOG = LoggerFactory.getLogger(Handshakes.class);

    private final DtlsTransport transport;
    private final DtlsContext shared;
    private final HandshakeTable table = new HandshakeTable();
    /** Server: abbreviated handshakes without a handshake thread; null for a client. */
    private final QuickResumption quick;
    /** Server with pre-shared keys: full PSK handshakes without a handshake thread; null otherwise. */
    private final QuickPsk psk;
    /** Server randoms of the in-place handshakes, created at the first. */
    private org.bouncycastle.tls.crypto.TlsNonceGenerator randoms;

    Handshakes(DtlsTransport transport) {
        this.transport = transport;
        this.shared = transport.shared;
        int[] suites = shared.server ? TernTlsServer.supportedCipherSuites(shared) : null;
        this.quick = shared.server && shared.config.sessionCacheSize() > 0
                ? new QuickResumption(transport, this, suites) : null;
        this.psk = shared.server && shared.config.pskStore() != null ? new QuickPsk(transport, this, suites) : null;
    }

    /** The handshake in progress with {@code peer}, or null. */
    Session get(InetSocketAddress peer) {
        return table.get(peer);
    }

    int size() {
        return table.size();
    }

    /** A snapshot, oldest first. */
    List<Session> all() {
        return table.all();
    }

    /** The handshakes that started more than {@code handshakeTimeout} (plus 1 s of grace) before {@code now}. */
    List<Session> expired(long now) {
        long limit = shared.config.handshakeTimeout().toNanos() + java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
        List<Session> old = new java.util.ArrayList<>();
        for (Session s : table.all()) {
            if (now - s.startedAt > limit) {
                LOG.debug("DTLS handshake with {} removed after {}", s.address, shared.config.handshakeTimeout());
                old.add(s);
            }
        }
        return old;
    }

    /** Takes {@code s} out of the table (it completed, failed or was removed); whether it was in. */
    boolean forget(Session s) {
        return table.remove(s);
    }

    /**
     * Server: a ClientHello from {@code source}. Without a valid cookie a HelloVerifyRequest goes
     * out and nothing is kept; with one, a handshake starts, replacing {@code inProgress} (one from
     * the same address that has proved nothing yet). An established session at that address stays
     * until the new handshake completes (RFC 6347 §4.2.8).
     */
    void startServer(byte[] data, int length, InetSocketAddress source, Session inProgress) {
        if (quick != null && inProgress == null && quick.startWithoutCookie(data, length, source)) {
            return; // a resumption, answered at once (RFC 6347 §4.2.1 allows it)
        }
        DTLSRequest request = shared.verifyCookie(source, data, length, new DatagramSender() {
            @Override
            public int getSendLimit() {
                return shared.config.maxDatagramSize();
            }

            @Override
            public void send(byte[] buf, int off, int len) {
                transport.datagrams.send(off == 0 ? buf : Arrays.copyOfRange(buf, off, off + len), len, source);
            }
        });
        if (request == null) {
            return; // a HelloVerifyRequest went out, or it was not a ClientHello: no state either way
        }
        if (inProgress != null) {
            Runnable completed = inProgress.completion;
            if (completed != null) {
                // accepted already, its task still queued: a session, and this hello a new handshake
                // beside it (RFC 6347 §4.2.8), not a peer starting over
                completed.run();
            } else {
                transport.remove(inProgress);
            }
        }
        Session s = admit(source);
        if (s == null) {
            return;
        }
        s.clientRandom = HandshakeTable.clientRandom(data, length);
        if (quick != null && quick.start(s, data, length)) {
            return; // resumed here, on the scheduler thread
        }
        if (psk != null && psk.start(s, data, length)) {
            return; // a full PSK handshake here, on the scheduler thread
        }
        try {
            shared.handshakeThreads.execute(() -> runServer(s, request));
        } catch (RejectedExecutionException e) {
            transport.remove(s);
        }
    }

    /** Client: a handshake with {@code server}; null when none can start (the caps). */
    Session startClient(InetSocketAddress server) {
        Session s = admit(server);
        if (s == null) {
            return null;
        }
        try {
            shared.handshakeThreads.execute(() -> runClient(s));
        } catch (RejectedExecutionException e) {
            transport.remove(s);
            return null;
        }
        return s;
    }

    /** Whether a handshake with {@code peer} can start without displacing another (both caps below their limits). */
    boolean hasRoomFor(InetSocketAddress peer) {
        return table.size() < shared.config.maxHandshakes()
                && table.count(peer.getAddress()) < shared.config.maxHandshakesPerAddress();
    }

    /**
     * Makes room under the caps and adds a handshake with {@code peer}; null when the total cap is
     * reached and the oldest handshake is younger than {@code staleHandshake}. At the per-host cap
     * (a server's: a client's handshakes all go to the servers it chose) the host's oldest handshake gives way; at the total cap the oldest if stale. Both are measured
     * from the start, which retransmitted ClientHellos do not refresh (FAULTS.md A1.2).
     */
    Session admit(InetSocketAddress peer) {
        long now = transport.scheduler.nanoTime();
        if (shared.server && table.count(peer.getAddress()) >= shared.config.maxHandshakesPerAddress()) {
            Session oldest = table.oldestOf(peer.getAddress());
            LOG.debug("DTLS handshake with {} replaced: {} handshakes from that host", oldest, peer.getAddress());
            transport.remove(oldest);
        } else if (table.size() >= shared.config.maxHandshakes()) {
            Session oldest = table.oldest();
            if (now - oldest.startedAt < shared.config.staleHandshake().toNanos()) {
                shared.handshakesRejected.incrementAndGet();
                LOG.debug("DTLS handshake from {} dropped: {} handshakes in progress", peer, table.size());
                return null;
            }
            LOG.debug("stale DTLS handshake with {} replaced", oldest.address);
            transport.remove(oldest);
        }
        Session s = new Session(transport, peer);
        s.startedAt = now;
        table.add(s);
        return s;
    }

    /** Runs on a handshake thread. */
    private void runServer(Session s, DTLSRequest request) {
        TernTlsServer tls = new TernTlsServer(shared, () -> issueConnectionId(s));
        try {
            DTLSTransport t = new DTLSServerProtocol().accept(tls, s, request);
            Runnable completed = () -> transport.established(s, t, tls.result());
            s.completion = completed;
            // taken in before its last flight (a full handshake's Finished) leaves: a new hello the
            // peer sends on receiving it finds a session, not a handshake to replace
            transport.scheduler.execute(completed);
            s.flushFlight();
        } catch (IOException | RuntimeException e) {
            s.flushFlight(); // the alert, if any
            transport.scheduler.execute(() -> transport.handshakeFailed(s, e));
        }
    }

    /** Runs on a handshake thread. */
    private void runClient(Session s) {
        TernTlsClient tls = new TernTlsClient(shared, s.address);
        try {
            DTLSTransport t = new DTLSClientProtocol().connect(tls, s);
            s.flushFlight();
            transport.scheduler.execute(() -> transport.established(s, t, tls.result()));
        } catch (TlsTimeoutException e) {
            s.flushFlight();
            Exception reason = tls.keyExchangeStarted() ? new HandshakeFailures.SilentAfterKeyExchange(e) : e;
            transport.scheduler.execute(() -> transport.handshakeFailed(s, reason));
        } catch (IOException | RuntimeException e) {
            s.flushFlight();
            transport.scheduler.execute(() -> transport.handshakeFailed(s, e));
        }
    }

    /** A server random for an in-place handshake (RFC 5246 §7.4.1.2), from BouncyCastle's nonce generator. */
    byte[] serverRandom() {
        if (randoms == null) {
            randoms = shared.crypto.createNonceGenerator(new byte[0]);
        }
        return randoms.generateNonce(32);
    }

    /**
     * An in-place handshake ({@link QuickResumption}, {@link QuickPsk}) that has sent nothing gave up:
     * BouncyCastle's handshake takes over and issues its own Connection ID.
     */
    void undoInPlace(Session s) {
        byte[] cid = s.issuedCid;
        if (cid != null) {
            shared.sessionsByCid().remove(ByteBuffer.wrap(cid), s);
            s.issuedCid = null;
        }
        s.restored = null;
        s.quick = null;
    }

    /**
     * A handshake thread (or an in-place handshake) picks a fresh CID and makes it known before the
     * ServerHello carries it.
     */
    byte[] issueConnectionId(Session s) {
        byte[] cid = new byte[shared.config.connectionIdLength()];
        int attempts = 0;
        do {
            if (++attempts > 64) {
                // a generator with too few free bits (or a broken one) must not spin a handshake thread forever
                throw new IllegalStateException("no unused Connection ID after 64 tries (connectionIdLength "
                        + cid.length + ")");
            }
            shared.config.connectionIdGenerator().fill(cid, shared.crypto.getSecureRandom());
        } while (shared.sessionsByCid().putIfAbsent(ByteBuffer.wrap(cid.clone()), s) != null);
        s.issuedCid = cid.clone();
        return cid;
    }
}
