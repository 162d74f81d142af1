package dev.tern.coap.proxy;

import dev.tern.coap.Block;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.Response;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.Optional;

/**
 * The CoAP view of a gateway response, for clients that want more than the HTTP mapping
 * (RFC 8075 §7 maps several CoAP codes to one HTTP status): the browser console shows them.
 * {@value #CODE} carries the CoAP response code and its name ({@code 2.05 Content}, RFC 7252 §5.9,
 * §12.1.2); {@value #OPTIONS} the response's options (RFC 7252 §5.10) as the upstream sent them,
 * after the hop-by-hop ones are removed, as a comma-separated list of {@code Name=value}
 * ({@code Content-Format=0, Max-Age=60, ETag=0x7631, Location-Path="store"}): unsigned integers in
 * decimal, strings quoted (every byte outside printable ASCII, {@code "} and {@code \} as
 * {@code \xHH}, so the header stays one line of ASCII), opaque values in hex, empty options by
 * name, unknown ones as {@code Option-N}. The list stops at {@value #MAX_CHARS} characters with
 * {@code ...}.
 */
final class CoapHeaders {
    /** The header with the CoAP response code. */
    static final String CODE = "X-CoAP-Code";
    /** The header with the CoAP response options. */
    static final String OPTIONS = "X-CoAP-Options";
    /** At most this many characters of options, so an option-heavy response cannot grow the header. */
    static final int MAX_CHARS = 2048;

    private CoapHeaders() {
    }

    /** Adds both headers for {@code r} to {@code h}. */
    static void add(Response r, HttpHeaders h) {
        h.add(CODE_NAME, CODE_TEXT[r.code().wireValue()]);
        String options = describe(r.options());
        if (!options.isEmpty()) {
            h.add(OPTIONS_NAME, options);
        }
    }

    /** The header names pre-encoded (Netty writes an {@link AsciiString} without encoding it again). */
    private static final AsciiString CODE_NAME = AsciiString.cached(CODE);
    private static final AsciiString OPTIONS_NAME = AsciiString.cached(OPTIONS);

    /** {@value #CODE} per wire value of the code (a constant table, RFC 7252 §3), pre-encoded. */
    private static final AsciiString[] CODE_TEXT = new AsciiString[256];

    static {
        for (int v = 0; v < CODE_TEXT.length; v++) {
            dev.tern.coap.Code code = dev.tern.coap.Code.valueOf(v >>> 5, v & 31);
            String reason = code.reason();
            CODE_TEXT[v] = AsciiString.cached(code + (reason.isEmpty() ? "" : " " + reason));
        }
    }

    /** The options as one line of printable ASCII, at most {@value #MAX_CHARS} characters and {@code ...}. */
    static String describe(Options options) {
        if (options.size() == 1) { // the common case (Content-Format alone): a string from the table, no copy
            String one = describe(options.get(0));
            return one.length() + 2 > MAX_CHARS ? "..." : one;
        }
        StringBuilder s = new StringBuilder();
        for (Option o : options.all()) {
            String one = describe(o);
            if (s.length() + one.length() + 2 > MAX_CHARS) {
                return s.append(s.length() == 0 ? "..." : ", ...").toString();
            }
            if (s.length() > 0) {
                s.append(", ");
            }
            s.append(one);
        }
        return s.toString();
    }

    private static String describe(Option o) {
        int n = o.number();
        String name = OptionNumber.isKnown(n) ? OptionNumber.name(n) : "Option-" + n;
        if (n == OptionNumber.BLOCK1 || n == OptionNumber.BLOCK2) {
            Optional<Block> b = Block.fromOption(o);
            if (b.isPresent()) {
                return name + "=" + b.get().num() + (b.get().more() ? "/M/" : "/_/") + b.get().size();
            }
        }
        if (o.value().isEmpty() && !OptionNumber.isKnown(n)) {
            return name;
        }
        switch (OptionNumber.format(n)) {
            case EMPTY:
                return name;
            case UINT:
                if (o.value().length() <= 1 && n < SMALL_UINTS.length && SMALL_UINTS[n] != null) {
                    return SMALL_UINTS[n][o.value().isEmpty() ? 0 : o.value().get(0) & 0xFF];
                }
                return o.value().length() <= 8 ? name + "=" + Long.toUnsignedString(o.uintValue()) : name + "=0x" + o.value().hex();
            case STRING:
                return name + "=" + quoted(o.value().toArray());
            default:
                return name + "=0x" + o.value().hex();
        }
    }

    /**
     * {@code Name=v} of the known unsigned-integer options below 64 (Content-Format, Max-Age, Accept,
     * Observe, ...) for the one-byte values 0-255, made once: the common response options cost no
     * formatting per response.
     */
    private static final String[][] SMALL_UINTS = new String[64][];

    static {
        for (int n = 0; n < SMALL_UINTS.length; n++) {
            if (OptionNumber.isKnown(n) && OptionNumber.format(n) == dev.tern.coap.OptionFormat.UINT
                    && n != OptionNumber.BLOCK1 && n != OptionNumber.BLOCK2) {
                SMALL_UINTS[n] = new String[256];
                for (int v = 0; v < 256; v++) {
                    SMALL_UINTS[n][v] = OptionNumber.name(n) + "=" + v;
                }
            }
        }
    }

    private static String quoted(byte[] value) {
        StringBuilder s = new StringBuilder("\"");
        for (byte b : value) {
            int c = b & 0xFF;
            if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
                s.append(String.format("\\x%02x", c));
            } else {
                s.append((char) c);
            }
        }
        return s.append('"').toString();
    }
}
