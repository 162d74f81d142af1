package dev.tern.coap.internal.reliable;

import dev.tern.coap.Bytes;
import dev.tern.coap.internal.message.Retransmitter;
import dev.tern.coap.spi.ConnectionTransport.Connection;
import dev.tern.coap.spi.ReliableSettings;
import dev.tern.coap.spi.Scheduler;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The engine's state of one connection (RFC 8323): the peer context that exchanges, tokens and
 * observe relations are bound to. Confined to the scheduler thread.
 */
final class ConnectionContext {
    final InetSocketAddress peer;
    final boolean initiated;
    final FrameReader reader;
    /** Null while a connection this side opens is being set up. */
    Connection connection;
    /** Frames written before the connection opened (client side; at most NSTART requests). */
    final ArrayDeque<dev.tern.coap.internal.codec.Message> queued = new ArrayDeque<>();
    boolean csmReceived;
    /** The peer's Max-Message-Size, the base value until its CSM says otherwise (§5.3.1). */
    long peerMaxMessageSize = ReliableSettings.BASE_MAX_MESSAGE_SIZE;
    boolean peerBlockwise;
    boolean closed;
    /** Released by the peer (§5.5): no new requests; closed once the last one is answered. */
    boolean released;
    /** Tokens of requests in flight: received (server) or sent (client). */
    final Set<Bytes> inFlight = new HashSet<>();
    /** An Observe registration went over the connection: idle close does not apply. */
    boolean observing;
    long lastActivity;
    /** Since when part of a frame is buffered, or -1. */
    long partialSince = -1;
    Scheduler.Cancellable csmTimer;
    Scheduler.Cancellable frameTimer;
    Scheduler.Cancellable idleTimer;
    /** Pings waiting for their Pong, by token (§5.4). */
    final Map<Bytes, PendingPing> pings = new LinkedHashMap<>(2);
    int nextPingToken;

    ConnectionContext(InetSocketAddress peer, boolean initiated, int maxFrame, long now) {
        this.peer = peer;
        this.initiated = initiated;
        this.reader = new FrameReader(maxFrame);
        this.lastActivity = now;
    }

    /** Whether messages are one per WebSocket frame (§4.2) rather than length-framed (§3.2). */
    boolean messageFramed() {
        return connection != null && connection.messageFramed();
    }

    void cancelTimers() {
        for (Scheduler.Cancellable t : new Scheduler.Cancellable[] {csmTimer, frameTimer, idleTimer}) {
            if (t != null) {
                t.cancel();
            }
        }
        for (PendingPing p : pings.values()) {
            p.timer.cancel();
        }
    }

    /** A Ping (7.02) waiting for its Pong (7.03). */
    record PendingPing(Retransmitter.Listener listener, Scheduler.Cancellable timer) {
    }
}
