package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tern.coap.CoapServer;
import dev.tern.coap.EndpointConfig;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code tern discover coap://224.0.1.187:PORT} against two servers in the group, through
 * the loopback interface only ({@code -I lo}), so nothing leaves the machine; skipped when lo has no
 * MULTICAST flag ({@code ip link set lo multicast on}, done by .ci/run), unless TERN_INTEROP_REQUIRED=1.
 */
class DiscoverMulticastTest {
    private static Optional<NetworkInterface> ipv4MulticastInterface() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp() && nif.supportsMulticast() && nif.isLoopback()
                        && nif.inetAddresses().anyMatch(Inet4Address.class::isInstance)) {
                    return Optional.of(nif);
                }
            }
        } catch (SocketException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    @Test
    void listsEveryResponder() throws Exception {
        Optional<NetworkInterface> nif = ipv4MulticastInterface();
        if ("1".equals(System.getenv("TERN_INTEROP_REQUIRED"))) {
            assertThat(nif).as("lo has no MULTICAST flag (run: ip link set lo multicast on)").isPresent();
        }
        assumeTrue(nif.isPresent(), "lo has no MULTICAST flag");
        InetAddress group = InetAddress.getByName(CoapServer.ALL_COAP_NODES_IPV4);
        EndpointConfig fast = EndpointConfig.builder().multicastLeisure(Duration.ofMillis(200)).build();
        try (CoapServer demo = CoapServer.builder().port(0).config(fast).service(DemoResources.router())
                     .joinMulticast(group, nif.get()).build().start();
             CoapServer plugtest = CoapServer.builder().port(demo.port()).bind("127.0.0.2").config(fast)
                     .service(PlugtestResources.router()).joinMulticast(group, nif.get()).build().start()) {
            assertThat(plugtest.port()).isEqualTo(demo.port());
            String uri = "coap://" + CoapServer.ALL_COAP_NODES_IPV4 + ":" + demo.port();

            Captured piped = new Captured(false);
            assertThat(piped.run("discover", "-I", nif.get().getName(), "-B", "1", "--rt", "Type1", uri)).isZero();
            assertThat(piped.out().strip()).isEqualTo("127.0.0.2:" + demo.port() + " </link1>;rt=\"Type1 Type2\";if=\"If1\";ct=0,"
                    + "</link3>;rt=\"Type1 Type3\";if=\"foo\";ct=0");

            Captured terminal = new Captured(true);
            assertThat(terminal.run("discover", "-I", nif.get().getName(), "-B", "1", "--href", "/hello", uri)).isZero();
            assertThat(terminal.out().split("\\R")).containsExactly(
                    terminal.out().lines().findFirst().orElseThrow(),
                    "  </hello>  title=\"Hello World\" ct=0");
            assertThat(terminal.out()).startsWith("127.0.0.1:" + demo.port()); // only the demo server has /hello

            Captured json = new Captured(false);
            assertThat(json.run("discover", "-I", nif.get().getName(), "-B", "1", "--format", "json", "--href", "/t*", uri)).isZero();
            assertThat(json.out()).startsWith("[{\"peer\":").contains("\"href\":\"/time\"").contains("\"href\":\"/test\"");

            Captured none = new Captured(false);
            assertThat(none.run("discover", "-I", nif.get().getName(), "-B", "0.6", "--rt", "nothing", uri)).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(none.err()).contains("no response");
        }
    }
}
