package dev.tern.coap.internal.transport.udp;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Objects;

/**
 * One multicast group joined on one network interface (RFC 7252 §8, §12.8).
 *
 * @param group a multicast address, e.g. 224.0.1.187 or ff02::fd
 * @param networkInterface the interface the group is joined on
 */
public record MulticastMembership(InetAddress group, NetworkInterface networkInterface) {
    /** Checks that {@code group} is a multicast address. */
    public MulticastMembership {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(networkInterface, "networkInterface");
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException("not a multicast address: " + group.getHostAddress());
        }
    }
}
