package dev.tern.coap.cli;

import dev.tern.coap.CoapUri;
import dev.tern.coap.Service;
import dev.tern.coap.proxy.CoapProxy;
import dev.tern.coap.proxy.HttpGateway;
import dev.tern.coap.tcp.TcpTransports;
import dev.tern.coap.tcp.TlsConfig;
import dev.tern.coap.tcp.TlsTransports;
import dev.tern.coap.tcp.WebSocketTransports;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The proxy flags of {@code tern serve} (RFC 7252 §5.7): {@code --proxy} turns on the forward proxy
 * for Proxy-Uri / Proxy-Scheme requests, {@code --proxy-allow} lists the upstreams it may reach
 * (never an open relay by default), {@code --reverse PREFIX=URI} maps a path prefix to an origin,
 * {@code --proxy-cache} bounds the cache, {@code --http PORT} serves the HTTP-to-CoAP gateway
 * (RFC 8075) and the browser console on 127.0.0.1 (or {@code --http-bind}). Upstreams may be coap,
 * coap+tcp and coap+ws (RFC 8323), and coaps+tcp and coaps+ws with {@code --proxy-cacert}.
 */
final class ProxyFlags {
    /** The heading of the group in {@code --help}. */
    static final String HEADING = "%nProxy (RFC 7252 §5.7):%n";

    @Option(names = "--proxy", order = 200,
            description = {"forward requests with Proxy-Uri or Proxy-Scheme (coap, coap+tcp and coap+ws targets;",
                "coaps+tcp and coaps+ws with --proxy-cacert; else 5.05)"})
    boolean forward;

    @Option(names = "--proxy-allow", paramLabel = "HOST[:PORT]", split = ",", order = 201,
            description = {"upstreams --proxy may reach: host names, IP addresses or CIDR networks, with an",
                "optional port; 'any' for every unicast address but loopback and link-local (default: none)"})
    List<String> allow = new ArrayList<>();

    @Option(names = "--reverse", paramLabel = "PREFIX=URI", order = 202,
            description = "serve PREFIX/... from the origin URI/... (reverse proxy), e.g. /dev=coap://192.0.2.7")
    List<String> reverse = new ArrayList<>();

    @Option(names = "--proxy-cache", paramLabel = "N", order = 203,
            description = "responses the proxy caches at most, 0 for none (default: ${DEFAULT-VALUE})")
    int cacheEntries = 1000;

    @Option(names = "--http", paramLabel = "PORT", order = 204,
            description = {"serve HTTP on PORT: HTTP-to-CoAP at /hc/coap://HOST/PATH (RFC 8075) to the",
                "--proxy-allow upstreams, Observe as Server-Sent Events, and the browser console at /"})
    Integer httpPort;

    @Option(names = "--http-bind", paramLabel = "ADDRESS", order = 205,
            description = "the address --http listens on (default: ${DEFAULT-VALUE})")
    String httpBind = "127.0.0.1";

    @Option(names = "--http-host", paramLabel = "NAME", split = ",", order = 207,
            description = {"host names a browser may use for the --http side, besides IP addresses and",
                "localhost (others get 421: DNS rebinding)"})
    List<String> httpHosts = new ArrayList<>();

    @Option(names = "--proxy-http", order = 206,
            description = {"let --proxy forward to http:// and https:// targets (Proxy-Uri or Proxy-Scheme;",
                "CoAP-to-HTTP, RFC 7252 §10.1) on the --proxy-allow list, never following redirects"})
    boolean proxyHttp;

    @Option(names = "--proxy-cacert", paramLabel = "FILE", order = 208,
            description = "PEM CA certificates the proxy trusts for coaps+tcp:// and coaps+ws:// upstreams")
    List<Path> caCerts = new ArrayList<>();

    /** Whether any proxy flag asks for a proxy. */
    boolean enabled() {
        return forward || !reverse.isEmpty() || httpPort != null;
    }

    /** The HTTP gateway (RFC 8075) in front of {@code proxy} as {@code --http} asks, started; null without it. */
    HttpGateway startHttp(CoapProxy proxy) {
        if (httpPort == null) {
            return null;
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(httpBind);
        } catch (UnknownHostException e) {
            throw new UsageException("--http-bind: cannot resolve " + httpBind);
        }
        return HttpGateway.builder(proxy).bind(new InetSocketAddress(address, httpPort))
                .hostNames(httpHosts.toArray(String[]::new)).build().start();
    }

    /** Checks the flags; throws {@link UsageException}. */
    void check() {
        if (!allow.isEmpty() && !forward && httpPort == null) {
            throw new UsageException("--proxy-allow needs --proxy or --http");
        }
        if (!httpHosts.isEmpty() && httpPort == null) {
            throw new UsageException("--http-host needs --http");
        }
        for (String h : httpHosts) {
            if (h.isBlank() || h.contains(":") || h.contains("/")) {
                throw new UsageException("--http-host: not a host name: " + h);
            }
        }
        if (!caCerts.isEmpty() && !enabled()) {
            throw new UsageException("--proxy-cacert needs --proxy, --reverse or --http");
        }
        if (proxyHttp && !forward) {
            throw new UsageException("--proxy-http needs --proxy");
        }
        if (httpPort != null && (httpPort < 0 || httpPort > 65535)) {
            throw new UsageException("--http port must be 0..65535: " + httpPort);
        }
        if (cacheEntries < 0) {
            throw new UsageException("--proxy-cache must not be negative: " + cacheEntries);
        }
        reverseMappings();
    }

    /** The proxy these flags describe. */
    CoapProxy build() {
        CoapProxy.Builder b = CoapProxy.builder().maxCacheEntries(cacheEntries).proxyHttp(proxyHttp)
                .upstreamTransport(TcpTransports.client()).upstreamTransport(WebSocketTransports.client());
        if (!caCerts.isEmpty()) { // RFC 8323 §8.2, §8.4: the server's certificate checked against these CAs
            List<X509Certificate> trusted = new ArrayList<>();
            caCerts.forEach(file -> trusted.addAll(DtlsSetup.certificates(file, "--proxy-cacert")));
            TlsConfig tls = TlsConfig.builder().trust(trusted).build();
            b.upstreamTransport(TlsTransports.builder().config(tls).buildClient())
                    .upstreamTransport(WebSocketTransports.builder().tls(tls).buildClient());
        }
        for (String entry : allow) {
            String e = entry.trim();
            if (e.equalsIgnoreCase("any")) {
                b.allowAny();
                continue;
            }
            try {
                int port = port(e);
                String host = port < 0 ? e : e.substring(0, e.lastIndexOf(':'));
                if (port < 0) {
                    b.allow(host);
                } else {
                    b.allow(host, port);
                }
            } catch (IllegalArgumentException ex) {
                throw new UsageException("--proxy-allow " + entry + ": " + ex.getMessage());
            }
        }
        return b.build();
    }

    /** {@code service} with the {@code --reverse} prefixes in front of it. */
    Service wrap(CoapProxy proxy, Service service) {
        Map<List<String>, Service> mounted = new LinkedHashMap<>();
        reverseMappings().forEach((prefix, origin) -> mounted.put(segments(prefix), proxy.reverse(prefix, origin)));
        if (mounted.isEmpty()) {
            return service;
        }
        return request -> {
            List<String> path = request.pathSegments();
            for (Map.Entry<List<String>, Service> m : mounted.entrySet()) {
                List<String> prefix = m.getKey();
                if (path.size() >= prefix.size() && path.subList(0, prefix.size()).equals(prefix)) {
                    return m.getValue().handle(request);
                }
            }
            return service.handle(request);
        };
    }

    /** A one-line description for the serve banner. */
    String description() {
        List<String> parts = new ArrayList<>();
        String upstreams = allow.isEmpty() ? "nothing (no --proxy-allow)" : String.join(", ", allow);
        if (forward) {
            parts.add("forward proxy" + (proxyHttp ? " (coap, coaps, http, https)" : "") + " to " + upstreams);
        }
        if (httpPort != null) {
            parts.add("HTTP gateway to " + upstreams);
        }
        reverseMappings().forEach((prefix, origin) -> parts.add(prefix + " -> " + origin));
        return String.join("; ", parts) + (cacheEntries > 0 ? "; cache " + cacheEntries + " responses" : "; no cache");
    }

    private Map<String, String> reverseMappings() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String r : reverse) {
            int eq = r.indexOf('=');
            if (eq <= 0 || eq == r.length() - 1) {
                throw new UsageException("--reverse needs PREFIX=URI, e.g. /dev=coap://192.0.2.7: " + r);
            }
            String prefix = r.substring(0, eq);
            String origin = r.substring(eq + 1);
            if (!prefix.startsWith("/") || segments(prefix).isEmpty()) {
                throw new UsageException("--reverse prefix must be a path such as /dev: " + prefix);
            }
            try {
                CoapUri u = CoapUri.parse(origin);
                if (u.isSecure() && !u.scheme().equals(CoapUri.COAPS) && caCerts.isEmpty()) {
                    throw new IllegalArgumentException(u.scheme() + " needs --proxy-cacert FILE");
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException("--reverse origin " + origin + ": " + e.getMessage());
            }
            out.put(prefix, origin);
        }
        return out;
    }

    private static List<String> segments(String path) {
        List<String> s = new ArrayList<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty()) {
                s.add(p);
            }
        }
        return s;
    }

    /** The port of {@code host:port} or {@code [v6]:port}; -1 when there is none. */
    private static int port(String entry) {
        int colon = entry.lastIndexOf(':');
        boolean bracketed = entry.startsWith("[");
        if (colon < 0 || (!bracketed && entry.indexOf(':') != colon) || (bracketed && colon < entry.indexOf(']'))) {
            return -1;
        }
        try {
            return Integer.parseInt(entry.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in " + entry, e);
        }
    }
}
