package dev.tern.coap;

/** The transport failed: the socket could not be bound, a datagram could not be sent, the endpoint is closed. */
public final class CoapTransportException extends CoapException {
    private static final long serialVersionUID = 1L;

    /** With a message. */
    public CoapTransportException(String message) {
        super(message);
    }

    /** With a message and the I/O cause. */
    public CoapTransportException(String message, Throwable cause) {
        super(message, cause);
    }
}
