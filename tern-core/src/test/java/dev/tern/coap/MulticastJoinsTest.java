package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.internal.transport.udp.MulticastMembership;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 point 2: which interfaces the groups are joined on (RFC 7252 §8, §11.3). Computes the
 * memberships only (nothing is joined), except for the last test, which joins on {@code lo} only.
 */
class MulticastJoinsTest {
    private static List<MulticastJoins.Join> allCoapNodes() {
        return List.of(MulticastJoins.join(MulticastJoins.literal(CoapServer.ALL_COAP_NODES_IPV4), null, false),
                MulticastJoins.join(MulticastJoins.literal(CoapServer.ALL_COAP_NODES_IPV6_LINK_LOCAL), null, false));
    }

    private static Set<String> names(List<MulticastMembership> memberships) {
        return memberships.stream().map(m -> m.networkInterface().getName()).collect(Collectors.toSet());
    }

    @Test
    void aLoopbackBindJoinsOnTheLoopbackInterfaceOnly() throws Exception {
        MulticastAmplificationTest.requireLoopback();
        String lo = MulticastAmplificationTest.loopback().orElseThrow().getName();
        assertThat(names(MulticastJoins.memberships(allCoapNodes(), InetAddress.getByName("127.0.0.1"))))
                .containsExactly(lo);
        assertThat(names(MulticastJoins.memberships(allCoapNodes(), InetAddress.getByName("127.0.0.2"))))
                .as("an unassigned loopback address belongs to lo").containsExactly(lo);
    }

    @Test
    void theWildcardBindJoinsOnEveryMulticastInterface() throws Exception {
        MulticastAmplificationTest.requireLoopback();
        Set<String> wildcard = names(MulticastJoins.memberships(allCoapNodes(), InetAddress.getByName("0.0.0.0")));
        assertThat(names(MulticastJoins.memberships(allCoapNodes(), null))).isEqualTo(wildcard);
        long capable = NetworkInterface.networkInterfaces().filter(n -> {
            try {
                return n.isUp() && n.supportsMulticast();
            } catch (java.net.SocketException e) {
                return false;
            }
        }).count();
        assertThat(wildcard).hasSize((int) capable);
    }

    @Test
    void aBindAddressOfNoInterfaceIsRefused() throws Exception {
        assertThatThrownBy(() -> MulticastJoins.memberships(allCoapNodes(), InetAddress.getByName("198.51.100.7")))
                .isInstanceOf(CoapTransportException.class).hasMessageContaining("198.51.100.7");
    }

    @Test
    void anExplicitInterfaceIsKept() throws Exception {
        NetworkInterface lo = MulticastAmplificationTest.requireLoopback();
        List<MulticastMembership> m = MulticastJoins.memberships(List.of(MulticastJoins.join(
                MulticastJoins.literal(CoapServer.ALL_COAP_NODES_IPV4), lo, true)), InetAddress.getByName("127.0.0.2"));
        assertThat(names(m)).containsExactly(lo.getName());
    }

    @Test
    void aServerBoundToLoopbackReportsTheInterfacesItJoined() throws Exception {
        NetworkInterface lo = MulticastAmplificationTest.requireLoopback();
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").joinAllCoapNodes().build().start()) {
            assertThat(server.multicastInterfaces()).containsExactly(lo);
        }
    }
}
