package dev.tern.coap.spi;

import dev.tern.coap.Code;

/**
 * Told by the CoAP engine what an endpoint does, for metrics: requests served, retransmissions,
 * duplicates, timeouts, observe relations, block-wise transfers, datagrams dropped and, over a
 * security layer, handshakes and sessions. Every method has a no-op default, so an implementation
 * overrides only what it counts; {@link #NONE} counts nothing and is what an endpoint uses when no
 * listener is set (then the engine does not even read the clock for handler latencies).
 *
 * <p>Methods are called on the endpoint's I/O thread, on handler threads (block-wise transfers)
 * and on DTLS threads, possibly from several endpoints at once (a server with several I/O
 * threads shares one listener): an implementation must be thread-safe and quick, and must not
 * throw. Every {@code String} argument comes from a small set the application or the protocol
 * defines (route templates, alert names), never from a peer's data, so that it can be a metric tag
 * without unbounded cardinality.
 */
public interface EndpointMetrics {
    /** Counts nothing: the default of every endpoint. */
    EndpointMetrics NONE = new EndpointMetrics() {
    };

    /** The route of a request that no route of a {@code Router} took (4.04, 4.05, early answers). */
    String NO_ROUTE = "";

    /**
     * A server answered a request (RFC 7252 §5.2): once per request, when its response (or, for a
     * request whose response is suppressed, its empty ACK) goes out.
     *
     * @param method the request's code, e.g. 0.01 GET (RFC 7252 §12.1.1; unknown method codes too)
     * @param response the response code, e.g. 2.05 (RFC 7252 §12.1.2)
     * @param route the path template of the {@code Router} route that served it, as registered
     *        (e.g. {@code /sensors/{id}}), or {@link #NO_ROUTE}
     * @param handlerNanos how long the service took from its call to its response, or -1 when it
     *        was not measured: the engine answered without calling it (a bad option, executor
     *        saturation, a handler timeout), or the request was not among those sampled (see
     *        {@link #handlerLatencySampling()})
     */
    default void requestHandled(Code method, Code response, String route, long handlerNanos) {
    }

    /**
     * The engine times one request in this many (at least 1; the default 1 times every one),
     * read once when the endpoint is assembled. Timing takes two clock reads per request, a
     * noticeable part of an in-memory request's cost, so a listener that only needs latency
     * distributions may sample.
     */
    default int handlerLatencySampling() {
        return 1;
    }

    /**
     * The listener one endpoint reports to, asked once when the endpoint is assembled; the default
     * is this listener itself. The engine calls {@link #requestHandled} of the returned listener
     * from that endpoint's I/O thread only (one thread, in order), so an implementation may count
     * requests there without an atomic read-modify-write per request, and sum the endpoints' counts
     * when it is read. The returned listener is told {@link #endpointClosed()} when the endpoint
     * closes.
     */
    default EndpointMetrics forEndpoint() {
        return this;
    }

    /**
     * The endpoint that got this listener from {@link #forEndpoint()} has closed: it reports nothing
     * more (an implementation folds what it counted for that endpoint into its totals).
     */
    default void endpointClosed() {
    }

    /** The handler executor refused a request, which got 5.03 with Max-Age (RFC 7252 §5.9.3.4). */
    default void executorRejected() {
    }

    /** A Confirmable message was sent again after its ACK timeout (RFC 7252 §4.2). */
    default void retransmission() {
    }

    /** A duplicate of a recently received CON or NON arrived (RFC 7252 §4.5). */
    default void duplicate() {
    }

    /** A client request got no response in time and failed with a timeout (RFC 7252 §4.8.2). */
    default void clientTimeout() {
    }

    /** A server registered an observer (RFC 7641 §4.1). */
    default void observerAdded() {
    }

    /** A server removed an observer (RFC 7641 §3.6, §4.2, §4.5), or the server closed. */
    default void observerRemoved() {
    }

    /** A server sent a notification (RFC 7641 §4.2), Confirmable or not (§4.5). */
    default void notificationSent(boolean confirmable) {
    }

    /** A block-wise transfer began (RFC 7959 §2): its first block went out or came in. */
    default void blockwiseStarted(Blockwise kind) {
    }

    /** A block-wise transfer completed: its last block went out or came in (RFC 7959 §2). */
    default void blockwiseCompleted(Blockwise kind) {
    }

    /** A received datagram was dropped or rejected without reaching the exchange layer. */
    default void datagramDropped(DropReason reason) {
    }

    /**
     * A security layer completed a handshake (RFC 6347 §4.2): full, or abbreviated when it resumed a
     * session (RFC 5246 §7.3).
     */
    default void handshakeCompleted(boolean resumed) {
    }

    /**
     * A security layer's handshake failed.
     *
     * @param reason the TLS alert description that ended it (RFC 5246 §7.2, e.g.
     *        {@code handshake_failure}, {@code decrypt_error}), or {@code timeout} or {@code closed}
     */
    default void handshakeFailed(String reason) {
    }

    /** A security layer established a session with a peer (RFC 6347). */
    default void sessionOpened() {
    }

    /** A security layer's session ended: closed, evicted or expired. */
    default void sessionClosed() {
    }

    /** Which block-wise transfer (RFC 7959 §2.3): which side, and which body. */
    enum Blockwise {
        /** A server receives a request body in Block1 blocks (RFC 7959 §2.5). */
        SERVER_BLOCK1,
        /** A server sends a response body in Block2 blocks (RFC 7959 §2.4). */
        SERVER_BLOCK2,
        /** A client sends a request body in Block1 blocks (RFC 7959 §2.5). */
        CLIENT_BLOCK1,
        /** A client receives a response body in Block2 blocks (RFC 7959 §2.4). */
        CLIENT_BLOCK2
    }

    /** Why a received datagram went no further (RFC 7252 §4.2, §4.3, §5.3.2, §8.1). */
    enum DropReason {
        /** Not a valid CoAP message (RFC 7252 §3): a CON is rejected with RST, anything else silently. */
        MALFORMED,
        /**
         * A valid message that must be ignored or rejected by its type and code (RFC 7252 §4.2,
         * §4.3): a reserved code class, an empty NON, an RST that is not empty, an ACK with a request code.
         */
        UNEXPECTED,
        /** An ACK or response that matches no outstanding message or request (RFC 7252 §4.2, §5.3.2). */
        UNMATCHED,
        /** A CON sent to a multicast group, or a response arriving on one (RFC 7252 §8.1). */
        MULTICAST,
        /** A NON request with an unrecognized critical option, rejected silently (RFC 7252 §5.4.1). */
        BAD_OPTION
    }
}
