package dev.tern.coap.spi;

import dev.tern.coap.Code;
import java.util.Objects;

/**
 * An {@link EndpointMetrics} that passes every call on to another one: extend it and override what
 * a wrapper adds (a per-endpoint count, a figure of its own), the rest goes to {@link #next()}
 * unchanged. {@link #forEndpoint()} stays this wrapper (the default), so the wrapper sees what the
 * engine reports.
 */
public abstract class ForwardingEndpointMetrics implements EndpointMetrics {
    private final EndpointMetrics next;

    /** Passes every call to {@code next}. */
    protected ForwardingEndpointMetrics(EndpointMetrics next) {
        this.next = Objects.requireNonNull(next, "next");
    }

    /** Where calls go. */
    protected final EndpointMetrics next() {
        return next;
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
    public void endpointClosed() {
        next.endpointClosed();
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
    public void handshakeCompleted(boolean resumed) {
        next.handshakeCompleted(resumed);
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
