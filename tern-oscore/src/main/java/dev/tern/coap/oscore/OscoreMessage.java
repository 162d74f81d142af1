package dev.tern.coap.oscore;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.Options;
import java.util.Objects;

/**
 * The parts of a CoAP message that OSCORE transforms (RFC 8613 §4, §5): the code, the options and
 * the payload. The header's type, Message ID and token travel unchanged and are not part of it.
 *
 * @param code the request method or response code
 * @param options the options
 * @param payload the payload, empty when there is none
 */
public record OscoreMessage(Code code, Options options, Bytes payload) {
    /** Validates that no part is null. */
    public OscoreMessage {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(payload, "payload");
    }
}
