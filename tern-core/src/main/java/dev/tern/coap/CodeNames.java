package dev.tern.coap;

import java.util.Map;

/** Registered names of codes (RFC 7252 §12.1 and later registrations). */
final class CodeNames {
    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0x01, "GET"), Map.entry(0x02, "POST"), Map.entry(0x03, "PUT"),
            Map.entry(0x04, "DELETE"), Map.entry(0x05, "FETCH"), Map.entry(0x06, "PATCH"),
            Map.entry(0x07, "iPATCH"),
            Map.entry(0x41, "Created"), Map.entry(0x42, "Deleted"), Map.entry(0x43, "Valid"),
            Map.entry(0x44, "Changed"), Map.entry(0x45, "Content"), Map.entry(0x5f, "Continue"),
            Map.entry(0x80, "Bad Request"), Map.entry(0x81, "Unauthorized"), Map.entry(0x82, "Bad Option"),
            Map.entry(0x83, "Forbidden"), Map.entry(0x84, "Not Found"), Map.entry(0x85, "Method Not Allowed"),
            Map.entry(0x86, "Not Acceptable"), Map.entry(0x88, "Request Entity Incomplete"),
            Map.entry(0x89, "Conflict"), Map.entry(0x8c, "Precondition Failed"),
            Map.entry(0x8d, "Request Entity Too Large"), Map.entry(0x8f, "Unsupported Content-Format"),
            Map.entry(0x96, "Unprocessable Entity"), Map.entry(0x9d, "Too Many Requests"),
            Map.entry(0xa0, "Internal Server Error"), Map.entry(0xa1, "Not Implemented"),
            Map.entry(0xa2, "Bad Gateway"), Map.entry(0xa3, "Service Unavailable"),
            Map.entry(0xa4, "Gateway Timeout"), Map.entry(0xa5, "Proxying Not Supported"),
            Map.entry(0xa8, "Hop Limit Reached"));

    private CodeNames() {
    }

    static String name(Code code) {
        return NAMES.getOrDefault(code.wireValue(), "");
    }
}
