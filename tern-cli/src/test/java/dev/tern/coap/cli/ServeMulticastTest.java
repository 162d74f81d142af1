package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tern.coap.CoapServer;
import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code tern serve -b 127.0.0.1 -m} (issue 17 point 2): the groups are joined on {@code lo} only,
 * which start-up reports; a bind address no interface has is refused; only the demo routes that opt
 * in answer group requests (RFC 7252 §11.3), and discovery still lists every link: the capped
 * first block is completed by unicast (RFC 7959 §2.4). Never joins a group on another interface than lo.
 */
class ServeMulticastTest {
    private static Optional<NetworkInterface> loopback() {
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
    void aLoopbackBindJoinsOnLoOnlyAndSaysSo() throws Exception {
        Optional<NetworkInterface> lo = loopback();
        if ("1".equals(System.getenv("TERN_INTEROP_REQUIRED"))) {
            assertThat(lo).as("lo has no MULTICAST flag (run: ip link set lo multicast on)").isPresent();
        }
        assumeTrue(lo.isPresent(), "lo has no MULTICAST flag");
        Captured output = new Captured(false);
        CommandLine cl = Main.commandLine(output.io);
        ServeCommand serve = (ServeCommand) cl.getSubcommands().get("serve").getCommand();
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Thread t = new Thread(() -> status.complete(cl.execute("serve", "--port", "0", "--bind", "127.0.0.1", "-m")),
                "tern-serve-multicast-test");
        t.setDaemon(true);
        t.start();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> serve.address() != null || status.isDone());
            assertThat(status).as("serve exited: %s", output.err()).isNotDone();
            Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> output.err().contains("joined All-CoAP-Nodes on"));
            assertThat(output.err()).contains("tern: joined All-CoAP-Nodes on " + lo.get().getName() + "\n")
                    .doesNotContain("joined All-CoAP-Nodes on " + lo.get().getName() + ",");

            String uri = "coap://" + CoapServer.ALL_COAP_NODES_IPV4 + ":" + serve.address().getPort();
            Captured all = new Captured(false);
            assertThat(all.run("discover", "-I", lo.get().getName(), "-B", "6", uri)).isZero();
            assertThat(all.out()).contains("</hello>").contains("</counter>").contains("</echo>");
        } finally {
            serve.stop();
            assertThat(status).succeedsWithin(Duration.ofSeconds(10));
        }
    }

    @Test
    void aBindAddressWithoutAnInterfaceIsRefused() {
        Captured output = new Captured(false);
        int status = output.run("serve", "--port", "0", "--bind", "198.51.100.7", "-m");
        assertThat(status).isEqualTo(ExitCodes.ERROR);
        assertThat(output.err()).contains("198.51.100.7").contains("cannot join multicast groups");
        assertThat(List.of(output.out())).allMatch(String::isEmpty);
    }
}
