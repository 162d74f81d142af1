package dev.tern.coap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** A compiled path template of a {@link Router} route ({@code /a/{id}/**}). */
final class RouteTemplate implements Comparable<RouteTemplate> {
    static final int LITERAL = 0;
    static final int PARAM = 1;
    static final int REST = 2;

    final String source;
    final int[] kinds;        // LITERAL, PARAM or REST per segment; REST only last
    final String[] segments;  // the literal, the parameter name, or null for ** and literal-free kinds
    final int fixed;          // segments before a rest segment
    final boolean rest;
    final boolean binds;

    private RouteTemplate(String source, int[] kinds, String[] segments) {
        this.source = source;
        this.kinds = kinds;
        this.segments = segments;
        this.rest = kinds.length > 0 && kinds[kinds.length - 1] == REST;
        this.fixed = rest ? kinds.length - 1 : kinds.length;
        boolean b = false;
        for (int i = 0; i < kinds.length; i++) {
            b |= kinds[i] != LITERAL && segments[i] != null;
        }
        this.binds = b;
    }

    static RouteTemplate parse(String source) {
        Objects.requireNonNull(source, "pathTemplate");
        List<String> parts = new ArrayList<>();
        for (String s : source.split("/")) {
            if (!s.isEmpty()) {
                parts.add(s);
            }
        }
        int n = parts.size();
        int[] kinds = new int[n];
        String[] segments = new String[n];
        Set<String> names = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String s = parts.get(i);
            if (s.equals("**") || (s.startsWith("{") && s.endsWith("*}"))) {
                if (i != n - 1) {
                    throw new IllegalArgumentException("a rest segment must be last: " + source);
                }
                kinds[i] = REST;
                segments[i] = s.equals("**") ? null : name(s.substring(1, s.length() - 2), source, names);
            } else if (s.startsWith("{") && s.endsWith("}")) {
                kinds[i] = PARAM;
                segments[i] = name(s.substring(1, s.length() - 1), source, names);
            } else if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0 || s.equals("**")) {
                throw new IllegalArgumentException("malformed segment '" + s + "' in " + source);
            } else {
                kinds[i] = LITERAL;
                segments[i] = s;
            }
        }
        return new RouteTemplate(source, kinds, segments);
    }

    private static String name(String name, String source, Set<String> seen) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty parameter name in " + source);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '_' || c == '-' || c == '.')) {
                throw new IllegalArgumentException("bad parameter name '" + name + "' in " + source);
            }
        }
        if (!seen.add(name)) {
            throw new IllegalArgumentException("duplicate parameter '" + name + "' in " + source);
        }
        return name;
    }

    boolean isLiteral() {
        for (int k : kinds) {
            if (k != LITERAL) {
                return false;
            }
        }
        return true;
    }

    /** The shape, equal for templates that match the same paths, e.g. {@code /a/{}/**}. */
    String shape() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < kinds.length; i++) {
            b.append('/').append(kinds[i] == LITERAL ? segments[i] : kinds[i] == PARAM ? "{}" : "**");
        }
        return b.length() == 0 ? "/" : b.toString();
    }

    boolean matches(List<String> path) {
        int n = path.size();
        if (rest ? n < fixed : n != fixed) {
            return false;
        }
        for (int i = 0; i < fixed; i++) {
            if (kinds[i] == LITERAL && !segments[i].equals(path.get(i))) {
                return false;
            }
        }
        return true;
    }

    Map<String, String> bind(List<String> path) {
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < fixed; i++) {
            if (kinds[i] == PARAM) {
                params.put(segments[i], path.get(i));
            }
        }
        if (rest && segments[fixed] != null) {
            params.put(segments[fixed], String.join("/", path.subList(fixed, path.size())));
        }
        return params;
    }

    /** Most specific first; a total order consistent with {@link #shape()}. */
    @Override
    public int compareTo(RouteTemplate o) {
        int n = Math.min(kinds.length, o.kinds.length);
        for (int i = 0; i < n; i++) {
            int c = Integer.compare(kinds[i], o.kinds[i]);
            if (c == 0 && kinds[i] == LITERAL) {
                c = segments[i].compareTo(o.segments[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(kinds.length, o.kinds.length);
    }
}
