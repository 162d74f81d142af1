package dev.tern.coap.spi;

/**
 * A security protocol between the CoAP engine and UDP, such as DTLS (RFC 7252 §9): it wraps each
 * datagram transport of an endpoint, so that the engine sends and receives plaintext CoAP
 * messages and the wire carries protected records. {@code tern-dtls} provides one.
 */
public interface SecurityLayer {
    /** The URI scheme this layer serves, e.g. {@code coaps}. */
    String scheme();

    /** The default port of the scheme, e.g. 5684 for {@code coaps} (RFC 7252 §6.2). */
    int defaultPort();

    /**
     * Wraps {@code datagrams} (a bound UDP transport). The returned transport delivers decrypted
     * datagrams to its receiver on {@code scheduler}'s thread, reports peers it cannot reach through
     * {@link Transport.Receiver#onPeerFailure}, and closes {@code datagrams} when closed.
     */
    Transport wrap(Transport datagrams, Scheduler scheduler);

    /**
     * Like {@link #wrap(Transport, Scheduler)}, and tells {@code metrics} of handshakes (full or
     * abbreviated, RFC 5246 §7.3; failed, by alert, §7.2) and of sessions opened and closed. The
     * default ignores {@code metrics}.
     */
    default Transport wrap(Transport datagrams, Scheduler scheduler, EndpointMetrics metrics) {
        return wrap(datagrams, scheduler);
    }
}
