package dev.tern.coap.internal.state;

/** A state record or state file that does not decode; the message says where and why. */
public final class StateFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** A decoding failure described by {@code message}. */
    public StateFormatException(String message) {
        super(message);
    }
}
