package dev.tern.coap.internal.reliable;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapException;
import dev.tern.coap.CoapTransportException;
import dev.tern.coap.Code;
import dev.tern.coap.MessageTracer;
import dev.tern.coap.MessageType;
import dev.tern.coap.Option;
import dev.tern.coap.Options;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageFormatError;
import dev.tern.coap.internal.codec.ReliableFraming;
import dev.tern.coap.internal.message.DeduplicationCache;
import dev.tern.coap.internal.message.MessageKey;
import dev.tern.coap.internal.message.MessageLayer;
import dev.tern.coap.internal.message.Messaging;
import dev.tern.coap.internal.message.Retransmitter;
import dev.tern.coap.spi.ConnectionTransport;
import dev.tern.coap.spi.ConnectionTransport.Connection;
import dev.tern.coap.spi.ReliableSettings;
import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The layer of RFC 8323 that replaces the RFC 7252 §4 message layer on reliable transports: no
 * Message IDs, types, acknowledgements, retransmission or deduplication; instead framing (§3.2,
 * §4.2, {@link ReliableFraming}), signaling (§5: CSM first, Ping/Pong, Release, Abort) and the
 * connection as the peer context. It implements {@link Messaging}, so the exchange, observe and
 * block-wise layers above are the same as over UDP. Confined to the scheduler thread, except
 * {@link Events}, which the transport calls from its I/O threads and which hops over.
 */
public final class ReliableLayer implements Messaging {
    private final ConnectionTransport transport;
    private final Scheduler scheduler;
    private final ReliableSettings settings;
    private final MessageTracer tracer;
    private final Duration pingTimeout;
    private final ConnectionDeadlines deadlines;
    final BertCapabilities bert;
    private final ReleaseDirections directions = new ReleaseDirections();
    private final Map<Connection, ConnectionContext> byConnection = new IdentityHashMap<>();
    /** Server: by the peer's address; client: by the destination requests go to. */
    private final Map<InetSocketAddress, ConnectionContext> byPeer = new HashMap<>();
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private MessageLayer.Upper upper;
    private Transport.Receiver events;
    private int nextMessageId;
    private boolean closed;

    /** A layer over {@code transport}; Pings time out after {@code pingTimeout}. */
    public ReliableLayer(ConnectionTransport transport, Scheduler scheduler, MessageTracer tracer,
                         Duration pingTimeout) {
        this.transport = transport;
        this.scheduler = scheduler;
        this.settings = transport.settings();
        this.tracer = tracer;
        this.pingTimeout = pingTimeout;
        this.deadlines = new ConnectionDeadlines(this, scheduler, settings);
        this.bert = new BertCapabilities(settings);
    }

    /** What each connection allows of BERT (RFC 8323 §6), for the block-wise layers; any thread. */
    public dev.tern.coap.internal.blockwise.BertPeers bertPeers() {
        return bert;
    }

    /**
     * Connects the exchange layer ({@code upper}) and the endpoint's failure events ({@code events}:
     * failed peers, ended associations), and starts the transport.
     */
    public void start(MessageLayer.Upper upper, Transport.Receiver events) {
        this.upper = upper;
        this.events = events;
        transport.start(new TransportEvents(this, scheduler));
    }

    /** The listening address. */
    public InetSocketAddress localAddress() {
        return transport.localAddress();
    }

    /** Open connections (read on the scheduler thread). */
    public int connections() {
        return byConnection.size();
    }

    /** Who {@code peer} authenticated as over its connection, or null. */
    public PeerIdentity peerIdentity(InetSocketAddress peer) {
        ConnectionContext c = byPeer.get(peer);
        return c == null || c.connection == null ? null : c.connection.peerIdentity();
    }

    // ---- Messaging: what the exchange layers send ----

    @Override
    public Object association(InetSocketAddress peer) {
        return byPeer.get(peer);
    }

    @Override
    public void replyReset(long entry, int messageId, InetSocketAddress peer) {
        // no RST on reliable transports (RFC 8323 §3.3): an unexpected message is ignored
    }

    @Override
    public void replyEmptyAck(long entry, int messageId, InetSocketAddress peer, Object association) {
        // no ACK on reliable transports: the response follows when ready
    }

    @Override
    public void reply(long entry, Message reply, InetSocketAddress peer, Object association) {
        if (reply.isEmpty()) {
            return;
        }
        ConnectionContext c = context(association, peer);
        if (c != null) {
            c.inFlight.remove(reply.token());
            if (!write(c, reply)) {
                write(c, PeerLimits.tooLargeResponse(c, reply));
            }
            releaseIfDone(c);
        }
    }

    @Override
    public Message sendNew(Message m, InetSocketAddress peer, Object association, Retransmitter.Listener listener) {
        nextMessageId = (nextMessageId + 1) & 0xFFFF; // only keeps the layers above apart; never on the wire
        Message sent = m.withTypeAndId(m.type(), nextMessageId);
        boolean opens = m.isEmpty() || m.code().isRequest();
        ConnectionContext c = context(association, peer);
        if (c == null && opens && !closed) {
            CoapTransportException held = directions.heldOff(peer, scheduler.nanoTime());
            if (held != null) {
                scheduler.execute(() -> listener.onFailed(held));
                return sent;
            }
            c = open(peer);
        }
        if (c == null) {
            return sent; // the connection of this response or notification is gone: so is its exchange
        }
        if (m.isEmpty()) {
            ping(c, listener);
            return sent;
        }
        if (m.code().isRequest()) {
            c.inFlight.add(m.token());
            if (m.options().observe().isPresent() && m.options().observe().getAsInt() == 0) {
                c.observing = true;
            }
        } else {
            c.inFlight.remove(m.token());
        }
        if (!write(c, sent)) {
            if (m.code().isRequest()) {
                c.inFlight.remove(m.token());
                CoapTransportException e = PeerLimits.tooLargeRequest(c, sent);
                scheduler.execute(() -> listener.onFailed(e));
                return sent;
            }
            write(c, PeerLimits.tooLargeResponse(c, sent));
        }
        if (m.type() == MessageType.CON && !m.code().isRequest()) {
            // a notification or separate response is as good as acknowledged once written (§2)
            scheduler.execute(() -> listener.onAcknowledged(Message.empty(MessageType.ACK, sent.messageId())));
        }
        releaseIfDone(c);
        return sent;
    }

    @Override
    public void cancel(MessageKey key) {
        // nothing is retransmitted
    }

    private ConnectionContext context(Object association, InetSocketAddress peer) {
        if (association instanceof ConnectionContext c) {
            return c.closed ? null : c;
        }
        ConnectionContext c = byPeer.get(peer);
        return c == null || c.closed ? null : c;
    }

    private ConnectionContext open(InetSocketAddress peer) {
        ConnectionContext c = new ConnectionContext(peer, true, settings.maxMessageSize(), scheduler.nanoTime());
        byPeer.put(peer, c);
        if (byPeer.size() > settings.maxConnections()) {
            // the bound holds for connections this side opens too (a proxy told to reach many upstreams):
            // the request fails at once, once its exchange is registered, instead of opening one more
            CoapTransportException refused = new CoapTransportException("not connecting to " + peer + ": "
                    + settings.maxConnections() + " connections open (maxConnections)");
            scheduler.execute(() -> connectFailed(peer, refused));
            return c;
        }
        transport.connect(directions.connectTarget(peer));
        return c;
    }

    private void ping(ConnectionContext c, Retransmitter.Listener listener) {
        Bytes token = Bytes.of((byte) (c.nextPingToken >>> 8), (byte) c.nextPingToken++);
        Scheduler.Cancellable timer = scheduler.schedule(() -> {
            if (c.pings.remove(token) != null) {
                listener.onTimeout();
            }
        }, pingTimeout.toNanos());
        c.pings.put(token, new ConnectionContext.PendingPing(listener, timer));
        write(c, Signals.ping(token));
    }

    /**
     * Writes {@code m}; false, writing nothing, when it is a request or response larger than the
     * peer's Max-Message-Size ({@link PeerLimits}).
     */
    private boolean write(ConnectionContext c, Message m) {
        c.lastActivity = scheduler.nanoTime();
        if (c.connection == null) {
            c.queued.add(m); // traced when it goes out, after the CSM
            return true;
        }
        byte[] frame = ReliableFraming.encode(m, c.messageFramed());
        if (!PeerLimits.fits(c, m, frame)) {
            return false;
        }
        if (tracer != null) {
            tracer.sent(c.peer, Signals.describe(m));
        }
        c.connection.send(frame);
        return true;
    }

    // ---- connection events, on the scheduler thread ----

    void opened(Connection connection) {
        if (closed) {
            connection.close();
            return;
        }
        ConnectionContext c;
        if (connection.initiated()) {
            c = byPeer.get(directions.destinationOf(connection.remoteAddress()));
            if (c == null || c.connection != null || c.closed) {
                connection.close(); // nobody waits for it any more
                return;
            }
        } else {
            InetAddress address = connection.remoteAddress().getAddress();
            if (byConnection.size() >= settings.maxConnections()
                    || perAddress.getOrDefault(address, 0) >= settings.maxConnectionsPerAddress()) {
                connection.close(); // over a connection bound: refused before any state is kept
                return;
            }
            c = new ConnectionContext(connection.remoteAddress(), false, settings.maxMessageSize(),
                    scheduler.nanoTime());
            byPeer.put(c.peer, c);
        }
        c.connection = connection;
        byConnection.put(connection, c);
        perAddress.merge(connection.remoteAddress().getAddress(), 1, Integer::sum);
        write(c, Signals.csm(settings.maxMessageSize(), settings.blockwiseTransfer())); // §5.3: CSM first
        for (Message m; (m = c.queued.poll()) != null; ) {
            write(c, m);
        }
        if (settings.csmRequired()) {
            deadlines.csmCheck(c);
        }
        deadlines.idleCheck(c, settings.idleTimeout().toNanos());
    }

    void data(Connection connection, byte[] data) {
        ConnectionContext c = byConnection.get(connection);
        if (c == null || c.closed) {
            return;
        }
        long now = scheduler.nanoTime();
        c.lastActivity = now;
        if (connection.messageFramed()) {
            if (data.length > settings.maxMessageSize()) {
                abort(c, "message of " + data.length + " bytes exceeds Max-Message-Size "
                        + settings.maxMessageSize(), 0);
                return;
            }
            onFrame(c, data, 0, data.length);
            return;
        }
        FrameSink sink = new FrameSink(this, c);
        if (!c.reader.read(data, 0, data.length, sink) || c.closed) {
            return;
        }
        if (!c.reader.partial()) {
            c.partialSince = -1;
        } else if (c.partialSince < 0 || sink.frames > 0) {
            c.partialSince = now; // a new partial frame: its own deadline
            if (c.frameTimer == null) {
                deadlines.frameCheck(c, settings.frameDeadline().toNanos());
            }
        }
    }

    /** One whole message; false when the connection is over. */
    boolean onFrame(ConnectionContext c, byte[] buf, int offset, int length) {
        DecodeResult r = ReliableFraming.decode(buf, offset, length, c.messageFramed());
        if (r instanceof MessageFormatError e) {
            abort(c, "malformed message: " + e.reason(), 0);
            return false;
        }
        Message m = (Message) r;
        if (tracer != null) {
            tracer.received(c.peer, Signals.describe(m));
        }
        if (m.code().codeClass() == 7) {
            return SignalHandling.handle(this, c, m);
        }
        if (!c.csmReceived && settings.csmRequired()) {
            abort(c, "the first message must be a CSM (RFC 8323 §5.3), got " + m.code(), 0);
            return false;
        }
        if (m.code().isRequest()) {
            if (c.released && c.initiated) {
                return true; // a released client connection takes no new requests (§5.5)
            }
            if (c.inFlight.size() >= settings.maxInFlight() || c.inFlight.contains(m.token())) {
                write(c, new Message(MessageType.CON, Code.SERVICE_UNAVAILABLE, 0, m.token(),
                        Options.of(Option.ofUint(dev.tern.coap.OptionNumber.MAX_AGE, 1)),
                        Bytes.utf8("too many requests in flight on this connection")));
                return true;
            }
            c.inFlight.add(m.token());
            if (m.options().observe().isPresent() && m.options().observe().getAsInt() == 0) {
                c.observing = true;
            }
            upper.onRequest(m, c.peer, DeduplicationCache.NO_ENTRY, false);
        } else if (m.code().isResponse()) {
            c.inFlight.remove(m.token());
            upper.onResponse(m, c.peer, DeduplicationCache.NO_ENTRY);
            releaseIfDone(c);
        }
        // 0.00 Empty is ignored (§3.3?); reserved classes carry nothing we could answer
        return !c.closed;
    }

    // ---- used by SignalHandling ----

    ReliableSettings settings() {
        return settings;
    }

    void send(ConnectionContext c, Message m) {
        write(c, m);
    }

    void pong(ConnectionContext c, Bytes token) {
        ConnectionContext.PendingPing p = c.pings.remove(token);
        if (p == null && token.isEmpty() && !c.pings.isEmpty()) {
            // libcoap 4.3 answers without the Ping's token: on an ordered connection, the oldest
            p = c.pings.remove(c.pings.keySet().iterator().next());
        }
        if (p != null) {
            p.timer().cancel();
            p.listener().onAcknowledged(Message.empty(MessageType.ACK, 0));
        }
    }

    /** §5.5: the peer wants this connection gone; new requests go on a new one. */
    void released(ConnectionContext c, Message release) {
        directions.released(c, release, scheduler.nanoTime());
        c.released = true;
        bert.forget(c);
        if (byPeer.get(c.peer) == c) {
            byPeer.remove(c.peer);
        }
        releaseIfDone(c);
    }

    private void releaseIfDone(ConnectionContext c) {
        if (c.released && c.inFlight.isEmpty() && !c.closed) {
            end(c, new CoapTransportException("connection to " + c.peer + " released by the peer"));
        }
    }

    /** Sends 7.05 Abort with {@code diagnostic} (§5.6), then closes. */
    void abort(ConnectionContext c, String diagnostic, int badCsmOption) {
        if (c.closed) {
            return;
        }
        write(c, Signals.abort(diagnostic, badCsmOption));
        end(c, new CoapTransportException("connection to " + c.peer + " aborted: " + diagnostic));
    }

    /** Ends the connection: its requests fail with {@code cause}, relations bound to it end. */
    void end(ConnectionContext c, CoapException cause) {
        teardown(c, cause);
        if (c.connection != null) {
            c.connection.close();
        }
    }

    private void teardown(ConnectionContext c, CoapException cause) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        c.cancelTimers();
        bert.forget(c);
        if (c.connection != null) {
            byConnection.remove(c.connection);
            perAddress.computeIfPresent(c.connection.remoteAddress().getAddress(), (a, n) -> n > 1 ? n - 1 : null);
        }
        if (byPeer.get(c.peer) == c) {
            byPeer.remove(c.peer);
        }
        for (ConnectionContext.PendingPing p : new ArrayList<>(c.pings.values())) {
            p.listener().onTimeout();
        }
        c.pings.clear();
        if (c.initiated) {
            events.onPeerFailure(c.peer, cause);
        }
        events.onAssociationEnded(c);
    }

    void closed(Connection connection, String reason) {
        ConnectionContext c = byConnection.get(connection);
        if (c != null) {
            teardown(c, new CoapTransportException("connection to " + c.peer + " closed: " + reason));
        }
    }

    void connectFailed(InetSocketAddress destination, CoapException cause) {
        ConnectionContext c = byPeer.get(directions.destinationOf(destination));
        if (c != null && c.connection == null) {
            c.queued.clear();
            teardown(c, cause);
        }
    }

    /** Closes every connection and the transport. */
    public void close() {
        closed = true;
        for (ConnectionContext c : new ArrayList<>(byConnection.values())) {
            write(c, Signals.release("shutting down")); // §5.5: do not use this connection again
            end(c, new CoapTransportException("endpoint closed"));
        }
        for (ConnectionContext c : new ArrayList<>(byPeer.values())) {
            teardown(c, new CoapTransportException("endpoint closed"));
        }
    }

    /** Closes the transport itself (after {@link #close()} ran on the scheduler). */
    public void closeTransport() {
        transport.close();
    }
}
