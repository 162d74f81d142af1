package dev.tern.coap.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * The bounds and Capabilities and Settings values of CoAP over reliable transports (RFC 8323),
 * applied by the engine to every connection of a {@link ConnectionTransport}.
 *
 * @param maxMessageSize the Max-Message-Size this side announces in its CSM (RFC 8323 §5.3.1) and
 *        enforces: a frame claiming more is refused with 7.05 Abort before a byte of it is
 *        buffered; at least 1152 (the RFC's base value); default 16 384
 * @param blockwiseTransfer whether the CSM announces Block-Wise-Transfer (§5.3.2), the promise to
 *        take block-wise transfers and, with a Max-Message-Size above 1152, BERT blocks (SZX 7,
 *        §6); default true. BERT blocks are sent only to a peer that announced the same, sized by
 *        the smaller of its Max-Message-Size and this side's; false refuses SZX 7 with 4.00
 * @param csmTimeout how long to wait for the peer's CSM, which must be its first message (§5.3),
 *        before aborting; default 10 s
 * @param idleTimeout a connection with no traffic, no request in flight and no observation for
 *        this long is closed; default 5 min
 * @param frameDeadline how long one frame may take to arrive once its first byte did: a peer
 *        trickling partial frames is aborted; default 10 s
 * @param maxInFlight requests in flight per connection: a server answers more with 5.03, a client
 *        queues them (its NSTART on the connection); default 128
 * @param maxConnections open connections per endpoint, accepted or opened; more are closed at once,
 *        and a request that would open one more fails; default 16 384
 * @param maxConnectionsPerAddress open connections from one IP address; default 256
 * @param csmRequired whether a peer's first message must be its CSM (§5.3: "MUST treat a missing
 *        CSM as a connection error"); false tolerates peers that never send one (Californium 3.x)
 *        with the base values; default true
 */
public record ReliableSettings(int maxMessageSize, boolean blockwiseTransfer, Duration csmTimeout,
                               Duration idleTimeout, Duration frameDeadline, int maxInFlight, int maxConnections,
                               int maxConnectionsPerAddress, boolean csmRequired) {
    /** The Max-Message-Size assumed before the peer's CSM arrives (RFC 8323 §5.3.1). */
    public static final int BASE_MAX_MESSAGE_SIZE = 1152;

    /** Validates the values. */
    public ReliableSettings {
        Objects.requireNonNull(csmTimeout, "csmTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(frameDeadline, "frameDeadline");
        if (maxMessageSize < BASE_MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("maxMessageSize must be >= 1152 (RFC 8323 §5.3.1): " + maxMessageSize);
        }
        if (csmTimeout.isNegative() || csmTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()
                || frameDeadline.isNegative() || frameDeadline.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (maxInFlight < 1 || maxConnections < 1 || maxConnectionsPerAddress < 1) {
            throw new IllegalArgumentException("maxInFlight, maxConnections and maxConnectionsPerAddress must be >= 1");
        }
    }

    /** The defaults listed above. */
    public static ReliableSettings defaults() {
        return new ReliableSettings(16_384, true, Duration.ofSeconds(10), Duration.ofMinutes(5),
                Duration.ofSeconds(10), 128, 16_384, 256, true);
    }

    /** A copy with another {@code maxMessageSize}. */
    public ReliableSettings withMaxMessageSize(int v) {
        return new ReliableSettings(v, blockwiseTransfer, csmTimeout, idleTimeout, frameDeadline, maxInFlight,
                maxConnections, maxConnectionsPerAddress, csmRequired);
    }

    /** A copy with another {@code blockwiseTransfer}. */
    public ReliableSettings withBlockwiseTransfer(boolean v) {
        return new ReliableSettings(maxMessageSize, v, csmTimeout, idleTimeout, frameDeadline, maxInFlight,
                maxConnections, maxConnectionsPerAddress, csmRequired);
    }

    /** A copy with another {@code csmTimeout}. */
    public ReliableSettings withCsmTimeout(Duration v) {
        return new ReliableSettings(maxMessageSize, blockwiseTransfer, v, idleTimeout, frameDeadline, maxInFlight,
                maxConnections, maxConnectionsPerAddress, csmRequired);
    }

    /** A copy with another {@code idleTimeout}. */
    public ReliableSettings withIdleTimeout(Duration v) {
        return new ReliableSettings(maxMessageSize, blockwiseTransfer, csmTimeout, v, frameDeadline, maxInFlight,
                maxConnections, maxConnectionsPerAddress, csmRequired);
    }

    /** A copy with another {@code frameDeadline}. */
    public ReliableSettings withFrameDeadline(Duration v) {
        return new ReliableSettings(maxMessageSize, blockwiseTransfer, csmTimeout, idleTimeout, v, maxInFlight,
                maxConnections, maxConnectionsPerAddress, csmRequired);
    }

    /** A copy with another {@code maxInFlight}. */
    public ReliableSettings withMaxInFlight(int v) {
        return new ReliableSettings(maxMessageSize, blockwiseTransfer, csmTimeout, idleTimeout, frameDeadline, v,
                maxConnections, maxConnectionsPerAddress, csmRequired);
    }

    /** A copy with other connection limits: in total, and from one IP address. */
    public ReliableSettings withMaxConnections(int total, int perAddress) {
        return new ReliableSettings(maxMessageSize, blockwiseTransfer, csmTimeout, idleTimeout, frameDeadline,
                maxInFlight, total, perAddress, csmRequired);
    }

    /** A copy with another {@code csmRequired}. */
    public ReliableSettings withCsmRequired(boolean v) {
        return new ReliableSettings(maxMessageSize, blockwiseTransfer, csmTimeout, idleTimeout, frameDeadline,
                maxInFlight, maxConnections, maxConnectionsPerAddress, v);
    }
}
