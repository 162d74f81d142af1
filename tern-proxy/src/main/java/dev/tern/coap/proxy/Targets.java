package dev.tern.coap.proxy;

import dev.tern.coap.Code;
import dev.tern.coap.CoapUri;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The upstream URI of a proxied request (RFC 7252 §5.7.2 forward, §5.7.3 reverse, §6.5). */
final class Targets {
    private static final Set<String> SCHEMES = Set.of(CoapUri.COAP, CoapUri.COAPS, CoapUri.COAP_TCP,
            CoapUri.COAPS_TCP, CoapUri.COAP_WS, CoapUri.COAPS_WS);

    private Targets() {
    }

    /** A request the proxy answers itself, with {@link #response()}. */
    static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Response response;

        Refusal(Response response) {
            super(response.toString(), null, false, false);
            this.response = response;
        }

        Response response() {
            return response;
        }
    }

    /**
     * The target of a forward-proxy request: its Proxy-Uri, or Proxy-Scheme with the Uri-Host,
     * Uri-Port, Uri-Path and Uri-Query options (RFC 7252 §5.10.2, §6.5). A scheme other than the CoAP
     * ones (coap, coaps, coap+tcp, coaps+tcp, coap+ws, coaps+ws) is 5.05; a malformed URI or a
     * missing Uri-Host is 4.00. Whether the proxy has a client for the scheme is the
     * {@link Forwarder}'s question (5.05 too).
     */
    static CoapUri forward(Request request) throws Refusal {
        Options options = request.options();
        var proxyUri = options.proxyUri();
        if (proxyUri.isPresent()) {
            String uri = proxyUri.get();
            int colon = uri.indexOf(':');
            checkScheme(colon < 0 ? "" : uri.substring(0, colon));
            try {
                return CoapUri.parse(uri);
            } catch (IllegalArgumentException e) {
                throw new Refusal(Response.of(Code.BAD_REQUEST, "malformed Proxy-Uri: " + e.getMessage()));
            }
        }
        String scheme = checkScheme(options.proxyScheme().orElse(""));
        if (options.uriHost().isEmpty()) {
            throw new Refusal(Response.of(Code.BAD_REQUEST, "Proxy-Scheme needs Uri-Host (RFC 7252 §5.10.2)"));
        }
        try {
            return CoapUri.of(scheme, options.uriHost().get(), CoapUri.defaultPort(scheme), options);
        } catch (IllegalArgumentException e) {
            throw new Refusal(Response.of(Code.BAD_REQUEST, "bad target: " + e.getMessage()));
        }
    }

    /**
     * The target of a reverse-proxy request (RFC 7252 §5.7.3): the request's path after
     * {@code prefix}, appended to {@code origin}'s path, with the request's query.
     */
    static CoapUri reverse(Request request, List<String> prefix, CoapUri origin) throws Refusal {
        List<String> path = request.pathSegments();
        if (path.size() < prefix.size() || !path.subList(0, prefix.size()).equals(prefix)) {
            throw new Refusal(Response.of(Code.NOT_FOUND));
        }
        Options.Builder b = Options.builder();
        for (String s : origin.path()) {
            b.add(OptionNumber.URI_PATH, s);
        }
        for (String s : path.subList(prefix.size(), path.size())) {
            b.add(OptionNumber.URI_PATH, s);
        }
        for (String q : origin.query()) {
            b.add(OptionNumber.URI_QUERY, q);
        }
        for (String q : request.query()) {
            b.add(OptionNumber.URI_QUERY, q);
        }
        return CoapUri.of(origin.scheme(), origin.host(), origin.port(), b.build());
    }

    private static String checkScheme(String scheme) throws Refusal {
        String s = scheme.toLowerCase(Locale.ROOT);
        if (!isCoap(s)) {
            throw new Refusal(Response.of(Code.PROXYING_NOT_SUPPORTED,
                    "this proxy forwards CoAP schemes only, not '" + scheme + "'"));
        }
        return s;
    }

    /** Whether {@code scheme} (lower case) is one of the six CoAP schemes (RFC 7252 §6, RFC 8323 §8). */
    static boolean isCoap(String scheme) {
        return SCHEMES.contains(scheme);
    }
}
