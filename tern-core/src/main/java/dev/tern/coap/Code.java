package dev.tern.coap;

/**
 * A CoAP code {@code c.dd}: a 3-bit class and a 5-bit detail (RFC 7252 §3, §12.1).
 * Class 0 holds the empty message (0.00) and the request methods; classes 2, 4 and 5 responses.
 *
 * @param codeClass the class, 0..7
 * @param detail the detail, 0..31
 */
public record Code(int codeClass, int detail) {
    /** 0.00: the empty message (RFC 7252 §4.1). */
    public static final Code EMPTY = new Code(0, 0);
    /** 0.01 GET. */
    public static final Code GET = new Code(0, 1);
    /** 0.02 POST. */
    public static final Code POST = new Code(0, 2);
    /** 0.03 PUT. */
    public static final Code PUT = new Code(0, 3);
    /** 0.04 DELETE. */
    public static final Code DELETE = new Code(0, 4);
    /** 0.05 FETCH (RFC 8132). */
    public static final Code FETCH = new Code(0, 5);
    /** 0.06 PATCH (RFC 8132). */
    public static final Code PATCH = new Code(0, 6);
    /** 0.07 iPATCH (RFC 8132). */
    public static final Code IPATCH = new Code(0, 7);
    /** 2.01 Created (RFC 7252 §5.9.1.1). */
    public static final Code CREATED = new Code(2, 1);
    /** 2.02 Deleted. */
    public static final Code DELETED = new Code(2, 2);
    /** 2.03 Valid. */
    public static final Code VALID = new Code(2, 3);
    /** 2.04 Changed. */
    public static final Code CHANGED = new Code(2, 4);
    /** 2.05 Content. */
    public static final Code CONTENT = new Code(2, 5);
    /** 2.31 Continue (RFC 7959 §2.9.1). */
    public static final Code CONTINUE = new Code(2, 31);
    /** 4.00 Bad Request. */
    public static final Code BAD_REQUEST = new Code(4, 0);
    /** 4.01 Unauthorized. */
    public static final Code UNAUTHORIZED = new Code(4, 1);
    /** 4.02 Bad Option. */
    public static final Code BAD_OPTION = new Code(4, 2);
    /** 4.03 Forbidden. */
    public static final Code FORBIDDEN = new Code(4, 3);
    /** 4.04 Not Found. */
    public static final Code NOT_FOUND = new Code(4, 4);
    /** 4.05 Method Not Allowed. */
    public static final Code METHOD_NOT_ALLOWED = new Code(4, 5);
    /** 4.06 Not Acceptable. */
    public static final Code NOT_ACCEPTABLE = new Code(4, 6);
    /** 4.08 Request Entity Incomplete (RFC 7959 §2.9.2). */
    public static final Code REQUEST_ENTITY_INCOMPLETE = new Code(4, 8);
    /** 4.09 Conflict (RFC 8132). */
    public static final Code CONFLICT = new Code(4, 9);
    /** 4.12 Precondition Failed. */
    public static final Code PRECONDITION_FAILED = new Code(4, 12);
    /** 4.13 Request Entity Too Large. */
    public static final Code REQUEST_ENTITY_TOO_LARGE = new Code(4, 13);
    /** 4.15 Unsupported Content-Format. */
    public static final Code UNSUPPORTED_CONTENT_FORMAT = new Code(4, 15);
    /** 4.22 Unprocessable Entity (RFC 8132). */
    public static final Code UNPROCESSABLE_ENTITY = new Code(4, 22);
    /** 4.29 Too Many Requests (RFC 8516). */
    public static final Code TOO_MANY_REQUESTS = new Code(4, 29);
    /** 5.00 Internal Server Error. */
    public static final Code INTERNAL_SERVER_ERROR = new Code(5, 0);
    /** 5.01 Not Implemented. */
    public static final Code NOT_IMPLEMENTED = new Code(5, 1);
    /** 5.02 Bad Gateway. */
    public static final Code BAD_GATEWAY = new Code(5, 2);
    /** 5.03 Service Unavailable. */
    public static final Code SERVICE_UNAVAILABLE = new Code(5, 3);
    /** 5.04 Gateway Timeout. */
    public static final Code GATEWAY_TIMEOUT = new Code(5, 4);
    /** 5.05 Proxying Not Supported. */
    public static final Code PROXYING_NOT_SUPPORTED = new Code(5, 5);
    /** 5.08 Hop Limit Reached (RFC 8768). */
    public static final Code HOP_LIMIT_REACHED = new Code(5, 8);

    /** Every code by its wire value, so that decoding allocates none. */
    private static final Code[] BY_WIRE = new Code[256];

    static {
        for (int v = 0; v < BY_WIRE.length; v++) {
            BY_WIRE[v] = new Code(v >>> 5, v & 31);
        }
    }

    /** Validates the ranges. */
    public Code {
        if (codeClass < 0 || codeClass > 7 || detail < 0 || detail > 31) {
            throw new IllegalArgumentException("code out of range: " + codeClass + "." + detail);
        }
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
        return new Code(Integer.parseInt(text.substring(0, dot)), Integer.parseInt(text.substring(dot + 1)));
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

    /** {@code c.dd}, e.g. {@code 2.05}. */
    @Override
    public String toString() {
        return codeClass + "." + (detail < 10 ? "0" : "") + detail;
    }
}
