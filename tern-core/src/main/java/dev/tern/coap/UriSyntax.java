package dev.tern.coap;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The character-level syntax under {@link CoapUri} (RFC 3986, RFC 6874, RFC 7252 §6): character
 * classes, percent-encoding and -decoding, IP literals, ports, dot-segment removal. Stateless.
 */
final class UriSyntax {
    static final int MAX_OPTION_LENGTH = 255;
    static final char[] HEX_DIGITS = "0123456789ABCDEF".toCharArray();

    // Character classes of RFC 3986 §2.2-§2.3, as bit masks over ASCII.
    static final int UNRESERVED = 1;
    static final int SUB_DELIM = 2;
    static final int[] CLASSES = new int[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            CLASSES[c] = UNRESERVED;
            CLASSES[c - 'a' + 'A'] = UNRESERVED;
        }
        for (char c = '0'; c <= '9'; c++) {
            CLASSES[c] = UNRESERVED;
        }
        for (char c : "-._~".toCharArray()) {
            CLASSES[c] = UNRESERVED;
        }
        for (char c : "!$&'()*+,;=".toCharArray()) {
            CLASSES[c] = SUB_DELIM;
        }
    }

    private UriSyntax() {
    }

    static String parseIpLiteral(String uri, String literal) {
        if (!literal.isEmpty() && (literal.charAt(0) == 'v' || literal.charAt(0) == 'V')) {
            throw invalid(uri, "IPvFuture literals are not supported: [" + literal + "]");
        }
        int zone = literal.indexOf('%');
        String address = zone < 0 ? literal : literal.substring(0, zone);
        if (!isIpv6(address)) {
            throw invalid(uri, "malformed IPv6 address [" + literal + "]");
        }
        String result = asciiLowerCase(address);
        if (zone >= 0) {
            // RFC 6874 §2: IPv6addrz = IPv6address "%25" ZoneID; ZoneID = 1*( unreserved / pct-encoded )
            if (!literal.startsWith("%25", zone) || literal.length() == zone + 3) {
                throw invalid(uri, "malformed IPv6 zone identifier in [" + literal
                        + "] (expected %25 followed by the zone, RFC 6874)");
            }
            String rawZone = literal.substring(zone + 3);
            for (int i = 0; i < rawZone.length(); i++) {
                char c = rawZone.charAt(i);
                if (c != '%' && !is(c, UNRESERVED)) {
                    throw invalid(uri, "illegal character '" + c + "' in IPv6 zone identifier");
                }
            }
            result += "%" + decode(uri, "IPv6 zone identifier", rawZone);
        }
        return result;
    }

    static int parsePort(String uri, String rawPort) {
        for (int i = 0; i < rawPort.length(); i++) {
            char c = rawPort.charAt(i);
            if (c < '0' || c > '9') {
                throw invalid(uri, "port '" + rawPort + "' is not a decimal number");
            }
        }
        int zeros = 0;
        while (zeros < rawPort.length() - 1 && rawPort.charAt(zeros) == '0') {
            zeros++; // leading zeros, but not the last digit
        }
        String digits = rawPort.substring(zeros);
        if (digits.length() > 5 || Integer.parseInt(digits) > 0xFFFF) {
            throw invalid(uri, "port " + rawPort + " is out of range 0-65535");
        }
        return Integer.parseInt(digits);
    }

    /**
     * Checks that {@code raw} holds only unreserved characters, sub-delims, {@code '%'} and the
     * {@code extra} characters (RFC 3986 §3.2.2 reg-name, §3.3 pchar, §3.4 query); the
     * percent-encodings themselves are validated by {@link #decode}.
     */
    static void checkChars(String uri, String what, String raw, String extra) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' || is(c, UNRESERVED | SUB_DELIM) || extra.indexOf(c) >= 0) {
                continue;
            }
            String shown = c < 0x20 || c == 0x7F ? String.format("U+%04X", (int) c) : "'" + c + "'";
            String hint = c > 0x7F || c == ' ' ? " (percent-encode it)" : "";
            throw invalid(uri, "illegal character " + shown + " in " + what + " '" + raw + "'" + hint);
        }
    }

    static void checkOptionLength(String uri, String what, String value) {
        int length = value.getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_OPTION_LENGTH) {
            throw invalid(uri, what + " is " + length + " bytes long; a CoAP option holds at most "
                    + MAX_OPTION_LENGTH + " (RFC 7252 §5.10)");
        }
    }

    /** Percent-decodes {@code raw} (RFC 3986 §2.1) and decodes the octets as strict UTF-8. */
    static String decode(String uri, String what, String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        byte[] bytes = new byte[raw.length()];
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 1 < raw.length() ? hexValue(raw.charAt(i + 1)) : -1;
                int lo = i + 2 < raw.length() ? hexValue(raw.charAt(i + 2)) : -1;
                if (hi < 0 || lo < 0) {
                    String bad = raw.substring(i, Math.min(i + 3, raw.length()));
                    throw invalid(uri, "malformed percent-encoding '" + bad + "' in " + what + " '" + raw + "'");
                }
                bytes[n++] = (byte) (hi << 4 | lo);
                i += 2;
            } else {
                bytes[n++] = (byte) c;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, n))
                    .toString();
        } catch (CharacterCodingException e) {
            throw invalid(uri, "percent-encoded octets in " + what + " '" + raw + "' are not valid UTF-8");
        }
    }

    /**
     * Appends {@code value} percent-encoding (as UTF-8) everything except unreserved characters,
     * sub-delims and {@code allowed}; with {@code queryArgument}, {@code &} is encoded as well.
     * RFC 7252 §6.5 step 8 keeps all sub-delims in the query, but an unencoded {@code &} would
     * split a Uri-Query argument in two when parsed again.
     */
    static void encode(StringBuilder sb, String value, String allowed, boolean queryArgument) {
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            boolean keep = c < 0x80 && (is((char) c, UNRESERVED | SUB_DELIM) || allowed.indexOf(c) >= 0);
            if (keep && !(queryArgument && c == '&')) {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX_DIGITS[c >> 4]).append(HEX_DIGITS[c & 0xF]);
            }
        }
    }

    /** An IPv6 zone identifier (RFC 6874: unreserved or percent-encoded only, no sub-delims). */
    static void encodeZone(StringBuilder sb, String zone) {
        for (byte b : zone.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c < 0x80 && is((char) c, UNRESERVED)) {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX_DIGITS[c >> 4]).append(HEX_DIGITS[c & 0xF]);
            }
        }
    }

    /**
     * A registered name: as {@link #encode}, and an upper-case ASCII letter (from a percent-encoding
     * such as {@code %50}, kept as decoded by RFC 7252 §6.4 step 5) percent-encoded too, since a
     * literal one would be lower-cased when parsed again.
     */
    static void encodeRegName(StringBuilder sb, String host) {
        int from = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                encode(sb, host.substring(from, i), "", false);
                sb.append('%').append(HEX_DIGITS[c >> 4]).append(HEX_DIGITS[c & 0xF]);
                from = i + 1;
            }
        }
        encode(sb, host.substring(from), "", false);
    }

    static IllegalArgumentException invalid(String uri, String detail) {
        return new IllegalArgumentException("invalid CoAP URI \"" + uri + "\": " + detail);
    }

    static boolean is(char c, int classes) {
        return c < 128 && (CLASSES[c] & classes) != 0;
    }

    /** RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
    static boolean isValidScheme(String s) {
        if (s.isEmpty() || !isAsciiLetter(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** The value of an ASCII hexadecimal digit, or -1. */
    static int hexValue(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static String asciiLowerCase(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                if (sb == null) {
                    sb = new StringBuilder(s);
                }
                sb.setCharAt(i, (char) (c + ('a' - 'A')));
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** The index of the first character of {@code chars} in {@code s[from, to)}, or {@code to}. */
    static int indexOfAny(String s, String chars, int from, int to) {
        for (int i = from; i < to; i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return to;
    }

    /**
     * RFC 3986 §3.2.2: IPv4address = dec-octet "." dec-octet "." dec-octet "." dec-octet, where a
     * dec-octet is 0-255 without leading zeros.
     */
    static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
                return false;
            }
            for (int i = 0; i < part.length(); i++) {
                if (part.charAt(i) < '0' || part.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /**
     * RFC 3986 §3.2.2 IPv6address: eight groups of one to four hex digits, the last two of which may
     * be written as an IPv4 address, with at most one {@code ::} standing for one or more zero groups.
     */
    static boolean isIpv6(String s) {
        int gap = s.indexOf("::");
        if (gap < 0) {
            return countGroups(s, true) == 8;
        }
        if (s.indexOf("::", gap + 1) >= 0) {
            return false;
        }
        int head = countGroups(s.substring(0, gap), false);
        int tail = countGroups(s.substring(gap + 2), true);
        return head >= 0 && tail >= 0 && head + tail <= 7;
    }

    /** The number of 16-bit groups in a colon-separated run, or -1 if malformed. */
    static int countGroups(String run, boolean ipv4Tail) {
        if (run.isEmpty()) {
            return 0;
        }
        String[] groups = run.split(":", -1);
        int count = 0;
        for (int g = 0; g < groups.length; g++) {
            String group = groups[g];
            if (ipv4Tail && g == groups.length - 1 && group.indexOf('.') >= 0) {
                if (!isIpv4(group)) {
                    return -1;
                }
                count += 2;
                continue;
            }
            if (group.isEmpty() || group.length() > 4) {
                return -1;
            }
            for (int i = 0; i < group.length(); i++) {
                if (hexValue(group.charAt(i)) < 0) {
                    return -1;
                }
            }
            count++;
        }
        return count;
    }

    /** RFC 3986 §5.2.4 remove_dot_segments, applied to the still-encoded path. */
    static String removeDotSegments(String input) {
        StringBuilder out = new StringBuilder();
        String in = input;
        while (!in.isEmpty()) {
            if (in.startsWith("../")) {
                in = in.substring(3);                       // A
            } else if (in.startsWith("./")) {
                in = in.substring(2);                       // A
            } else if (in.startsWith("/./")) {
                in = in.substring(2);                       // B
            } else if (in.equals("/.")) {
                in = "/";                                   // B
            } else if (in.startsWith("/../")) {
                in = in.substring(3);                       // C
                removeLastSegment(out);
            } else if (in.equals("/..")) {
                in = "/";                                   // C
                removeLastSegment(out);
            } else if (in.equals(".") || in.equals("..")) {
                in = "";                                    // D
            } else {
                int next = in.indexOf('/', in.startsWith("/") ? 1 : 0);   // E
                if (next < 0) {
                    next = in.length();
                }
                out.append(in, 0, next);
                in = in.substring(next);
            }
        }
        return out.toString();
    }

    static void removeLastSegment(StringBuilder out) {
        int slash = out.lastIndexOf("/");
        out.setLength(Math.max(slash, 0));
    }
}
