package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Multicast over the loopback interface (RFC 7252 §8): servers join All-CoAP-Nodes on {@code lo},
 * and the client sends its group request out of {@code lo} (IP_MULTICAST_IF), so no datagram leaves
 * the machine. {@code lo} needs the MULTICAST flag ({@code ip link set lo multicast on}, done by
 * {@code .ci/run}); without it the tests are skipped, unless {@code TERN_INTEROP_REQUIRED=1}.
 */
class MulticastLoopbackTest {
    private static final EndpointConfig FAST = EndpointConfig.builder().multicastLeisure(Duration.ofMillis(200)).build();

    private static Optional<NetworkInterface> multicastInterface(Class<? extends InetAddress> family) {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp() && nif.supportsMulticast() && nif.isLoopback()
                        && nif.inetAddresses().anyMatch(family::isInstance)) {
                    return Optional.of(nif);
                }
            }
        } catch (SocketException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static void requireLoopbackMulticast(boolean available) {
        String why = "lo has no MULTICAST flag (run: ip link set lo multicast on)";
        if ("1".equals(System.getenv("TERN_INTEROP_REQUIRED"))) {
            assertThat(available).as(why).isTrue();
        }
        assumeTrue(available, why);
    }

    private static CoapClient loopbackClient(NetworkInterface lo) {
        return CoapClient.builder().multicastInterface(lo).build();
    }

    private static Router router(String name) {
        return Router.builder().get("/" + name, req -> Response.content(name), RouteOptions.create().resourceType("node"))
                .build();
    }

    @Test
    void everyServerInTheGroupAnswersFromItsUnicastAddress() throws Exception {
        Optional<NetworkInterface> nif = multicastInterface(Inet4Address.class);
        requireLoopbackMulticast(nif.isPresent());
        InetAddress group = InetAddress.getByName(CoapServer.ALL_COAP_NODES_IPV4);
        try (CoapServer a = CoapServer.builder().port(0).config(FAST).service(router("a"))
                     .joinMulticast(group, nif.get()).build().start();
             CoapServer b = CoapServer.builder().port(a.port()).bind("127.0.0.2").config(FAST).service(router("b"))
                     .joinMulticast(group, nif.get()).build().start();
             CoapClient client = loopbackClient(nif.get())) {
            Request discover = Request.get("coap://" + CoapServer.ALL_COAP_NODES_IPV4 + ":" + a.port()
                    + "/.well-known/core?rt=node").build();
            assertThat(b.port()).isEqualTo(a.port());
            List<Response> responses = client.multicast(discover, Duration.ofMillis(1500)).get();
            assertThat(responses).hasSize(2).allSatisfy(r -> {
                assertThat(r.code()).isEqualTo(Code.CONTENT);
                assertThat(r.peer()).isPresent();
                assertThat(r.peer().get().getAddress().isMulticastAddress()).isFalse();
            });
            Set<String> payloads = responses.stream().map(Response::payloadString).collect(Collectors.toSet());
            assertThat(payloads).containsExactlyInAnyOrder("</a>;rt=\"node\"", "</b>;rt=\"node\"");
            assertThat(responses).extracting(r -> r.peer().get()).doesNotHaveDuplicates();

            // Unicast still works, on both, and is answered at once.
            assertThat(client.get("coap://127.0.0.2:" + a.port() + "/b").payloadString()).isEqualTo("b");

            // A filter that matches nothing: no answers at all (RFC 7252 §8.2).
            Request none = Request.get("coap://" + CoapServer.ALL_COAP_NODES_IPV4 + ":" + a.port()
                    + "/.well-known/core?rt=nothing").build();
            assertThat(client.multicast(none, Duration.ofMillis(600)).get()).isEmpty();
        }
    }

    @Test
    @org.junit.jupiter.api.Disabled("IPv6 link-local multicast is not delivered over lo on Linux; tests must not send off-host")
    void theCopyOnTheWildcardSocketIsNotTakenForUnicast() throws Exception {
        // On Linux the wildcard unicast socket receives a copy of IPv6 group datagrams (IPV6_MULTICAST_ALL).
        Optional<NetworkInterface> nif = multicastInterface(Inet6Address.class);
        requireLoopbackMulticast(nif.isPresent());
        InetAddress group = InetAddress.getByName(CoapServer.ALL_COAP_NODES_IPV6_LINK_LOCAL);
        try (CoapServer a = CoapServer.builder().port(0).config(FAST).service(router("a"))
                     .joinMulticast(group, nif.get()).build().start();
             DatagramSocket raw = new DatagramSocket()) {
            // A CON to the group (RFC 7252 §8.1 forbids it) is ignored, and so is its copy, which
            // would otherwise be answered as a unicast request.
            byte[] con = {0x41, 0x01, 0x12, 0x34, 0x5A, (byte) 0xB1, 'a'};
            InetAddress scoped = Inet6Address.getByAddress(null, group.getAddress(), nif.get());
            raw.send(new DatagramPacket(con, con.length, scoped, a.port()));
            raw.setSoTimeout(700);
            assertThatThrownBy(() -> raw.receive(new DatagramPacket(new byte[100], 100)))
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    @org.junit.jupiter.api.Disabled("IPv6 link-local multicast is not delivered over lo on Linux; tests must not send off-host")
    void linkLocalIpv6Group() throws Exception {
        Optional<NetworkInterface> nif = multicastInterface(Inet6Address.class);
        requireLoopbackMulticast(nif.isPresent());
        try (CoapServer a = CoapServer.builder().port(0).config(FAST).service(router("six"))
                     .joinMulticast(InetAddress.getByName(CoapServer.ALL_COAP_NODES_IPV6_LINK_LOCAL), nif.get())
                     .build().start();
             CoapClient client = loopbackClient(nif.get())) {
            Request discover = Request.get("coap://[" + CoapServer.ALL_COAP_NODES_IPV6_LINK_LOCAL + "]:" + a.port()
                    + "/.well-known/core").build();
            List<Response> responses = client.multicast(discover, Duration.ofMillis(1000)).get();
            assertThat(responses).singleElement().satisfies(r -> assertThat(r.payloadString()).isEqualTo("</six>;rt=\"node\""));
        }
    }

    @Test
    void aUnicastAddressIsRefused() {
        try (CoapClient client = CoapClient.create()) {
            assertThat(client.multicast(Request.get("coap://127.0.0.1/x").build(), Duration.ofMillis(10)))
                    .failsWithin(Duration.ofSeconds(1)).withThrowableThat().withCauseInstanceOf(CoapTransportException.class);
        }
    }
}
