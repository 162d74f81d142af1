package dev.tern.coap.proxy;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Method;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The pure parts of the HTTP-CoAP mapping (RFC 8075): methods (§4), response codes (§7, Table 2),
 * media types and Content-Formats (§6), ETags (§7.1 of RFC 7232 against §5.10.6 of RFC 7252).
 */
final class HttpMapping {
    /** The media type of a CoAP payload whose Content-Format has no registered media type (RFC 8075 §6.3). */
    static final String COAP_PAYLOAD = "application/coap-payload";

    private HttpMapping() {
    }

    /**
     * The CoAP method of an HTTP method (RFC 8075 §4; FETCH and PATCH by RFC 8132; HEAD is a GET whose
     * body the HTTP codec leaves out); empty when none.
     */
    static Optional<Method> method(String http) {
        switch (http) {
            case "GET":
            case "HEAD":
                return Optional.of(Method.GET);
            case "POST":
                return Optional.of(Method.POST);
            case "PUT":
                return Optional.of(Method.PUT);
            case "DELETE":
                return Optional.of(Method.DELETE);
            case "FETCH":
                return Optional.of(Method.FETCH);
            case "PATCH":
                return Optional.of(Method.PATCH);
            default:
                return Optional.empty();
        }
    }

    /**
     * The HTTP status of a CoAP response code (RFC 8075 §7, Table 2). {@code conditional}: the
     * HTTP request carried If-None-Match with ETags, so 2.03 Valid becomes 304 Not Modified;
     * {@code hasPayload}: 2.02 and 2.04 are 200 with a body, 204 without.
     */
    static int status(Code code, boolean conditional, boolean hasPayload) {
        int c = code.codeClass();
        int d = code.detail();
        if (c == 2) {
            switch (d) {
                case 1:
                    return 201;
                case 2:
                case 4:
                    return hasPayload ? 200 : 204;
                case 3:
                    return conditional ? 304 : 200;
                default:
                    return 200;
            }
        }
        if (c == 4) {
            switch (d) {
                case 1: // 4.01 Unauthorized: HTTP 401 would need a WWW-Authenticate challenge
                case 3:
                    return 403;
                case 4:
                    return 404;
                case 6:
                    return 406;
                case 9:
                    return 409;
                case 12:
                    return 412;
                case 13:
                    return 413;
                case 15:
                    return 415;
                case 22:
                    return 422;
                case 29:
                    return 429;
                default: // 4.00, 4.02 Bad Option, 4.05 (RFC 8075 Table 2: 400), 4.08
                    return 400;
            }
        }
        if (c == 5) {
            switch (d) {
                case 1:
                    return 501;
                case 2:
                case 5: // 5.05 Proxying Not Supported: Bad Gateway
                    return 502;
                case 3:
                    return 503;
                case 4:
                    return 504;
                case 8: // 5.08 Hop Limit Reached (RFC 8768 §3): Loop Detected
                    return 508;
                default:
                    return 500;
            }
        }
        return 502; // a response code the gateway does not understand
    }

    /**
     * The HTTP Content-Type of a CoAP Content-Format (RFC 8075 §6.1): the registered media type,
     * or {@code application/coap-payload; cf=N} (§6.3) when it has none.
     */
    static String contentType(int format) {
        String known = format >= 0 && format < CONTENT_TYPES.length ? CONTENT_TYPES[format] : null;
        return known != null ? known : ContentFormat.mediaType(format).orElseGet(() -> COAP_PAYLOAD + "; cf=" + format);
    }

    /**
     * The CoAP Content-Format of an HTTP Content-Type (RFC 8075 §6.2): a registered media type
     * (parameters other than charset=utf-8 make it unknown), {@code application/coap-payload; cf=N},
     * and {@code application/octet-stream} (42) for every other type.
     */
    static int contentFormat(String contentType) {
        String t = contentType.trim().toLowerCase(Locale.ROOT);
        int semi = t.indexOf(';');
        String base = (semi < 0 ? t : t.substring(0, semi)).trim();
        String params = semi < 0 ? "" : t.substring(semi + 1).replace(" ", "").replace("\"", "");
        if (base.equals(COAP_PAYLOAD)) {
            for (String p : params.split(";")) {
                if (p.startsWith("cf=")) {
                    OptionalInt n = number(p.substring(3));
                    if (n.isPresent()) {
                        return n.getAsInt();
                    }
                }
            }
            return ContentFormat.OCTET_STREAM;
        }
        if (base.equals("text/plain") && (params.isEmpty() || params.equals("charset=utf-8"))) {
            return ContentFormat.TEXT_PLAIN;
        }
        if (!params.isEmpty() && !params.equals("charset=utf-8")) {
            return ContentFormat.OCTET_STREAM;
        }
        for (int candidate : REGISTERED) {
            if (ContentFormat.mediaType(candidate).orElse("").equals(base)) {
                return candidate;
            }
        }
        return ContentFormat.OCTET_STREAM;
    }

    /** The Accept option for an HTTP Accept header: a single registered type, else none (RFC 8075 §6.2). */
    static OptionalInt accept(String acceptHeader) {
        String[] choices = acceptHeader.split(",");
        if (choices.length != 1) {
            return OptionalInt.empty();
        }
        String t = choices[0].trim();
        int q = t.indexOf(";q=");
        if (q >= 0) {
            t = t.substring(0, q);
        }
        if (t.contains("*")) {
            return OptionalInt.empty();
        }
        int cf = contentFormat(t);
        return cf == ContentFormat.OCTET_STREAM && !t.startsWith("application/octet-stream")
                && !t.startsWith(COAP_PAYLOAD) ? OptionalInt.empty() : OptionalInt.of(cf);
    }

    /** The HTTP entity tag of a CoAP ETag: its bytes in hex, quoted (RFC 7232 §2.3). */
    static String etag(Bytes etag) {
        return "\"" + etag.hex() + "\"";
    }

    /**
     * The CoAP ETags (RFC 7252 §5.10.6) of an HTTP If-Match or If-None-Match list of entity tags
     * this gateway issued ({@link #etag}); weak tags and tags of other shapes are left out.
     */
    static List<Bytes> etags(String header) {
        List<Bytes> out = new ArrayList<>();
        for (String part : header.split(",")) {
            String t = part.trim();
            if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) {
                String hex = t.substring(1, t.length() - 1);
                if (hex.length() >= 2 && hex.length() <= 16 && hex.length() % 2 == 0
                        && hex.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
                    out.add(Bytes.wrap(HexFormat.of().parseHex(hex)));
                }
            }
        }
        return out;
    }

    private static OptionalInt number(String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit)) {
            return OptionalInt.empty();
        }
        int n = Integer.parseInt(s);
        return n <= 0xFFFF ? OptionalInt.of(n) : OptionalInt.empty();
    }

    /** {@link #contentType} of the registered formats below 256, computed once (the common ones). */
    private static final String[] CONTENT_TYPES = new String[256];

    private static final int[] REGISTERED = {ContentFormat.TEXT_PLAIN, ContentFormat.LINK_FORMAT,
        ContentFormat.XML, ContentFormat.OCTET_STREAM, ContentFormat.EXI, ContentFormat.JSON,
        ContentFormat.JSON_PATCH_JSON, ContentFormat.MERGE_PATCH_JSON, ContentFormat.CBOR, ContentFormat.CWT,
        ContentFormat.SENML_JSON, ContentFormat.SENSML_JSON, ContentFormat.SENML_CBOR, ContentFormat.SENSML_CBOR,
        ContentFormat.SENML_EXI, ContentFormat.SENSML_EXI, ContentFormat.SENML_XML, ContentFormat.SENSML_XML,
        ContentFormat.COAP_GROUP_JSON, ContentFormat.LINK_FORMAT_CBOR, ContentFormat.LINK_FORMAT_JSON};

    static {
        for (int f = 0; f < CONTENT_TYPES.length; f++) {
            CONTENT_TYPES[f] = ContentFormat.mediaType(f).orElse(null);
        }
    }
}
