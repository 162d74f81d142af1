package dev.tern.coap;

/**
 * The secure transport failed: a DTLS handshake with the peer did not complete (wrong PSK,
 * untrusted key or certificate, host name mismatch, a fatal alert, a handshake timeout), or a
 * {@code coaps} request went to a client without DTLS (RFC 7252 §9). The message says which.
 */
public final class CoapSecurityException extends CoapException {
    private static final long serialVersionUID = 1L;

    /** With a message. */
    public CoapSecurityException(String message) {
        super(message);
    }

    /** With a message and the cause. */
    public CoapSecurityException(String message, Throwable cause) {
        super(message, cause);
    }
}
