package dev.tern.coap;

/**
 * A CoRE Link Format document (RFC 6690 §2) that does not follow the grammar, with the position
 * (a {@code char} index into the text) where parsing stopped.
 */
public final class LinkFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int position;

    LinkFormatException(String detail, int position) {
        super("link-format: " + detail + " at position " + position);
        this.position = position;
    }

    /** The index of the first character that does not fit the grammar (RFC 6690 §2). */
    public int position() {
        return position;
    }
}
