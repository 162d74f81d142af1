package dev.tern.coap.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which upstream endpoints a forward proxy may reach (RFC 7252 §11.2: a proxy must not be an open
 * relay). Entries are host names (compared with the target URI's host), IP addresses, or networks in
 * CIDR notation (compared with the address the host resolved to), each with a port or any port.
 * {@link #allowAny} admits every unicast address except loopback, link-local and wildcard
 * addresses, which need an entry of their own; multicast targets are never admitted.
 */
final class UpstreamAllowList {
    private record Entry(String name, byte[] network, int prefix, int port) {
        boolean matches(String host, InetAddress address, int targetPort) {
            if (port >= 0 && port != targetPort) {
                return false;
            }
            if (name != null) {
                return name.equals(host);
            }
            byte[] a = address.getAddress();
            if (a.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (a[full] & mask) == (network[full] & mask);
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private boolean any;

    /** Adds {@code host} (a name, an address or a CIDR network) on {@code port}, or any port when -1. */
    void allow(String host, int port) {
        if (port < -1 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        String h = host.trim();
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        int slash = h.indexOf('/');
        String addressPart = slash < 0 ? h : h.substring(0, slash);
        if (isLiteral(addressPart)) {
            byte[] network = literal(addressPart).getAddress();
            int prefix = network.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(h.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad network prefix in " + host, e);
                }
                if (prefix < 0 || prefix > network.length * 8) {
                    throw new IllegalArgumentException("bad network prefix in " + host);
                }
            }
            entries.add(new Entry(null, network, prefix, port));
        } else if (slash >= 0) {
            throw new IllegalArgumentException("a network needs an IP address: " + host);
        } else {
            entries.add(new Entry(h.toLowerCase(Locale.ROOT), null, 0, port));
        }
    }

    /** Admits every ordinary unicast address (see the class comment). */
    void allowAny() {
        any = true;
    }

    /** Whether the list admits nothing at all. */
    boolean isEmpty() {
        return !any && entries.isEmpty();
    }

    /** Whether {@code host} (as in the URI), resolved to {@code address}, on {@code port} may be reached. */
    boolean admits(String host, InetAddress address, int port) {
        if (address.isMulticastAddress()) {
            return false; // RFC 7252 §11.3: a proxy must not turn one request into many answers
        }
        String h = host.toLowerCase(Locale.ROOT);
        for (Entry e : entries) {
            if (e.matches(h, address, port)) {
                return true;
            }
        }
        return any && !address.isLoopbackAddress() && !address.isLinkLocalAddress() && !address.isAnyLocalAddress();
    }

    private static boolean isLiteral(String s) {
        return s.indexOf(':') >= 0 || s.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    private static InetAddress literal(String s) {
        try {
            return InetAddress.getByName(s); // a literal: no name lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: " + s, e);
        }
    }
}
