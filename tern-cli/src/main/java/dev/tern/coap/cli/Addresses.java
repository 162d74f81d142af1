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
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
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
