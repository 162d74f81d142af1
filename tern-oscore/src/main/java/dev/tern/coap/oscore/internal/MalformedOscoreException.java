package dev.tern.coap.oscore.internal;

/**
 * A malformed OSCORE option value or a malformed plaintext (RFC 8613 §6.1, §5.3): the receiver
 * answers 4.02 Bad Option or 4.00 Bad Request (§8.2, §8.4). Carries no stack trace and never
 * any plaintext.
 */
public final class MalformedOscoreException extends Exception {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code reason} (no secret, no plaintext). */
    public MalformedOscoreException(String reason) {
        super(reason, null, false, false);
    }
}
