package dev.tern.coap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The CoRE Link Format (RFC 6690), Content-Format {@link ContentFormat#LINK_FORMAT} (40): parsing,
 * serializing and the {@code /.well-known/core} query filter.
 *
 * <pre>{@code
 * List<Link> links = LinkFormat.parse("</sensors/temp>;rt=\"temperature-c\";if=sensor,</light>;obs");
 * List<Link> temps = LinkFormat.filter(links, List.of("rt=temperature*"));
 * String doc = LinkFormat.format(temps);   // </sensors/temp>;rt="temperature-c";if="sensor"
 * }</pre>
 */
public final class LinkFormat {
    /** The well-known resource of RFC 6690 §4 (RFC 8615). */
    public static final String WELL_KNOWN_CORE = "/.well-known/core";

    private LinkFormat() {
    }

    /**
     * Parses a link-format document (RFC 6690 §2 {@code link-value-list}). Values may be quoted
     * strings (which may contain {@code ,} and {@code ;}, and {@code \} escapes) or tokens; optional
     * whitespace, including line breaks, is accepted around {@code ,}, {@code ;} and {@code =}. An
     * empty or blank document has no links. Runs in time linear in the length of {@code text}.
     *
     * @throws LinkFormatException (an {@link IllegalArgumentException}) on input that does not follow
     *     the grammar, e.g. a trailing {@code ,} or an unterminated quoted string
     */
    public static List<Link> parse(String text) {
        Objects.requireNonNull(text, "text");
        return Collections.unmodifiableList(LinkParser.parse(text));
    }

    /**
     * The links as a link-format document (RFC 6690 §2): separated by {@code ,}, attribute values that
     * are numbers unquoted, other values quoted, attributes without a value as bare names.
     */
    public static String format(List<Link> links) {
        StringBuilder sb = new StringBuilder();
        for (Link l : links) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            LinkSyntax.append(sb, l);
        }
        return sb.toString();
    }

    /**
     * Whether {@code link} matches one query argument of a {@code /.well-known/core} request
     * (RFC 6690 §4.1), such as {@code rt=temperature-c}, {@code href=/sensors*} or {@code obs}:
     * <ul>
     *   <li>{@code href=V} compares V with the link target;</li>
     *   <li>{@code NAME=V} matches when one of the link's NAME values equals V; the values of
     *       {@code rt}, {@code if}, {@code rel} and {@code ct} are compared one by one (space-separated
     *       lists), others whole;</li>
     *   <li>a V ending with {@code *} matches every value that starts with what precedes the
     *       {@code *} ({@code rt=*} matches any link with an {@code rt});</li>
     *   <li>{@code NAME} without {@code =} matches a link that has the attribute.</li>
     * </ul>
     * Names are case-insensitive, values case-sensitive. An empty argument matches every link.
     */
    public static boolean matches(Link link, String query) {
        Objects.requireNonNull(link, "link");
        int eq = query.indexOf('=');
        String name = (eq < 0 ? query : query.substring(0, eq)).toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            return eq < 0;
        }
        if (name.equals("href")) {
            return eq < 0 || valueMatches(link.target(), query.substring(eq + 1));
        }
        if (eq < 0) {
            return link.has(name);
        }
        String pattern = query.substring(eq + 1);
        for (String v : link.values(name)) {
            if (valueMatches(v, pattern)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The links that match every one of {@code queries} (the request's Uri-Query arguments,
     * RFC 6690 §4.1), in their order; see {@link #matches(Link, String)}. RFC 6690 defines a single
     * argument; several must all match.
     */
    public static List<Link> filter(List<Link> links, List<String> queries) {
        List<Link> out = new ArrayList<>(links.size());
        for (Link l : links) {
            boolean all = true;
            for (String q : queries) {
                if (!matches(l, q)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                out.add(l);
            }
        }
        return Collections.unmodifiableList(out);
    }

    private static boolean valueMatches(String value, String pattern) {
        return pattern.endsWith("*") ? value.startsWith(pattern.substring(0, pattern.length() - 1))
                : value.equals(pattern);
    }
}
