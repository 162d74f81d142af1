package dev.tern.coap;

/**
 * No response in time: a confirmable request was not acknowledged after MAX_RETRANSMIT
 * retransmissions (RFC 7252 §4.2), or the request's timeout passed before the response arrived.
 */
public final class CoapTimeoutException extends CoapException {
    private static final long serialVersionUID = 1L;

    /** With a message naming what timed out. */
    public CoapTimeoutException(String message) {
        super(message);
    }
}
