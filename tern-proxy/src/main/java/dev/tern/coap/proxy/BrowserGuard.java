package dev.tern.coap.proxy;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.Locale;
import java.util.Set;

/**
 * What keeps web pages in the user's browser from using the gateway (RFC 8075 §10 asks a gateway
 * to limit who reaches the CoAP side; the console makes browsers its clients). Browsers say who
 * is asking: {@code Sec-Fetch-Site} (W3C Fetch Metadata) and {@code Origin} (RFC 6454 §7). A
 * request that carries either is a browser's, and then
 * <ul>
 * <li>its {@code Host} must be an IP literal, {@code localhost} or one of the configured host
 *     names ({@link HttpGateway.Builder#hostNames}), else 421 Misdirected Request
 *     (RFC 9110 §15.5.20): a page whose own name was rebound to the gateway's address (DNS
 *     rebinding) would otherwise be the gateway's own origin;</li>
 * <li>under {@code /hc} it must come from the gateway's own origin ({@code Sec-Fetch-Site}
 *     {@code same-origin}, or {@code none} for an address typed by the user; {@code Origin}, when
 *     sent, equal to {@code http://} and the Host), else 403: another site, or another web
 *     application on the same machine, cannot send requests to devices (cross-site request
 *     forgery) nor open event streams.</li>
 * </ul>
 * Clients that are not browsers (curl, libraries) send neither header and are not affected; the
 * allow-list applies to everyone. Browsers without Fetch Metadata (before 2023) are protected
 * from forged POSTs by the Origin check only.
 */
final class BrowserGuard {
    private static final String SEC_FETCH_SITE = "Sec-Fetch-Site";

    private BrowserGuard() {
    }

    /** The refusal for {@code req}, or null when it may be served; {@code mapped}: under {@code /hc}. */
    static FullHttpResponse refusal(HttpRequest req, boolean mapped, Set<String> hostNames) {
        HttpHeaders h = req.headers();
        String site = h.get(SEC_FETCH_SITE);
        String origin = h.get(HttpHeaderNames.ORIGIN);
        if (site == null && origin == null) {
            return null; // not a browser
        }
        String host = h.get(HttpHeaderNames.HOST);
        if (host == null || !hostAllowed(host, hostNames)) {
            return GatewayHandler.text(HttpResponseStatus.MISDIRECTED_REQUEST,
                    "browsers reach this gateway at an IP address, localhost or its configured host names");
        }
        if (!mapped) {
            return null; // the console's files: a link from elsewhere may open the console
        }
        boolean sameOrigin = site == null || site.equals("same-origin") || site.equals("none");
        if (!sameOrigin || origin != null && !origin.equalsIgnoreCase("http://" + host)) {
            return GatewayHandler.text(HttpResponseStatus.FORBIDDEN,
                    "only the console on this gateway's own origin may send requests from a browser");
        }
        return null;
    }

    /** Whether the Host header names the gateway in a way DNS cannot rebind: an IP literal, localhost, a configured name. */
    static boolean hostAllowed(String hostHeader, Set<String> hostNames) {
        String host = hostHeader.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            String literal = close < 0 ? "" : host.substring(1, close);
            return !literal.isEmpty() && literal.contains(":") && literal.chars().allMatch(c ->
                    Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        }
        int colon = host.indexOf(':');
        String name = colon < 0 ? host : host.substring(0, colon);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return name.equals("localhost") || isIpv4(name) || hostNames.contains(name);
    }

    private static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
