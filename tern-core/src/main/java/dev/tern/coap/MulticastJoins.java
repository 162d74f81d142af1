package dev.tern.coap;

import dev.tern.coap.internal.transport.udp.MulticastMembership;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Turns the multicast groups a {@link CoapServer} joins into group/interface pairs (RFC 7252 §8).
 *
 * <p>A group joined without an interface is joined on every interface that is up, supports
 * multicast and has an address of the group's family — unless the server is bound to a specific
 * (non-wildcard) address: then only on that address's interface, so that a server an operator bound
 * to {@code 127.0.0.1} does not serve group requests from the LAN (RFC 7252 §11.3, issue 17). When
 * that interface cannot be determined, or lacks multicast, the start fails rather than joining
 * more. A group joined on an explicit interface is the caller's choice and is kept as given.
 */
final class MulticastJoins {
    private MulticastJoins() {
    }

    /**
     * One requested group.
     *
     * @param group the multicast address
     * @param networkInterface the interface, or null for every suitable one
     * @param required whether finding no suitable interface fails the start
     */
    record Join(InetAddress group, NetworkInterface networkInterface, boolean required) {
    }

    static Join join(InetAddress group, NetworkInterface networkInterface, boolean required) {
        Objects.requireNonNull(group, "group");
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException("not a multicast address: " + group.getHostAddress());
        }
        return new Join(group, networkInterface, required);
    }

    static InetAddress literal(String address) {
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<MulticastMembership> memberships(List<Join> joins, InetAddress bind) {
        if (joins.isEmpty()) {
            return List.of();
        }
        boolean anyInterface = false;
        for (Join j : joins) {
            anyInterface |= j.networkInterface() == null;
        }
        List<NetworkInterface> all = !anyInterface ? List.of()
                : bind == null || bind.isAnyLocalAddress() ? interfaces() : List.of(interfaceOf(bind, interfaces()));
        List<MulticastMembership> out = new ArrayList<>();
        boolean any = false;
        for (Join j : joins) {
            int before = out.size();
            if (j.networkInterface() != null) {
                out.add(new MulticastMembership(j.group(), j.networkInterface()));
            } else {
                for (NetworkInterface nif : all) {
                    if (hasFamily(nif, j.group())) {
                        out.add(new MulticastMembership(j.group(), nif));
                    }
                }
            }
            if (out.size() == before && j.required()) {
                throw new CoapTransportException("no interface to join " + j.group().getHostAddress() + " on");
            }
            any |= out.size() > before;
        }
        if (!any) {
            throw new CoapTransportException("no multicast-capable interface to join the groups on");
        }
        return out;
    }

    /**
     * The interface a specific bind address belongs to, among the multicast-capable {@code candidates};
     * an unassigned loopback address (127.0.0.2) belongs to the loopback interface.
     */
    static NetworkInterface interfaceOf(InetAddress bind, List<NetworkInterface> candidates) {
        for (NetworkInterface nif : candidates) {
            for (InterfaceAddress a : nif.getInterfaceAddresses()) {
                if (a.getAddress().equals(bind)) {
                    return nif;
                }
            }
        }
        if (bind.isLoopbackAddress()) {
            for (NetworkInterface nif : candidates) {
                try {
                    if (nif.isLoopback()) {
                        return nif;
                    }
                } catch (SocketException e) {
                    // not this one
                }
            }
        }
        throw new CoapTransportException("cannot join multicast groups for bind address " + bind.getHostAddress()
                + ": no multicast-capable interface has it; bind to the wildcard address or name the interface");
    }

    /** Interfaces that are up and support multicast. */
    private static List<NetworkInterface> interfaces() {
        try {
            List<NetworkInterface> out = new ArrayList<>();
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp() && nif.supportsMulticast()) {
                    out.add(nif);
                }
            }
            return out;
        } catch (SocketException e) {
            throw new CoapTransportException("cannot list network interfaces: " + e.getMessage(), e);
        }
    }

    private static boolean hasFamily(NetworkInterface nif, InetAddress group) {
        for (InterfaceAddress a : nif.getInterfaceAddresses()) {
            InetAddress addr = a.getAddress();
            if (group instanceof Inet4Address ? addr instanceof Inet4Address : addr instanceof Inet6Address) {
                return true;
            }
        }
        return false;
    }
}
