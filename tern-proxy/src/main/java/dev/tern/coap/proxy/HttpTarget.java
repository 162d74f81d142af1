package dev.tern.coap.proxy;

import dev.tern.coap.CoapUri;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The CoAP target of an HTTP request (RFC 8075 §5): the default mapping, the target URI appended
 * to {@code /hc/} ({@code /hc/coap://host/path?query}, §5.3), and the {@code target_uri} form
 * ({@code /hc/?target_uri=coap%3A%2F%2Fhost%2Fpath}, §5.4 with the template
 * {@code /hc/?target_uri={+tu}}). Only CoAP targets are mapped: coap, coaps and the reliable
 * schemes of RFC 8323 (coap+tcp, coaps+tcp, coap+ws, coaps+ws).
 */
final class HttpTarget {
    /** The path prefix of the HTTP-CoAP mapping (RFC 8075 §5.3). */
    static final String PREFIX = "/hc";
    /** A whole CoAP target URI percent-encoded: its scheme, then {@code %3A} ({@code +} may be {@code %2B}). */
    private static final Pattern ENCODED = Pattern.compile("coaps?((\\+|%2b)(tcp|ws))?%3a");

    private HttpTarget() {
    }

    /** Whether the HTTP request URI is under the mapping prefix. */
    static boolean isMapped(String requestUri) {
        return requestUri.equals(PREFIX) || requestUri.startsWith(PREFIX + "/") || requestUri.startsWith(PREFIX + "?");
    }

    /**
     * The CoAP target of {@code requestUri} (its path and query as the HTTP request line has them).
     *
     * @throws IllegalArgumentException when there is no target, it is malformed, or its scheme is
     *     not a CoAP one (answered with 400 Bad Request, RFC 8075 §5.4)
     */
    static CoapUri parse(String requestUri) {
        String rest = requestUri.substring(PREFIX.length());
        if (rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        String target;
        if (rest.startsWith("?")) {
            target = null;
            for (String p : rest.substring(1).split("&")) {
                if (p.startsWith("target_uri=")) {
                    if (target != null) {
                        throw new IllegalArgumentException("more than one target_uri");
                    }
                    target = decode(p.substring("target_uri=".length()));
                }
            }
            if (target == null) {
                throw new IllegalArgumentException("no target_uri in the query");
            }
        } else {
            target = rest;
            String lower = target.toLowerCase(Locale.ROOT);
            if (ENCODED.matcher(lower).lookingAt()) {
                target = decode(target); // the whole target URI percent-encoded (RFC 8075 §5.3)
            }
        }
        if (target.isEmpty()) {
            throw new IllegalArgumentException("no target URI after " + PREFIX + "/");
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= 0x20 || c >= 0x7F) {
                throw new IllegalArgumentException("the target URI must be ASCII without spaces or controls");
            }
        }
        CoapUri uri = CoapUri.parse(target);
        if (!Targets.isCoap(uri.scheme())) {
            throw new IllegalArgumentException("this gateway maps to CoAP schemes only, not " + uri.scheme());
        }
        return uri;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad percent-encoding in the target URI", e);
        }
    }
}
