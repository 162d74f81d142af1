package dev.tern.coap;

/**
 * A block-wise transfer (RFC 7959) could not be completed by the client: the representation
 * changed between blocks (a different ETag, §2.4), the server sent a block that does not fit, the
 * body grew (or its Size2, §4, announced it) beyond {@link EndpointConfig#maxBodySize()}, or the
 * downloads in progress would exceed {@link EndpointConfig#maxClientBlockwiseBytes()}.
 */
public final class CoapBlockwiseException extends CoapException {
    private static final long serialVersionUID = 1L;

    /** With the precise reason. */
    public CoapBlockwiseException(String message) {
        super(message);
    }
}
