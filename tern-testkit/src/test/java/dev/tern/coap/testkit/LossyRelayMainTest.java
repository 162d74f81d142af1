package dev.tern.coap.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.testkit.LossyRelay.Counters;
import dev.tern.coap.testkit.LossyRelay.Counts;
import dev.tern.coap.testkit.LossyRelay.Impairment;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The relay as its own process: its stdin/stdout protocol and its lifetime. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LossyRelayMainTest {
    @Test
    void countersSurviveTheirTextForm() {
        Counters c = new Counters(new Counts(1, 2, 3, 4, 5, 6), new Counts(60, 50, 40, 30, 20, 10));
        assertThat(Counters.parse(c.toString())).isEqualTo(c);
        assertThatThrownBy(() -> Counters.parse("to server: received 1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forwardsBothWaysCountsAndQuits() throws IOException {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(loopback, 0));
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            server.setSoTimeout(10_000);
            client.setSoTimeout(10_000);
            LossyRelayProcess relay = LossyRelayProcess.start(
                    (InetSocketAddress) server.getLocalSocketAddress(), Impairment.none(), Impairment.none(), 1);
            try {
                assertThat(relay.address().getAddress().isLoopbackAddress()).isTrue();
                assertThat(relay.address().getPort()).isPositive();
                assertThat(relay.counters()).isEqualTo(new Counters(new Counts(0, 0, 0, 0, 0, 0),
                        new Counts(0, 0, 0, 0, 0, 0)));

                send(client, "ping", relay.address());
                DatagramPacket p = receive(server);
                assertThat(text(p)).isEqualTo("ping");
                send(server, "pong", p.getSocketAddress());
                assertThat(text(receive(client))).isEqualTo("pong");

                Counts one = new Counts(1, 0, 0, 0, 1, 0);
                // the relay counts a datagram as forwarded just after sending it
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(relay.counters()).isEqualTo(new Counters(one, one)));
            } finally {
                relay.close();
            }
            assertThat(relay.finalCounters().toServer().forwarded()).isEqualTo(1);
            assertThat(relay.exitCode()).hasValue(0);
            assertThat(relay.otherOutput()).isEmpty();
        }
    }

    @Test
    void exitsWhenItsInputEnds() throws IOException {
        LossyRelayProcess relay = LossyRelayProcess.start(new InetSocketAddress("127.0.0.1", 9),
                Impairment.none(), Impairment.none(), 1);
        try {
            relay.closeInput();
            await().atMost(Duration.ofSeconds(20)).until(() -> !relay.handle().isAlive());
            assertThat(relay.exitCode()).hasValue(0);
        } finally {
            relay.close();
        }
        assertThat(relay.finalCounters().toServer().received()).isZero();
    }

    @Test
    void rejectsBadArguments() throws Exception {
        Process p = new ProcessBuilder(LossyRelayProcess.command("--server", "127.0.0.1:5683", "--to-server", "2,0,0,0"))
                .redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(2);
            assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("bad impairment").contains("usage:");
        } finally {
            p.destroyForcibly();
        }
    }

    private static void send(DatagramSocket from, String text, SocketAddress to) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        from.send(new DatagramPacket(b, b.length, to));
    }

    private static DatagramPacket receive(DatagramSocket on) throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
        on.receive(p);
        return p;
    }

    private static String text(DatagramPacket p) {
        return new String(p.getData(), p.getOffset(), p.getLength(), StandardCharsets.UTF_8);
    }
}
