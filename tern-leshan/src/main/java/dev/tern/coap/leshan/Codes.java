package dev.tern.coap.leshan;

import dev.tern.coap.Code;
import org.eclipse.leshan.core.ResponseCode;

/** CoAP response codes (RFC 7252 §12.1.2, c.dd) as Leshan's LwM2M codes (c * 100 + dd) and back. */
final class Codes {
    private Codes() {
    }

    static ResponseCode toLwM2m(Code code) {
        return ResponseCode.fromCode(code.codeClass() * 100 + code.detail());
    }

    static Code toCoap(ResponseCode code) {
        return Code.valueOf(code.getCode() / 100, code.getCode() % 100);
    }
}
