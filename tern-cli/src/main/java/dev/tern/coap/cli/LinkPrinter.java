package dev.tern.coap.cli;

import dev.tern.coap.Link;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How {@code tern discover} shows links (RFC 6690): aligned lines for a terminal, or JSON. */
final class LinkPrinter {
    private LinkPrinter() {
    }

    /**
     * Prints {@code links} on {@code io}'s stdout: a JSON array with {@code --format json}, aligned
     * columns on a terminal, else the server's link-format text {@code raw} as it came (nothing when
     * null).
     */
    static void print(Io io, List<Link> links, String raw, OutputFormat format) {
        if (format == OutputFormat.json) {
            List<String> objects = new java.util.ArrayList<>();
            links.forEach(l -> objects.add(json(l, null)));
            io.out().println("[" + String.join(",", objects) + "]");
        } else if (io.terminal()) {
            aligned(links).forEach(io.out()::println);
        } else if (raw != null) {
            io.out().println(raw);
        }
        io.out().flush();
    }

    /**
     * One link per line: the target, padded so that the attributes line up, then the attributes as
     * in link-format ({@code rt="x" ct=0 obs}), separated by spaces.
     */
    static List<String> aligned(List<Link> links) {
        int width = 0;
        for (Link l : links) {
            width = Math.max(width, l.target().length() + 2);
        }
        List<String> lines = new ArrayList<>(links.size());
        for (Link l : links) {
            StringBuilder sb = new StringBuilder("<").append(l.target()).append('>');
            if (!l.attributes().isEmpty()) {
                sb.append(" ".repeat(width - sb.length() + 2));
                for (int i = 0; i < l.attributes().size(); i++) {
                    sb.append(i == 0 ? "" : " ").append(attribute(l.attributes().get(i)));
                }
            }
            lines.add(sb.toString());
        }
        return lines;
    }

    /** {@code name="value"} as link-format writes it (RFC 6690 §2). */
    private static String attribute(Link.Attribute a) {
        String one = Link.builder("").attribute(a.name(), a.value()).build().toString();
        return one.substring("<>;".length());
    }

    /**
     * A JSON object for one link: {@code href} is the target, each attribute a member; an attribute
     * without a value is {@code true}, one that occurs more than once an array of strings. With a
     * {@code peer}, a {@code "peer"} member comes first.
     */
    static String json(Link link, String peer) {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (Link.Attribute a : link.attributes()) {
            byName.computeIfAbsent(a.name(), k -> new ArrayList<>()).add(a.value());
        }
        StringBuilder sb = new StringBuilder("{");
        if (peer != null) {
            sb.append("\"peer\":").append(Json.string(peer)).append(',');
        }
        sb.append("\"href\":").append(Json.string(link.target()));
        for (Map.Entry<String, List<String>> e : byName.entrySet()) {
            sb.append(',').append(Json.string(e.getKey())).append(':');
            List<String> values = e.getValue();
            if (values.size() == 1) {
                sb.append(values.get(0).isEmpty() ? "true" : Json.string(values.get(0)));
            } else {
                sb.append('[');
                for (int i = 0; i < values.size(); i++) {
                    sb.append(i == 0 ? "" : ",").append(Json.string(values.get(i)));
                }
                sb.append(']');
            }
        }
        return sb.append('}').toString();
    }
}
