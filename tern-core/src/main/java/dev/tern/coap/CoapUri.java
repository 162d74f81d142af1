package dev.tern.coap;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * An immutable, parsed CoAP URI (RFC 7252 §6, RFC 3986).
 *
 * <p>The syntax is that of RFC 7252 §6.1 and §6.2:
 *
 * <pre>
 * coap-URI  = "coap:"  "//" host [ ":" port ] path-abempty [ "?" query ]
 * coaps-URI = "coaps:" "//" host [ ":" port ] path-abempty [ "?" query ]
 * </pre>
 *
 * plus the reliable-transport schemes {@code coap+tcp}, {@code coaps+tcp}, {@code coap+ws} and
 * {@code coaps+ws} of RFC 8323 §8, which share that syntax. Schemes are matched case-insensitively
 * and stored in lower case. A URI never has user information or a fragment (RFC 7252 §6.1,
 * §6.4 step 4).
 *
 * <p>Components are held decoded, as they travel in options (RFC 7252 §5.10.1): {@link #host()}
 * is the Uri-Host value, {@link #path()} the Uri-Path values and {@link #query()} the Uri-Query
 * values. {@link #parse(String)} follows the decomposition algorithm of RFC 7252 §6.4;
 * {@link #of(String, String, int, Options)} and {@link #toString()} follow the composition
 * algorithm of RFC 7252 §6.5. Two URIs that are equivalent under the normalisation rules of
 * RFC 7252 §6.3 (scheme and host case, default port, percent-encoding of unreserved characters)
 * parse to equal objects with equal options.
 *
 * <p>Decisions where the RFCs leave room:
 * <ul>
 *   <li>The host is converted to ASCII lower case before percent-decoding, as RFC 7252 §6.4
 *       step 5 prescribes for Uri-Host; non-ASCII letters keep their case.</li>
 *   <li>A query that is present but empty (a bare {@code ?}) yields no Uri-Query option, so
 *       {@code coap://h/p?} and {@code coap://h/p} are the same resource. (Read literally, §6.4
 *       step 9 would produce one empty Uri-Query option; common implementations produce none.)
 *       Empty arguments inside a non-empty query are kept: {@code ?a&&b} yields {@code a},
 *       {@code ""}, {@code b}.</li>
 *   <li>Dot-segments are removed from the still-encoded path (RFC 3986 §5.2.4), so only literal
 *       {@code .} and {@code ..} segments are removed; {@code %2E} decodes to a segment named
 *       {@code .}. Composition encodes such segments as {@code %2E} so that they survive a
 *       round trip.</li>
 *   <li>Percent-encoded octets must form valid UTF-8 (option values are Net-Unicode strings,
 *       RFC 7252 §3.2), and each decoded host, segment and argument must fit its option
 *       (at most 255 bytes, RFC 7252 §5.10).</li>
 *   <li>A Uri-Host option is produced only for a registered name, and never a Uri-Port option:
 *       the request goes to the URI's own port (see {@link #toOptions()}).</li>
 * </ul>
 */
public final class CoapUri {
    /** The {@code coap} scheme: CoAP over UDP (RFC 7252 §6.1). */
    public static final String COAP = "coap";
    /** The {@code coaps} scheme: CoAP over DTLS (RFC 7252 §6.2). */
    public static final String COAPS = "coaps";
    /** The {@code coap+tcp} scheme (RFC 8323 §8.1). */
    public static final String COAP_TCP = "coap+tcp";
    /** The {@code coaps+tcp} scheme (RFC 8323 §8.2). */
    public static final String COAPS_TCP = "coaps+tcp";
    /** The {@code coap+ws} scheme (RFC 8323 §8.3). */
    public static final String COAP_WS = "coap+ws";
    /** The {@code coaps+ws} scheme (RFC 8323 §8.4). */
    public static final String COAPS_WS = "coaps+ws";

    /** The default port of {@code coap} and {@code coap+tcp} (RFC 7252 §6.1, RFC 8323 §8.1). */
    public static final int DEFAULT_PORT = 5683;
    /** The default port of {@code coaps} and {@code coaps+tcp} (RFC 7252 §6.2, RFC 8323 §8.2). */
    public static final int DEFAULT_SECURE_PORT = 5684;

    private static final int MAX_OPTION_LENGTH = 255;
    private static final char[] HEX_DIGITS = "0123456789ABCDEF".toCharArray();

    // Character classes of RFC 3986 §2.2-§2.3, as bit masks over ASCII.
    private static final int UNRESERVED = 1;
    private static final int SUB_DELIM = 2;
    private static final int[] CLASSES = new int[128];

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

    /** How the host was written (RFC 3986 §3.2.2). */
    private enum HostKind {
        REG_NAME, IPV4, IPV6
    }

    private final String scheme;
    private final String host;
    private final HostKind hostKind;
    private final int port;
    private final List<String> path;
    private final List<String> query;

    private CoapUri(String scheme, String host, HostKind hostKind, int port, List<String> path, List<String> query) {
        this.scheme = scheme;
        this.host = host;
        this.hostKind = hostKind;
        this.port = port;
        this.path = List.copyOf(path);
        this.query = List.copyOf(query);
    }

    // ------------------------------------------------------------------------------------------
    // Parsing (RFC 7252 §6.4)
    // ------------------------------------------------------------------------------------------

    /**
     * Parses an absolute CoAP URI, applying the decomposition rules of RFC 7252 §6.4.
     *
     * <ul>
     *   <li>The scheme must be one of the CoAP schemes (§6.4 step 3), in any case.</li>
     *   <li>A fragment, even an empty one, is rejected (§6.1, §6.4 step 4).</li>
     *   <li>The host is an IPv4 address, a bracketed IPv6 address (optionally with an RFC 6874
     *       zone identifier such as {@code [fe80::1%25eth0]}), or a registered name, which is
     *       lower-cased and percent-decoded (§6.4 step 5). IPvFuture literals and user
     *       information are rejected; the host must not be empty.</li>
     *   <li>The port is decimal, 0 to 65535; an absent or empty port means the scheme's default
     *       (§6.4 step 6, RFC 3986 §3.2.3).</li>
     *   <li>Dot-segments are removed (RFC 3986 §5.2.4, as part of the resolution in §6.4 step 2).
     *       An empty path or {@code /} gives no segments; otherwise every segment, including an
     *       empty last one after a trailing slash, is percent-decoded into one Uri-Path value
     *       (§6.4 step 8). {@code %2F} stays inside its segment.</li>
     *   <li>A non-empty query is split on {@code &} and each argument percent-decoded into one
     *       Uri-Query value (§6.4 step 9); an empty query gives none.</li>
     * </ul>
     *
     * @param uri the URI text, ASCII only (RFC 3986 §2)
     * @return the parsed URI
     * @throws IllegalArgumentException if {@code uri} is not a valid CoAP URI; the message names
     *     the offending component
     */
    public static CoapUri parse(String uri) {
        Objects.requireNonNull(uri, "uri");
        int hash = uri.indexOf('#');
        if (hash >= 0) {
            throw invalid(uri, "a fragment ('#') is not allowed in a CoAP URI (RFC 7252 §6.1)");
        }
        int colon = uri.indexOf(':');
        if (colon < 0) {
            throw invalid(uri, "not an absolute URI: missing scheme");
        }
        String rawScheme = uri.substring(0, colon);
        if (!isValidScheme(rawScheme)) {
            throw invalid(uri, "not an absolute URI: malformed scheme '" + rawScheme + "'");
        }
        String scheme = rawScheme.toLowerCase(Locale.ROOT);
        int defaultPort = defaultPortOrMinusOne(scheme);
        if (defaultPort < 0) {
            throw invalid(uri, "unsupported scheme '" + rawScheme
                    + "' (expected coap, coaps, coap+tcp, coaps+tcp, coap+ws or coaps+ws)");
        }
        if (!uri.startsWith("//", colon + 1)) {
            throw invalid(uri, "missing authority: a CoAP URI must have the form " + scheme + "://host/...");
        }
        int authorityStart = colon + 3;
        int authorityEnd = indexOfAny(uri, "/?", authorityStart, uri.length());
        int pathEnd = indexOfAny(uri, "?", authorityEnd, uri.length());
        String authority = uri.substring(authorityStart, authorityEnd);
        String rawPath = uri.substring(authorityEnd, pathEnd);
        String rawQuery = pathEnd < uri.length() ? uri.substring(pathEnd + 1) : null;

        if (authority.indexOf('@') >= 0) {
            throw invalid(uri, "user information ('@' in the authority) is not allowed in a CoAP URI (RFC 7252 §6.1)");
        }
        String rawHost;
        String rawPort;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                throw invalid(uri, "IPv6 literal is missing its closing ']'");
            }
            rawHost = authority.substring(0, close + 1);
            String rest = authority.substring(close + 1);
            if (!rest.isEmpty() && rest.charAt(0) != ':') {
                throw invalid(uri, "unexpected '" + rest + "' after the IPv6 literal");
            }
            rawPort = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int portColon = authority.indexOf(':');
            if (portColon >= 0 && authority.indexOf(':', portColon + 1) >= 0) {
                throw invalid(uri, "more than one ':' in the authority"
                        + " (IPv6 addresses must be enclosed in brackets, RFC 3986 §3.2.2)");
            }
            rawHost = portColon < 0 ? authority : authority.substring(0, portColon);
            rawPort = portColon < 0 ? null : authority.substring(portColon + 1);
        }
        if (rawHost.isEmpty()) {
            throw invalid(uri, "missing host");
        }

        HostKind kind;
        String host;
        if (rawHost.startsWith("[")) {
            kind = HostKind.IPV6;
            host = parseIpLiteral(uri, rawHost.substring(1, rawHost.length() - 1));
        } else {
            checkChars(uri, "host", rawHost, "");
            host = decode(uri, "host", asciiLowerCase(rawHost));
            if (host.isEmpty()) {
                throw invalid(uri, "missing host");
            }
            kind = isIpv4(host) ? HostKind.IPV4 : HostKind.REG_NAME;
            if (kind == HostKind.REG_NAME) {
                checkOptionLength(uri, "host", host);
            }
        }

        int port = rawPort == null || rawPort.isEmpty() ? defaultPort : parsePort(uri, rawPort);

        String path = removeDotSegments(rawPath);
        List<String> segments = new ArrayList<>();
        if (!path.isEmpty() && !path.equals("/")) {
            // path-abempty: every segment is preceded by '/'.
            for (String raw : path.substring(1).split("/", -1)) {
                checkChars(uri, "path segment", raw, ":@");
                String segment = decode(uri, "path segment", raw);
                checkOptionLength(uri, "path segment", segment);
                segments.add(segment);
            }
        }

        List<String> arguments = new ArrayList<>();
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String raw : rawQuery.split("&", -1)) {
                checkChars(uri, "query argument", raw, ":@/?");
                String argument = decode(uri, "query argument", raw);
                checkOptionLength(uri, "query argument", argument);
                arguments.add(argument);
            }
        }
        return new CoapUri(scheme, host, kind, port, segments, arguments);
    }

    private static String parseIpLiteral(String uri, String literal) {
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

    private static int parsePort(String uri, String rawPort) {
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
    private static void checkChars(String uri, String what, String raw, String extra) {
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

    private static void checkOptionLength(String uri, String what, String value) {
        int length = value.getBytes(StandardCharsets.UTF_8).length;
        if (length > MAX_OPTION_LENGTH) {
            throw invalid(uri, what + " is " + length + " bytes long; a CoAP option holds at most "
                    + MAX_OPTION_LENGTH + " (RFC 7252 §5.10)");
        }
    }

    /** Percent-decodes {@code raw} (RFC 3986 §2.1) and decodes the octets as strict UTF-8. */
    private static String decode(String uri, String what, String raw) {
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

    // ------------------------------------------------------------------------------------------
    // Composition (RFC 7252 §6.5)
    // ------------------------------------------------------------------------------------------

    /**
     * Composes a URI from request options, following RFC 7252 §6.5.
     *
     * <p>The host is the Uri-Host option if present, otherwise {@code host} (typically the
     * destination address of the request); the port is the Uri-Port option if present, otherwise
     * {@code port}. The path and query come from the Uri-Path and Uri-Query options. A host that
     * is an IPv6 address (with or without brackets, optionally with a {@code %zone}) becomes an
     * IPv6 literal; a host that is an IPv4 address an IPv4 literal; anything else a registered
     * name, lower-cased in ASCII and percent-encoded where needed. Other options are ignored.
     *
     * @param scheme one of the CoAP schemes, in any case
     * @param host the destination host used when there is no Uri-Host option
     * @param port the destination port used when there is no Uri-Port option, 0-65535
     * @param options request options
     * @return the composed URI
     * @throws IllegalArgumentException for an unknown scheme, an empty host or an out-of-range port
     */
    public static CoapUri of(String scheme, String host, int port, Options options) {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(options, "options");
        String s = scheme.toLowerCase(Locale.ROOT);
        if (defaultPortOrMinusOne(s) < 0) {
            throw new IllegalArgumentException("unsupported scheme '" + scheme
                    + "' (expected coap, coaps, coap+tcp, coaps+tcp, coap+ws or coaps+ws)");
        }
        String h = options.uriHost().orElse(host);
        if (h.length() > 2 && h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        HostKind kind;
        int zone = h.indexOf('%');
        if (isIpv6(zone < 0 ? h : h.substring(0, zone)) && zone != h.length() - 1) {
            kind = HostKind.IPV6;
            h = zone < 0 ? asciiLowerCase(h) : asciiLowerCase(h.substring(0, zone)) + h.substring(zone);
        } else {
            h = asciiLowerCase(h);
            kind = isIpv4(h) ? HostKind.IPV4 : HostKind.REG_NAME;
        }
        OptionalInt uriPort = options.uriPort();
        int p = uriPort.isPresent() ? uriPort.getAsInt() : port;
        if (p < 0 || p > 0xFFFF) {
            throw new IllegalArgumentException("port " + p + " is out of range 0-65535");
        }
        return new CoapUri(s, h, kind, p, options.uriPath(), options.uriQuery());
    }

    /**
     * Renders the Uri-Path and Uri-Query options as a resource name such as {@code /a/b?x=1&y},
     * percent-encoded as in RFC 7252 §6.5 steps 6-8; {@code /} when there is no Uri-Path. Meant for
     * logs and command-line output.
     *
     * @param options request options; only Uri-Path and Uri-Query are read
     * @return the path and query
     */
    public static String pathAndQuery(Options options) {
        Objects.requireNonNull(options, "options");
        return resourceName(options.uriPath(), options.uriQuery());
    }

    private static String resourceName(List<String> path, List<String> query) {
        StringBuilder sb = new StringBuilder();
        for (String segment : path) {
            sb.append('/');
            if (segment.equals(".") || segment.equals("..")) {
                // Would otherwise be removed as a dot-segment when parsed again (RFC 3986 §5.2.4).
                sb.append(segment.replace(".", "%2E"));
            } else {
                encode(sb, segment, ":@", false);
            }
        }
        if (sb.length() == 0) {
            sb.append('/');
        }
        for (int i = 0; i < query.size(); i++) {
            sb.append(i == 0 ? '?' : '&');
            encode(sb, query.get(i), ":@/?", true);
        }
        return sb.toString();
    }

    /**
     * Appends {@code value} percent-encoding (as UTF-8) everything except unreserved characters,
     * sub-delims and {@code allowed}; with {@code queryArgument}, {@code &} is encoded as well.
     * RFC 7252 §6.5 step 8 keeps all sub-delims in the query, but an unencoded {@code &} would
     * split a Uri-Query argument in two when parsed again.
     */
    private static void encode(StringBuilder sb, String value, String allowed, boolean queryArgument) {
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
    private static void encodeZone(StringBuilder sb, String zone) {
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
    private static void encodeRegName(StringBuilder sb, String host) {
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

    // ------------------------------------------------------------------------------------------
    // Accessors
    // ------------------------------------------------------------------------------------------

    /**
     * The scheme in lower case, e.g. {@code coap}.
     *
     * @return the scheme
     */
    public String scheme() {
        return scheme;
    }

    /**
     * The host, decoded and without brackets: a registered name lower-cased in ASCII (RFC 7252
     * §6.4 step 5), an IPv4 address, or an IPv6 address in lower case followed, if present, by
     * {@code %} and the decoded zone identifier (e.g. {@code fe80::1%eth0}).
     *
     * @return the host, never empty
     */
    public String host() {
        return host;
    }

    /**
     * The effective port: the explicit port, or the scheme's default when absent or empty
     * (RFC 7252 §6.1, §6.2; RFC 8323 §8).
     *
     * @return the port, 0-65535
     */
    public int port() {
        return port;
    }

    /**
     * Whether the scheme requires a secured transport ({@code coaps}, {@code coaps+tcp},
     * {@code coaps+ws}; RFC 7252 §6.2, RFC 8323 §8).
     *
     * @return whether DTLS, TLS or secure WebSockets are used
     */
    public boolean isSecure() {
        return scheme.startsWith(COAPS);
    }

    /**
     * Whether the host is an IP literal or IPv4 address rather than a registered name
     * (RFC 3986 §3.2.2); such hosts are not sent as Uri-Host (RFC 7252 §6.4 step 5).
     *
     * @return whether the host is an IPv4 or IPv6 address
     */
    public boolean hostIsLiteral() {
        return hostKind != HostKind.REG_NAME;
    }

    /**
     * The decoded path segments, one per Uri-Path option (RFC 7252 §6.4 step 8); empty for an
     * empty path or {@code /}.
     *
     * @return an unmodifiable list
     */
    public List<String> path() {
        return path;
    }

    /**
     * The decoded query arguments, one per Uri-Query option (RFC 7252 §6.4 step 9); empty when
     * there is no query or the query is empty.
     *
     * @return an unmodifiable list
     */
    public List<String> query() {
        return query;
    }

    /**
     * The scheme's default port.
     *
     * @param scheme a CoAP scheme, in any case
     * @return 5683 for {@code coap} and {@code coap+tcp}, 5684 for {@code coaps} and
     *     {@code coaps+tcp}, 80 for {@code coap+ws}, 443 for {@code coaps+ws}
     * @throws IllegalArgumentException for any other scheme
     */
    public static int defaultPort(String scheme) {
        Objects.requireNonNull(scheme, "scheme");
        int p = defaultPortOrMinusOne(scheme.toLowerCase(Locale.ROOT));
        if (p < 0) {
            throw new IllegalArgumentException("unsupported scheme '" + scheme + "'");
        }
        return p;
    }

    private static int defaultPortOrMinusOne(String lowerScheme) {
        switch (lowerScheme) {
            case COAP:
            case COAP_TCP:
                return DEFAULT_PORT;
            case COAPS:
            case COAPS_TCP:
                return DEFAULT_SECURE_PORT;
            case COAP_WS:
                return 80;
            case COAPS_WS:
                return 443;
            default:
                return -1;
        }
    }

    // ------------------------------------------------------------------------------------------
    // Options (RFC 7252 §6.4 steps 5-9)
    // ------------------------------------------------------------------------------------------

    /**
     * The request options that identify this resource (RFC 7252 §6.4 steps 5-9).
     *
     * <ul>
     *   <li>Uri-Host only when the host is a registered name: a client sends to the address the
     *       host resolves to, so an IP literal is already implied by the destination (step 5).</li>
     *   <li>No Uri-Port: step 6 includes it only when the port differs from the destination
     *       port, and a client sends to {@link #port()} itself.</li>
     *   <li>One Uri-Path per path segment and one Uri-Query per query argument, in order
     *       (steps 8 and 9).</li>
     * </ul>
     *
     * The client resolves the destination address from {@link #host()} and {@link #port()} itself.
     *
     * @return the Uri-Host, Uri-Port, Uri-Path and Uri-Query options
     */
    public Options toOptions() {
        return addTo(Options.builder()).build();
    }

    /**
     * Replaces any Uri-Host, Uri-Port, Uri-Path and Uri-Query options in {@code builder} by those
     * of {@link #toOptions()}, leaving other options alone.
     *
     * @param builder the builder to update
     * @return {@code builder}
     */
    public Options.Builder addTo(Options.Builder builder) {
        Objects.requireNonNull(builder, "builder");
        builder.remove(OptionNumber.URI_HOST)
                .remove(OptionNumber.URI_PORT)
                .remove(OptionNumber.URI_PATH)
                .remove(OptionNumber.URI_QUERY);
        if (hostKind == HostKind.REG_NAME) {
            builder.add(OptionNumber.URI_HOST, host);
        }
        // §6.4 step 6: Uri-Port only when the port differs from the destination's; the client
        // sends to this URI's own port, so it is never needed here.
        for (String segment : path) {
            builder.add(OptionNumber.URI_PATH, segment);
        }
        for (String argument : query) {
            builder.add(OptionNumber.URI_QUERY, argument);
        }
        return builder;
    }

    // ------------------------------------------------------------------------------------------
    // Reference resolution (RFC 3986 §5.2)
    // ------------------------------------------------------------------------------------------

    /**
     * Resolves a URI reference against this URI as base (RFC 3986 §5.2.2), e.g. a link target or
     * a location. Supported forms: absolute CoAP URIs, network-path references ({@code //host/p}),
     * absolute paths ({@code /p}), relative paths ({@code p}, {@code ../p}), query-only references
     * ({@code ?q}) and the empty reference. The result is normalised like {@link #parse}.
     *
     * @param reference a URI reference (RFC 3986 §4.1)
     * @return the target URI
     * @throws IllegalArgumentException if the reference or the result is not a valid CoAP URI
     */
    public CoapUri resolve(String reference) {
        Objects.requireNonNull(reference, "reference");
        if (reference.indexOf('#') >= 0) {
            throw invalid(reference, "a fragment ('#') is not allowed in a CoAP URI (RFC 7252 §6.1)");
        }
        int firstDelimiter = indexOfAny(reference, ":/?", 0, reference.length());
        if (firstDelimiter >= 0 && firstDelimiter < reference.length() && reference.charAt(firstDelimiter) == ':'
                && firstDelimiter > 0) {
            return parse(reference); // has a scheme: an absolute URI
        }
        if (reference.startsWith("//")) {
            return parse(scheme + ":" + reference);
        }
        int q = reference.indexOf('?');
        String refPath = q < 0 ? reference : reference.substring(0, q);
        String refQuery = q < 0 ? null : reference.substring(q + 1);
        String basePath = resourceName(path, List.of());
        String targetPath;
        String targetQuery;
        if (refPath.isEmpty()) {
            targetPath = basePath;
            targetQuery = refQuery != null ? refQuery : baseQuery();
        } else {
            targetQuery = refQuery;
            if (refPath.startsWith("/")) {
                targetPath = refPath;
            } else {
                // RFC 3986 §5.2.3: merge with everything up to the last '/' of the base path.
                targetPath = basePath.substring(0, basePath.lastIndexOf('/') + 1) + refPath;
            }
        }
        // parse() removes the dot-segments (RFC 3986 §5.2.2, remove_dot_segments).
        return parse(scheme + "://" + authority() + targetPath + (targetQuery == null ? "" : "?" + targetQuery));
    }

    /**
     * Resolves the Location-Path and Location-Query options of a response against this request
     * URI (RFC 7252 §5.10.7): they form a relative reference of an absolute path, a query, or both.
     *
     * @param options response options; only Location-Path and Location-Query are read
     * @return the location, or this URI when neither option is present
     */
    public CoapUri resolveLocation(Options options) {
        Objects.requireNonNull(options, "options");
        List<String> locationPath = options.locationPath();
        List<String> locationQuery = options.locationQuery();
        if (locationPath.isEmpty() && locationQuery.isEmpty()) {
            return this;
        }
        String name = resourceName(locationPath, locationQuery);
        if (locationPath.isEmpty()) {
            name = name.substring(1); // query only: keep the request path
        }
        return resolve(name);
    }

    private String baseQuery() {
        String rendered = resourceName(List.of(), query);
        return query.isEmpty() ? null : rendered.substring(2);
    }

    private String authority() {
        StringBuilder sb = new StringBuilder();
        switch (hostKind) {
            case IPV6: {
                int zone = host.indexOf('%');
                sb.append('[').append(zone < 0 ? host : host.substring(0, zone));
                if (zone >= 0) {
                    sb.append("%25");
                    encodeZone(sb, host.substring(zone + 1));
                }
                sb.append(']');
                break;
            }
            case IPV4:
                sb.append(host);
                break;
            default:
                encodeRegName(sb, host);
                break;
        }
        if (port != defaultPortOrMinusOne(scheme)) {
            sb.append(':').append(port);
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------
    // Object methods
    // ------------------------------------------------------------------------------------------

    /**
     * The canonical string form, composed as in RFC 7252 §6.5: lower-case scheme and host, port
     * omitted when it is the default, {@code /} for an empty path, and percent-encoding only
     * where required (upper-case hex digits, RFC 3986 §2.1). Parsing it gives an equal URI,
     * except that a path consisting of a single empty segment is written as {@code /}, which
     * parses to no segments.
     */
    @Override
    public String toString() {
        return scheme + "://" + authority() + resourceName(path, query);
    }

    /** Equal when scheme, host (and its kind), effective port, path and query are equal. */
    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof CoapUri u
                && port == u.port
                && scheme.equals(u.scheme)
                && host.equals(u.host)
                && hostKind == u.hostKind
                && path.equals(u.path)
                && query.equals(u.query));
    }

    @Override
    public int hashCode() {
        return Objects.hash(scheme, host, hostKind, port, path, query);
    }

    // ------------------------------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------------------------------

    private static IllegalArgumentException invalid(String uri, String detail) {
        return new IllegalArgumentException("invalid CoAP URI \"" + uri + "\": " + detail);
    }

    private static boolean is(char c, int classes) {
        return c < 128 && (CLASSES[c] & classes) != 0;
    }

    /** RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). */
    private static boolean isValidScheme(String s) {
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
    private static int hexValue(char c) {
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

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static String asciiLowerCase(String s) {
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
    private static int indexOfAny(String s, String chars, int from, int to) {
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
    private static int countGroups(String run, boolean ipv4Tail) {
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

    private static void removeLastSegment(StringBuilder out) {
        int slash = out.lastIndexOf("/");
        out.setLength(Math.max(slash, 0));
    }
}
