package dev.tern.coap;

/** A message could not be built or parsed: a format error in the sense of RFC 7252 §3 and §4.2. */
public final class CoapMessageFormatException extends CoapException {
    private static final long serialVersionUID = 1L;

    /** With the precise reason. */
    public CoapMessageFormatException(String message) {
        super(message);
    }
}
