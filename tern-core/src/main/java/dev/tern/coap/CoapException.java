package dev.tern.coap;

/**
 * The failures of a CoAP exchange. 4.xx and 5.xx responses are not exceptions: they arrive as
 * normal {@link Response}s. Unchecked, like every exception of this library.
 */
public abstract sealed class CoapException extends RuntimeException
        permits CoapTimeoutException, CoapResetException, CoapMessageFormatException, CoapTransportException,
        CoapBlockwiseException, CoapSecurityException {
    private static final long serialVersionUID = 1L;

    /** With a message. */
    protected CoapException(String message) {
        super(message);
    }

    /** With a message and a cause. */
    protected CoapException(String message, Throwable cause) {
        super(message, cause);
    }
}
