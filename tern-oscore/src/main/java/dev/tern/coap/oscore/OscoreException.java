package dev.tern.coap.oscore;

import dev.tern.coap.Code;

/**
 * An OSCORE message that cannot be processed (RFC 8613 §8.2, §8.4), with the error response a
 * server sends for it: 4.01 "Security context not found", 4.00 "Decryption failed", 4.02 for a
 * malformed OSCORE option, 4.01 "Replay detected". Its message never contains keys or plaintext.
 */
public final class OscoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The diagnostic for an unknown kid or kid context (RFC 8613 §8.2 step 2). */
    public static final String CONTEXT_NOT_FOUND = "Security context not found";
    /** The diagnostic for a ciphertext that does not verify (RFC 8613 §8.2 step 6). */
    public static final String DECRYPTION_FAILED = "Decryption failed";
    /** The diagnostic for a Partial IV already received or older than the window (RFC 8613 §7.4). */
    public static final String REPLAY_DETECTED = "Replay detected";

    private final transient Code responseCode;

    /**
     * A failure answered with {@code responseCode} and the diagnostic payload {@code diagnostic}.
     */
    public OscoreException(Code responseCode, String diagnostic) {
        super(diagnostic, null, false, false);
        this.responseCode = responseCode;
    }

    /** The error response code the RFC prescribes for this failure (RFC 8613 §8.2, §8.4). */
    public Code responseCode() {
        return responseCode;
    }

    /** The diagnostic payload for the error response (RFC 7252 §5.5.2). */
    public String diagnostic() {
        return getMessage();
    }
}
