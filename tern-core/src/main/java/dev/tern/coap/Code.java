package dev.tern.coap;

/**
 * A CoAP code {@code c.dd}: a 3-bit class and a 5-bit detail (RFC 7252 §3, §12.1).
 * Class 0 holds the empty message (0.00) and the request methods; classes 2, 4 and 5 responses.
 *
 * <p>Every one of the 256 codes exists once: the constants below, {@link #valueOf},
 * {@link #fromWire} and {@link #parse} all return the same canonical instance, and decoding a
 * message returns it too, so {@code response.code() == Code.NOT_FOUND} works for responses read
 * from the wire, as does {@link #equals} (value-based). Unregistered codes (e.g. 4.31) are
 * canonical as well and round-trip unchanged (RFC 7252 §12.1).
 */
public final class Code {
    /** Every code by its wire value; declared first so that the constants below can use it. */
    private static final Code[] BY_WIRE = new Code[256];

    static {
        for (int v = 0; v < BY_WIRE.length; v++) {
            BY_WIRE[v] = new Code(v >>> 5, v & 31);
        }
    }

    /** 0.00: the empty message (RFC 7252 §4.1). */
    public static final Code EMPTY = valueOf(0, 0);
    /** 0.01 GET. */
    public static final Code GET = valueOf(0, 1);
    /** 0.02 POST. */
    public static final Code POST = valueOf(0, 2);
    /** 0.03 PUT. */
    public static final Code PUT = valueOf(0, 3);
    /** 0.04 DELETE. */
    public static final Code DELETE = valueOf(0, 4);
    /** 0.05 FETCH (RFC 8132). */
    public static final Code FETCH = valueOf(0, 5);
    /** 0.06 PATCH (RFC 8132). */
    public static final Code PATCH = valueOf(0, 6);
    /** 0.07 iPATCH (RFC 8132). */
    public static final Code IPATCH = valueOf(0, 7);
    /** 2.01 Created (RFC 7252 §5.9.1.1). */
    public static final Code CREATED = valueOf(2, 1);
    /** 2.02 Deleted. */
    public static final Code DELETED = valueOf(2, 2);
    /** 2.03 Valid. */
    public static final Code VALID = valueOf(2, 3);
    /** 2.04 Changed. */
    public static final Code CHANGED = valueOf(2, 4);
    /** 2.05 Content. */
    public static final Code CONTENT = valueOf(2, 5);
    /** 2.31 Continue (RFC 7959 §2.9.1). */
    public static final Code CONTINUE = valueOf(2, 31);
    /** 4.00 Bad Request. */
    public static final Code BAD_REQUEST = valueOf(4, 0);
    /** 4.01 Unauthorized. */
    public static final Code UNAUTHORIZED = valueOf(4, 1);
    /** 4.02 Bad Option. */
    public static final Code BAD_OPTION = valueOf(4, 2);
    /** 4.03 Forbidden. */
    public static final Code FORBIDDEN = valueOf(4, 3);
    /** 4.04 Not Found. */
    public static final Code NOT_FOUND = valueOf(4, 4);
    /** 4.05 Method Not Allowed. */
    public static final Code METHOD_NOT_ALLOWED = valueOf(4, 5);
    /** 4.06 Not Acceptable. */
    public static final Code NOT_ACCEPTABLE = valueOf(4, 6);
    /** 4.08 Request Entity Incomplete (RFC 7959 §2.9.2). */
    public static final Code REQUEST_ENTITY_INCOMPLETE = valueOf(4, 8);
    /** 4.09 Conflict (RFC 8132). */
    public static final Code CONFLICT = valueOf(4, 9);
    /** 4.12 Precondition Failed. */
    public static final Code PRECONDITION_FAILED = valueOf(4, 12);
    /** 4.13 Request Entity Too Large. */
    public static final Code REQUEST_ENTITY_TOO_LARGE = valueOf(4, 13);
    /** 4.15 Unsupported Content-Format. */
    public static final Code UNSUPPORTED_CONTENT_FORMAT = valueOf(4, 15);
    /** 4.22 Unprocessable Entity (RFC 8132). */
    public static final Code UNPROCESSABLE_ENTITY = valueOf(4, 22);
    /** 4.29 Too Many Requests (RFC 8516). */
    public static final Code TOO_MANY_REQUESTS = valueOf(4, 29);
    /** 5.00 Internal Server Error. */
    public static final Code INTERNAL_SERVER_ERROR = valueOf(5, 0);
    /** 5.01 Not Implemented. */
    public static final Code NOT_IMPLEMENTED = valueOf(5, 1);
    /** 5.02 Bad Gateway. */
    public static final Code BAD_GATEWAY = valueOf(5, 2);
    /** 5.03 Service Unavailable. */
    public static final Code SERVICE_UNAVAILABLE = valueOf(5, 3);
    /** 5.04 Gateway Timeout. */
    public static final Code GATEWAY_TIMEOUT = valueOf(5, 4);
    /** 5.05 Proxying Not Supported. */
    public static final Code PROXYING_NOT_SUPPORTED = valueOf(5, 5);
    /** 5.08 Hop Limit Reached (RFC 8768). */
    public static final Code HOP_LIMIT_REACHED = valueOf(5, 8);

    private final int codeClass;
    private final int detail;

    private Code(int codeClass, int detail) {
        this.codeClass = codeClass;
        this.detail = detail;
    }

    /**
     * The canonical code {@code codeClass.detail} (RFC 7252 §3): the registered constant, or the
     * one instance of an unregistered code.
     *
     * @param codeClass the class, 0..7
     * @param detail the detail, 0..31
     * @throws IllegalArgumentException when a value is out of range
     */
    public static Code valueOf(int codeClass, int detail) {
        if (codeClass < 0 || codeClass > 7 || detail < 0 || detail > 31) {
            throw new IllegalArgumentException("code out of range: " + codeClass + "." + detail);
        }
        return BY_WIRE[codeClass << 5 | detail];
    }

    /** The class, 0..7 (RFC 7252 §3). */
    public int codeClass() {
        return codeClass;
    }

    /** The detail, 0..31 (RFC 7252 §3). */
    public int detail() {
        return detail;
    }

    /** The code for an 8-bit wire value. */
    public static Code fromWire(int value) {
        return BY_WIRE[value & 0xFF];
    }

    /** Parses {@code "c.dd"} such as {@code "2.05"}. */
    public static Code parse(String text) {
        int dot = text.indexOf('.');
        if (dot < 1) {
            throw new IllegalArgumentException("not a CoAP code: " + text);
        }
        return valueOf(Integer.parseInt(text.substring(0, dot)), Integer.parseInt(text.substring(dot + 1)));
    }

    /** The 8-bit value on the wire. */
    public int wireValue() {
        return codeClass << 5 | detail;
    }

    /** 0.00. */
    public boolean isEmpty() {
        return codeClass == 0 && detail == 0;
    }

    /** Class 0 with a non-zero detail: a request method. */
    public boolean isRequest() {
        return codeClass == 0 && detail != 0;
    }

    /** Class 2, 4 or 5. */
    public boolean isResponse() {
        return codeClass == 2 || codeClass == 4 || codeClass == 5;
    }

    /** Class 2. */
    public boolean isSuccess() {
        return codeClass == 2;
    }

    /** Class 1, 3, 6 or 7: reserved (RFC 7252 §12.1). */
    public boolean isReserved() {
        return codeClass == 1 || codeClass == 3 || codeClass >= 6;
    }

    /** The registered name, e.g. "Content", or an empty string for unregistered codes. */
    public String reason() {
        return CodeNames.name(this);
    }

    /** Value-based: the same class and detail (there is one instance of each, so {@code ==} agrees). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Code c && c.codeClass == codeClass && c.detail == detail;
    }

    /** The wire value. */
    @Override
    public int hashCode() {
        return wireValue();
    }

    /** {@code c.dd}, e.g. {@code 2.05}. */
    @Override
    public String toString() {
        return codeClass + "." + (detail < 10 ? "0" : "") + detail;
    }
}
