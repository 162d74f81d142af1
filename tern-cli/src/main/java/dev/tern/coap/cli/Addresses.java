package dev.tern.coap.cli;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;

/** Formatting of addresses and durations in messages. */
final class Addresses {
    private Addresses() {
    }

    /** {@code 127.0.0.1:5683} or {@code [::1]:5683}. */
    static String format(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        String host = ip == null ? a.getHostString() : ip.getHostAddress();
        int zone = host.indexOf('%');
        if (ip instanceof Inet6Address && zone >= 0) {
            host = host.substring(0, zone);
        }
        return (host.indexOf(':') >= 0 ? "[" + compress(host) + "]" : host) + ":" + a.getPort();
    }

    /** RFC 5952 §4.2 form of a full IPv6 literal: the longest run of two or more zero groups becomes {@code ::}. */
    static String compress(String ipv6) {
        String[] groups = ipv6.split(":", -1);
        if (groups.length != 8) {
            return ipv6;
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; i++) {
            int j = i;
            while (j < 8 && groups[j].matches("0+")) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = Math.max(i, j);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append(i == 0 ? "::" : ":");
                i += bestLen - 1;
                continue;
            }
            sb.append(groups[i].replaceFirst("^0+(?=.)", ""));
            if (i < 7) {
                sb.append(':');
            }
        }
        return sb.toString();
    }

    /** {@code 5 s}, {@code 1.5 s}, {@code 250 ms}. */
    static String seconds(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms % 1000 == 0) {
            return (ms / 1000) + " s";
        }
        return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
    }

    /** {@code 1.2 ms}. */
    static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }
}
