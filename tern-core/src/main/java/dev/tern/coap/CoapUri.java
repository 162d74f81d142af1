package dev.tern.coap;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** Minimal placeholder, replaced by the full RFC 7252 §6 implementation on merge. */
public final class CoapUri {
    private final String scheme;
    private final String host;
    private final int port;
    private final List<String> path;
    private final List<String> query;

    private CoapUri(String scheme, String host, int port, List<String> path, List<String> query) {
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.path = path;
        this.query = query;
    }

    /** Parses a coap or coaps URI. */
    public static CoapUri parse(String uri) {
        URI u = URI.create(uri);
        String s = u.getScheme().toLowerCase(java.util.Locale.ROOT);
        int port = u.getPort() < 0 ? (s.equals("coaps") ? 5684 : 5683) : u.getPort();
        String h = u.getHost();
        if (h.startsWith("[")) {
            h = h.substring(1, h.length() - 1);
        }
        List<String> p = new ArrayList<>();
        if (u.getPath() != null && !u.getPath().isEmpty() && !u.getPath().equals("/")) {
            for (String seg : u.getPath().substring(1).split("/", -1)) {
                p.add(seg);
            }
        }
        List<String> q = new ArrayList<>();
        if (u.getQuery() != null && !u.getQuery().isEmpty()) {
            for (String a : u.getQuery().split("&")) {
                q.add(a);
            }
        }
        return new CoapUri(s, h, port, p, q);
    }

    /** Composes a URI from options. */
    public static CoapUri of(String scheme, String host, int port, Options options) {
        return new CoapUri(scheme, options.uriHost().orElse(host), options.uriPort().orElse(port), options.uriPath(),
                options.uriQuery());
    }

    /** The scheme. */
    public String scheme() {
        return scheme;
    }

    /** The host. */
    public String host() {
        return host;
    }

    /** The port. */
    public int port() {
        return port;
    }

    /** Whether coaps. */
    public boolean isSecure() {
        return scheme.equals("coaps");
    }

    /** Whether the host is an IP literal. */
    public boolean hostIsLiteral() {
        return host.contains(":") || host.matches("[0-9.]+");
    }

    /** The path segments. */
    public List<String> path() {
        return path;
    }

    /** The query arguments. */
    public List<String> query() {
        return query;
    }

    /** The options. */
    public Options toOptions() {
        Options.Builder b = Options.builder();
        if (!hostIsLiteral()) {
            b.add(OptionNumber.URI_HOST, host);
        }
        if (port != (isSecure() ? 5684 : 5683)) {
            b.add(OptionNumber.URI_PORT, port);
        }
        path.forEach(s -> b.add(OptionNumber.URI_PATH, s));
        query.forEach(s -> b.add(OptionNumber.URI_QUERY, s));
        return b.build();
    }

    @Override
    public String toString() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return scheme + "://" + h + ":" + port + "/" + String.join("/", path)
                + (query.isEmpty() ? "" : "?" + String.join("&", query));
    }
}
