package dev.tern.coap.cluster.internal;

import dev.tern.coap.Code;
import dev.tern.coap.spi.EndpointMetrics;
import java.util.concurrent.atomic.LongAdder;

/**
 * The metrics a cluster node gives its DTLS transports: everything goes on to the endpoint's own
 * metrics, and completed handshakes are also counted full or abbreviated (RFC 5246 §7.3) for the
 * node's figures, where a crash elsewhere shows up as a burst of abbreviated ones.
 */
public final class HandshakeCounter implements EndpointMetrics {
    private final EndpointMetrics next;
    private final LongAdder full;
    private final LongAdder abbreviated;

    /** Counts into {@code full} and {@code abbreviated}, then tells {@code next}. */
    public HandshakeCounter(EndpointMetrics next, LongAdder full, LongAdder abbreviated) {
        this.next = next;
        this.full = full;
        this.abbreviated = abbreviated;
    }

    @Override
    public void handshakeCompleted(boolean resumed) {
        (resumed ? abbreviated : full).increment();
        next.handshakeCompleted(resumed);
    }

    @Override
    public void requestHandled(Code method, Code response, String route, long handlerNanos) {
        next.requestHandled(method, response, route, handlerNanos);
    }

    @Override
    public int handlerLatencySampling() {
        return next.handlerLatencySampling();
    }

    @Override
    public void executorRejected() {
        next.executorRejected();
    }

    @Override
    public void retransmission() {
        next.retransmission();
    }

    @Override
    public void duplicate() {
        next.duplicate();
    }

    @Override
    public void clientTimeout() {
        next.clientTimeout();
    }

    @Override
    public void observerAdded() {
        next.observerAdded();
    }

    @Override
    public void observerRemoved() {
        next.observerRemoved();
    }

    @Override
    public void notificationSent(boolean confirmable) {
        next.notificationSent(confirmable);
    }

    @Override
    public void blockwiseStarted(Blockwise kind) {
        next.blockwiseStarted(kind);
    }

    @Override
    public void blockwiseCompleted(Blockwise kind) {
        next.blockwiseCompleted(kind);
    }

    @Override
    public void datagramDropped(DropReason reason) {
        next.datagramDropped(reason);
    }

    @Override
    public void handshakeFailed(String reason) {
        next.handshakeFailed(reason);
    }

    @Override
    public void sessionOpened() {
        next.sessionOpened();
    }

    @Override
    public void sessionClosed() {
        next.sessionClosed();
    }
}
