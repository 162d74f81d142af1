package dev.tern.coap.rd;

import dev.tern.coap.Code;
import dev.tern.coap.CoapUri;
import dev.tern.coap.Link;
import dev.tern.coap.Request;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registration parameters of RFC 9176 §5 ({@code ep}, {@code d}, {@code lt}, {@code base},
 * {@code et} and extra attributes) read from a request's Uri-Query, validated.
 */
record RegistrationParams(String ep, String sector, long lifetime, String base, Map<String, String> attributes,
                          List<Link> links) {
    /** RFC 9176 §5: the default lifetime, 25 hours. */
    static final long DEFAULT_LIFETIME = 90_000;
    /** RFC 9176 §5: {@code ep} and {@code d} are at most 63 bytes. */
    static final int MAX_NAME_BYTES = 63;

    /** The query of a registration (§5) or simple registration (§5.1); {@code base} defaults to the source. */
    static RegistrationParams parse(Request request, List<Link> links, long maxLifetime, boolean baseAllowed) {
        String ep = null;
        String sector = "";
        long lt = Math.min(DEFAULT_LIFETIME, maxLifetime);
        String base = null;
        Map<String, String> attrs = new LinkedHashMap<>();
        for (String q : request.query()) {
            int eq = q.indexOf('=');
            String name = eq < 0 ? q : q.substring(0, eq);
            String value = eq < 0 ? "" : q.substring(eq + 1);
            switch (name) {
                case "ep" -> ep = name(value, "ep");
                case "d" -> sector = name(value, "d");
                case "lt" -> lt = lifetime(value, maxLifetime);
                case "base" -> {
                    if (!baseAllowed) {
                        throw new RdError(Code.BAD_REQUEST, "base is not allowed in simple registration");
                    }
                    base = base(value);
                }
                default -> attribute(attrs, name, value);
            }
        }
        if (ep == null) {
            throw new RdError(Code.BAD_REQUEST, "ep is missing");
        }
        return new RegistrationParams(ep, sector, lt, base != null ? base : sourceBase(request), attrs, links);
    }

    /** The query of an update (§5.3.1): {@code lt}, {@code base} and attributes, all optional. */
    static Update parseUpdate(Request request, long maxLifetime) {
        Long lt = null;
        String base = null;
        Map<String, String> attrs = new LinkedHashMap<>();
        for (String q : request.query()) {
            int eq = q.indexOf('=');
            String name = eq < 0 ? q : q.substring(0, eq);
            String value = eq < 0 ? "" : q.substring(eq + 1);
            switch (name) {
                case "lt" -> lt = lifetime(value, maxLifetime);
                case "base" -> base = base(value);
                case "ep", "d" -> throw new RdError(Code.BAD_REQUEST, name + " cannot change in an update");
                default -> attribute(attrs, name, value);
            }
        }
        return new Update(lt, base, attrs);
    }

    /** A parsed update query. */
    record Update(Long lifetime, String base, Map<String, String> attributes) {
    }

    /** RFC 9176 §5: the base URI defaults to the registrant's source address and scheme. */
    static String sourceBase(Request request) {
        return baseOf(request.scheme(), request.peer());
    }

    static String baseOf(String scheme, InetSocketAddress peer) {
        InetAddress a = peer.getAddress();
        String host = a.getHostAddress();
        int zone = host.indexOf('%');
        if (zone >= 0) {
            host = host.substring(0, zone);
        }
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return scheme + "://" + host + ":" + peer.getPort();
    }

    private static String name(String value, String param) {
        int bytes = value.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > MAX_NAME_BYTES) {
            throw new RdError(Code.BAD_REQUEST, param + " must be 1 to " + MAX_NAME_BYTES + " bytes");
        }
        return value;
    }

    private static long lifetime(String value, long max) {
        long lt;
        try {
            lt = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new RdError(Code.BAD_REQUEST, "lt is not a number");
        }
        if (lt < 1 || lt > max) {
            throw new RdError(Code.BAD_REQUEST, "lt must be 1 to " + max + " seconds");
        }
        return lt;
    }

    private static String base(String value) {
        CoapUri uri;
        try {
            uri = CoapUri.parse(value);
        } catch (IllegalArgumentException e) {
            throw new RdError(Code.BAD_REQUEST, "base is not a CoAP URI");
        }
        if (!uri.query().isEmpty()) {
            throw new RdError(Code.BAD_REQUEST, "base must not have a query");
        }
        return value;
    }

    private static void attribute(Map<String, String> attrs, String name, String value) {
        if (name.equals("page") || name.equals("count") || name.equals("href") || name.equals("anchor")
                || name.equals("rt")) {
            throw new RdError(Code.BAD_REQUEST, name + " is not a registration attribute");
        }
        try {
            new Link.Attribute(name, value);
        } catch (IllegalArgumentException e) {
            throw new RdError(Code.BAD_REQUEST, "invalid attribute name " + name);
        }
        // RFC 9176 §5: et may repeat; its values form one space-separated list.
        attrs.merge(name, value, (a, b) -> name.equals("et") ? a + " " + b : b);
    }
}
