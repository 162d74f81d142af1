package dev.tern.coap;

/**
 * A block-wise transfer (RFC 7959) could not be completed by the client: the representation
 * changed between blocks (a different ETag, §2.4), the server sent a block that does not fit, or
 * the body grew beyond {@link EndpointConfig#maxBodySize()}.
 */
public final class CoapBlockwiseException extends CoapException {
    private static final long serialVersionUID = 1L;

    /** With the precise reason. */
    public CoapBlockwiseException(String message) {
        super(message);
    }
}
