package dev.tern.coap;

/** Request methods (RFC 7252 §5.8, RFC 8132 FETCH/PATCH/iPATCH). */
public enum Method {
    /** GET: safe and idempotent (RFC 7252 §5.8.1). */
    GET(Code.GET),
    /** POST: neither safe nor idempotent (RFC 7252 §5.8.2). */
    POST(Code.POST),
    /** PUT: idempotent (RFC 7252 §5.8.3). */
    PUT(Code.PUT),
    /** DELETE: idempotent (RFC 7252 §5.8.4). */
    DELETE(Code.DELETE),
    /** FETCH: safe and idempotent, with a request body (RFC 8132 §2). */
    FETCH(Code.FETCH),
    /** PATCH: neither safe nor idempotent (RFC 8132 §3). */
    PATCH(Code.PATCH),
    /** iPATCH: idempotent PATCH (RFC 8132 §3). */
    IPATCH(Code.IPATCH);

    private static final Method[] BY_DETAIL = new Method[8];

    static {
        for (Method m : values()) {
            BY_DETAIL[m.code.detail()] = m;
        }
    }

    private final Code code;

    Method(Code code) {
        this.code = code;
    }

    /** The request code, e.g. 0.01 for GET. */
    public Code code() {
        return code;
    }

    /** The method for a request code; empty when the code is not a known method. */
    public static java.util.Optional<Method> of(Code code) {
        if (code.codeClass() != 0 || code.detail() >= BY_DETAIL.length) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.ofNullable(BY_DETAIL[code.detail()]);
    }

    /** Whether repeating the request has the same effect as sending it once. */
    public boolean isIdempotent() {
        return this != POST && this != PATCH;
    }

    /** The name as written in RFCs, e.g. {@code iPATCH}. */
    public String wireName() {
        return this == IPATCH ? "iPATCH" : name();
    }
}
