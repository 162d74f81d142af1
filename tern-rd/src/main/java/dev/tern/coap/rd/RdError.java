package dev.tern.coap.rd;

import dev.tern.coap.Code;
import dev.tern.coap.Response;

/** A request the directory refuses: the response code and a diagnostic payload (RFC 7252 §5.5.2). */
class RdError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Code code;

    RdError(Code code, String diagnostic) {
        super(diagnostic, null, false, false);
        this.code = code;
    }

    Response response() {
        return Response.of(code, getMessage());
    }

    Code code() {
        return code;
    }
}
