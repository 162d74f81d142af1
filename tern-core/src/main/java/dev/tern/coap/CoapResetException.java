package dev.tern.coap;

/** The peer answered with a Reset message: it could not process the request (RFC 7252 §4.2, §4.3). */
public final class CoapResetException extends CoapException {
    private static final long serialVersionUID = 1L;

    /** With a message naming the peer. */
    public CoapResetException(String message) {
        super(message);
    }
}
