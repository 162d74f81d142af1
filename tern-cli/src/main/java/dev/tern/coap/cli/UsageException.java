package dev.tern.coap.cli;

/** A command-line mistake found after parsing, such as an unreadable payload file; exit status 2. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With the message shown after {@code tern: }. */
    public UsageException(String message) {
        super(message);
    }
}
