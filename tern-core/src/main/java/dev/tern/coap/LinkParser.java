package dev.tern.coap;

import java.util.ArrayList;
import java.util.List;

/**
 * A one-pass parser of RFC 6690 §2 {@code link-value-list}: linear in the input, no backtracking.
 * Optional whitespace (SP, HTAB, CR, LF) is accepted around {@code ,}, {@code ;} and {@code =}.
 */
final class LinkParser {
    private final String s;
    private int pos;

    private LinkParser(String s) {
        this.s = s;
    }

    static List<Link> parse(String text) {
        return new LinkParser(text).links();
    }

    private List<Link> links() {
        List<Link> links = new ArrayList<>();
        skipWhitespace();
        if (pos == s.length()) {
            return links;
        }
        while (true) {
            links.add(link());
            skipWhitespace();
            if (pos == s.length()) {
                return links;
            }
            if (s.charAt(pos) != ',') {
                throw error("expected ',' or ';'");
            }
            pos++;
            skipWhitespace();
        }
    }

    /** {@code "<" URI-Reference ">" *( ";" link-param )}. */
    private Link link() {
        if (pos == s.length() || s.charAt(pos) != '<') {
            throw error("expected '<'");
        }
        int start = ++pos;
        while (pos < s.length() && s.charAt(pos) != '>') {
            char c = s.charAt(pos);
            if (c <= 0x20 || c == 0x7F || c == '<') {
                throw error("invalid character in link target");
            }
            pos++;
        }
        if (pos == s.length()) {
            throw error("missing '>'");
        }
        Link.Builder b = Link.builder(s.substring(start, pos++));
        skipWhitespace();
        while (pos < s.length() && s.charAt(pos) == ';') {
            pos++;
            skipWhitespace();
            String name = name();
            skipWhitespace();
            String value = "";
            if (pos < s.length() && s.charAt(pos) == '=') {
                pos++;
                skipWhitespace();
                value = pos < s.length() && s.charAt(pos) == '"' ? quoted() : ptoken();
                skipWhitespace();
            }
            b.attribute(name, value);
        }
        return b.build();
    }

    /** {@code parmname} or {@code ext-name-star}. */
    private String name() {
        int start = pos;
        while (pos < s.length() && LinkSyntax.isAttrChar(s.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw error("expected an attribute name");
        }
        if (pos < s.length() && s.charAt(pos) == '*') {
            pos++;
        }
        return s.substring(start, pos);
    }

    private String ptoken() {
        int start = pos;
        while (pos < s.length() && LinkSyntax.isPtokenChar(s.charAt(pos))) {
            pos++;
        }
        if (pos == start) {
            throw error("expected a value");
        }
        return s.substring(start, pos);
    }

    /** {@code quoted-string} with {@code quoted-pair} escapes (RFC 7230 §3.2.6). */
    private String quoted() {
        int open = pos++;
        StringBuilder sb = new StringBuilder();
        while (pos < s.length()) {
            char c = s.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\') {
                if (pos == s.length()) {
                    break;
                }
                c = s.charAt(pos++);
            }
            sb.append(c);
        }
        throw new LinkFormatException("unterminated quoted string", open);
    }

    private void skipWhitespace() {
        while (pos < s.length() && LinkSyntax.isWhitespace(s.charAt(pos))) {
            pos++;
        }
    }

    private LinkFormatException error(String detail) {
        return new LinkFormatException(detail, pos);
    }
}
