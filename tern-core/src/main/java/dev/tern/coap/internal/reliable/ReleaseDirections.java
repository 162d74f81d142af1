package dev.tern.coap.internal.reliable;

import dev.tern.coap.CoapTransportException;
import dev.tern.coap.Option;
import dev.tern.coap.internal.codec.Message;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * What a server's 7.04 Release (RFC 8323 §5.5) asks of this client for its next connection to the
 * same destination: Alternative-Address (§5.5.1, a URI authority, {@code host[:port]}): connect
 * there instead; Hold-Off (§5.5.2, seconds): no new connection before it elapses; a request in
 * that window fails at once with {@link CoapTransportException} (rather than waiting, which would
 * hold the caller for up to the whole hold-off). Keyed by the destination requests go to; bounded
 * by the destinations this client talks to (entries leave when used or elapsed). Confined to the
 * scheduler thread.
 */
final class ReleaseDirections {
    private record Direction(InetSocketAddress alternative, long holdOffUntil) {
    }

    private final Map<InetSocketAddress, Direction> byDestination = new HashMap<>();
    /** Connections being opened to an alternative address, back to the destination they stand for. */
    private final Map<InetSocketAddress, InetSocketAddress> redirected = new HashMap<>();

    /** Records the Release that {@code c}'s server sent, at {@code now}. */
    void released(ConnectionContext c, Message release, long now) {
        if (!c.initiated) {
            return; // a client's Release only means: do not use this connection again
        }
        InetSocketAddress alternative = null;
        long holdOff = -1;
        for (int i = 0; i < release.options().size(); i++) {
            Option o = release.options().get(i);
            if (o.number() == Signals.ALTERNATIVE_ADDRESS && alternative == null) {
                alternative = parse(o.stringValue(), c.peer.getPort());
            } else if (o.number() == Signals.HOLD_OFF) {
                holdOff = now + Math.min(o.uintValue(), 86_400L) * 1_000_000_000L;
            }
        }
        if (alternative != null || holdOff >= 0) {
            byDestination.put(c.peer, new Direction(alternative, holdOff));
        }
    }

    /** A request to {@code destination} that would open a connection at {@code now}: the failure when held off, else null. */
    CoapTransportException heldOff(InetSocketAddress destination, long now) {
        Direction d = byDestination.get(destination);
        if (d == null || d.holdOffUntil < 0) {
            return null;
        }
        long left = d.holdOffUntil - now;
        if (left <= 0) {
            if (d.alternative == null) {
                byDestination.remove(destination);
            }
            return null;
        }
        return new CoapTransportException("not connecting to " + destination + " for another "
                + ((left + 999_999_999L) / 1_000_000_000L) + " s: the server released the last connection with "
                + "Hold-Off (7.04, RFC 8323 §5.5.2)");
    }

    /** Where to connect for {@code destination}: its Alternative-Address once, else itself. */
    InetSocketAddress connectTarget(InetSocketAddress destination) {
        Direction d = byDestination.remove(destination);
        if (d == null || d.alternative == null) {
            return destination;
        }
        redirected.put(d.alternative, destination);
        return d.alternative;
    }

    /** The destination a connection to {@code remote} was opened for. */
    InetSocketAddress destinationOf(InetSocketAddress remote) {
        InetSocketAddress d = redirected.remove(remote);
        return d != null ? d : remote;
    }

    /** {@code host}, {@code host:port}, {@code [v6]} or {@code [v6]:port}; null when malformed or unresolvable. */
    static InetSocketAddress parse(String authority, int defaultPort) {
        try {
            String host = authority;
            int port = defaultPort;
            int colon = authority.lastIndexOf(':');
            if (authority.startsWith("[")) {
                int close = authority.indexOf(']');
                host = authority.substring(1, close);
                if (close + 1 < authority.length()) {
                    port = Integer.parseInt(authority.substring(close + 2));
                }
            } else if (colon >= 0) {
                host = authority.substring(0, colon);
                port = Integer.parseInt(authority.substring(colon + 1));
            }
            // resolved here (an IP literal costs nothing): the connection's remote address must match it
            if (host.isEmpty() || port < 1 || port > 65_535) {
                return null;
            }
            InetSocketAddress a = new InetSocketAddress(host, port);
            return a.isUnresolved() ? null : a;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
