package dev.tern.coap.cluster.internal;

import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.spi.ForwardingEndpointMetrics;
import java.util.concurrent.atomic.LongAdder;

/**
 * The metrics a cluster node gives its DTLS transports: everything goes on to the endpoint's own
 * metrics, and completed handshakes are also counted full or abbreviated (RFC 5246 §7.3) for the
 * node's figures, where a crash elsewhere shows up as a burst of abbreviated ones.
 */
public final class HandshakeCounter extends ForwardingEndpointMetrics {
    private final LongAdder full;
    private final LongAdder abbreviated;

    /** Counts into {@code full} and {@code abbreviated}, then tells {@code next}. */
    public HandshakeCounter(EndpointMetrics next, LongAdder full, LongAdder abbreviated) {
        super(next);
        this.full = full;
        this.abbreviated = abbreviated;
    }

    @Override
    public void handshakeCompleted(boolean resumed) {
        (resumed ? abbreviated : full).increment();
        next().handshakeCompleted(resumed);
    }
}
