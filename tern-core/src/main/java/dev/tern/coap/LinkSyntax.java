package dev.tern.coap;

/** Character classes and serialization of RFC 6690 §2; shared by {@link Link} and {@link LinkFormat}. */
final class LinkSyntax {
    private LinkSyntax() {
    }

    /** RFC 5987 {@code attr-char}: the characters of a parameter name. */
    static boolean isAttrChar(char c) {
        return c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0);
    }

    /** RFC 6690 §2 {@code ptokenchar}: the characters of an unquoted value. */
    static boolean isPtokenChar(char c) {
        return c < 0x80 && (Character.isLetterOrDigit(c) || "!#$%&'()*+-./:<=>?@[]^_`{|}~".indexOf(c) >= 0);
    }

    /** {@code parmname} ({@code 1*attr-char}), optionally followed by {@code *} (RFC 8187 {@code ext-name-star}). */
    static boolean isParmName(String name) {
        int n = name.endsWith("*") ? name.length() - 1 : name.length();
        if (n == 0) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (!isAttrChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** Attributes whose value is a space-separated list (RFC 6690 §3.1, §3.2; RFC 8288 §3.3; RFC 7252 §7.2.1). */
    static boolean isListAttribute(String name) {
        return name.equals("rt") || name.equals("if") || name.equals("rel") || name.equals("ct");
    }

    static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isPtoken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!isPtokenChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The index of the first character not allowed in a link target, or -1. */
    static int invalidTargetChar(String target) {
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c == 0x7F || c == '<' || c == '>') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Appends {@code link}: numbers and extended values ({@code name*}) unquoted, other values as
     * quoted strings, empty values as bare names.
     */
    static void append(StringBuilder sb, Link link) {
        sb.append('<').append(link.target()).append('>');
        for (Link.Attribute a : link.attributes()) {
            sb.append(';').append(a.name());
            String v = a.value();
            if (v.isEmpty()) {
                continue;
            }
            sb.append('=');
            if (isDigits(v) || a.name().endsWith("*") && isPtoken(v)) {
                sb.append(v);
            } else {
                sb.append('"');
                for (int i = 0; i < v.length(); i++) {
                    char c = v.charAt(i);
                    if (c == '"' || c == '\\') {
                        sb.append('\\');
                    }
                    sb.append(c);
                }
                sb.append('"');
            }
        }
    }
}
