package dev.tern.coap.cli;

import java.util.ArrayList;
import java.util.List;

/** Pretty-printing for a terminal: indented JSON, one link per line for link-format. */
public final class Pretty {
    private static final String INDENT = "  ";

    private Pretty() {
    }

    /**
     * Indents a JSON object or array by two spaces. Text that does not look like balanced JSON is
     * returned unchanged, so a malformed payload is still shown exactly.
     */
    public static String json(String text) {
        String t = text.strip();
        if (t.isEmpty() || (t.charAt(0) != '{' && t.charAt(0) != '[')) {
            return text;
        }
        StringBuilder sb = new StringBuilder(t.length() + t.length() / 2);
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (inString) {
                sb.append(c);
                if (c == '\\' && i + 1 < t.length()) {
                    sb.append(t.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            switch (c) {
                case '"':
                    inString = true;
                    sb.append(c);
                    break;
                case '{':
                case '[':
                    int next = skipSpace(t, i + 1);
                    if (next < t.length() && t.charAt(next) == (c == '{' ? '}' : ']')) {
                        sb.append(c).append(t.charAt(next));
                        i = next;
                    } else {
                        depth++;
                        sb.append(c);
                        newline(sb, depth);
                    }
                    break;
                case '}':
                case ']':
                    depth--;
                    if (depth < 0) {
                        return text;
                    }
                    newline(sb, depth);
                    sb.append(c);
                    break;
                case ',':
                    sb.append(c);
                    newline(sb, depth);
                    break;
                case ':':
                    sb.append(": ");
                    break;
                default:
                    if (!Character.isWhitespace(c)) {
                        sb.append(c);
                    }
            }
        }
        return depth == 0 && !inString ? sb.toString() : text;
    }

    private static int skipSpace(String t, int i) {
        while (i < t.length() && Character.isWhitespace(t.charAt(i))) {
            i++;
        }
        return i;
    }

    private static void newline(StringBuilder sb, int depth) {
        sb.append('\n');
        for (int i = 0; i < depth; i++) {
            sb.append(INDENT);
        }
    }

    /** Puts each link of a link-format document (RFC 6690) on its own line, each but the last ending in a comma. */
    public static String linkFormat(String text) {
        return String.join(",\n", links(text));
    }

    /** Splits a link-format document at the commas between links (not inside quotes or {@code <...>}). */
    public static List<String> links(String text) {
        List<String> links = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inQuote = false;
        boolean inTarget = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inQuote) {
                if (c == '\\' && i + 1 < text.length()) {
                    cur.append(c).append(text.charAt(++i));
                    continue;
                }
                inQuote = c != '"';
            } else if (inTarget) {
                inTarget = c != '>';
            } else if (c == '"') {
                inQuote = true;
            } else if (c == '<') {
                inTarget = true;
            } else if (c == ',') {
                addLink(links, cur);
                continue;
            }
            cur.append(c);
        }
        addLink(links, cur);
        return links;
    }

    private static void addLink(List<String> links, StringBuilder cur) {
        String link = cur.toString().strip();
        if (!link.isEmpty()) {
            links.add(link);
        }
        cur.setLength(0);
    }
}
