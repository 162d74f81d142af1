package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.testkit.CoapMessage;
import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarts with OSCORE (RFC 8613 Appendix B.1), as processes: {@code tern serve --oscore} killed
 * with {@code destroyForcibly} (SIGKILL) and started again on the same port, and every client a
 * {@code tern get -E} or {@code tern observe -E} process of its own, one of them killed the same
 * way. A relay on the way records every datagram: no (sender, Partial IV) pair, that is no nonce,
 * is ever used twice; the first request after the server's restart succeeds after one Echo round
 * trip (B.1.2); a request captured before the restart and sent again is not processed.
 */
@Timeout(180)
class OscoreProcessRestartTest {
    private static final String SECRET = "0102030405060708090a0b0c0d0e0f10";

    @TempDir
    Path dir;

    private Path conf(String name, String senderId, String recipientId) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "master_secret,hex,\"" + SECRET + "\"\nmaster_salt,hex,\"9e7ca92223786340\"\n"
                + "sender_id,hex,\"" + senderId + "\"\nrecipient_id,hex,\"" + recipientId + "\"\n"
                + "replay_window,integer,30\nssn_freq,integer,4\n");
        return p;
    }

    private static ProcessBuilder tern(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }

    private static String run(ProcessBuilder pb) throws Exception {
        Process p = pb.redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private Process serve(int port, Path serverConf) throws Exception {
        Process p = tern("serve", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--oscore",
                serverConf.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("serve.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(dir.resolve("serve.log")).contains("serving coap://")) {
            assertThat(p.isAlive()).as(Files.readString(dir.resolve("serve.log"))).isTrue();
            assertThat(System.nanoTime()).as("serve started").isLessThan(deadline);
            Thread.sleep(50); // waiting for another process's output file: no event to wait on
        }
        return p;
    }

    @Test
    void serverKilledAndRestartedClientsRestartedNoNonceReusedNoReplayProcessed() throws Exception {
        Path serverConf = conf("server.conf", "01", "");
        Path clientConf = conf("client.conf", "", "01");
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (Relay relay = new Relay(port)) {
            String base = "coap://127.0.0.1:" + relay.port();
            Process server = serve(port, serverConf);
            try {
                assertThat(run(tern("get", "-B", "20", "-E", clientConf.toString(), base + "/hello")))
                        .isEqualTo("Hello World!");
                assertThat(run(tern("post", "-B", "20", "-E", clientConf.toString(), base + "/counter"))).isEqualTo("1");
                byte[] captured = relay.lastRequest();
                // a client killed while observing: its successor must not reuse its numbers either
                Process observer = tern("observe", "-E", clientConf.toString(), base + "/time")
                        .redirectErrorStream(true).start();
                assertThat(new String(observer.getInputStream().readNBytes(6), StandardCharsets.UTF_8)).isNotBlank();
                observer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9
                server = serve(port, serverConf);
                int before = relay.requests();
                assertThat(run(tern("post", "-B", "20", "-E", clientConf.toString(), base + "/counter"))).isEqualTo("1");
                assertThat(relay.requests() - before).as("one Echo round trip").isEqualTo(2);
                // the request captured before the restart, replayed from another port: not processed
                try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                    attacker.setSoTimeout(10_000);
                    attacker.send(new DatagramPacket(captured, captured.length, new InetSocketAddress("127.0.0.1", port)));
                    DatagramPacket in = new DatagramPacket(new byte[1500], 1500);
                    attacker.receive(in);
                    CoapMessage answer = CoapMessage.decode(java.util.Arrays.copyOf(in.getData(), in.getLength()));
                    assertThat(answer.code()).isIn(Code.UNAUTHORIZED, Code.CHANGED); // Replay detected, or an Echo challenge
                }
                assertThat(run(tern("get", "-B", "20", "-E", clientConf.toString(), base + "/counter"))).isEqualTo("1");
            } finally {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Set<String> nonces = new HashSet<>();
            Set<String> datagrams = new HashSet<>();
            for (Relay.Datagram d : relay.seen) {
                if (!datagrams.add(d.toServer() + Bytes.wrap(d.bytes()).hex())) {
                    continue; // a retransmission, byte for byte
                }
                String piv = partialIv(d.bytes());
                if (piv != null) {
                    assertThat(nonces.add((d.toServer() ? "client:" : "server:") + piv))
                            .as("nonce of %s used twice", piv).isTrue();
                }
            }
            assertThat(nonces).hasSizeGreaterThan(8);
        }
    }

    /** The Partial IV of a message's OSCORE option (RFC 8613 §6.1), or null when it has none. */
    private static String partialIv(byte[] datagram) {
        CoapMessage m = CoapMessage.decode(datagram);
        var oscore = m.options().all(dev.tern.coap.OptionNumber.OSCORE);
        if (oscore.isEmpty() || oscore.get(0).value().isEmpty()) {
            return null;
        }
        Bytes v = oscore.get(0).value();
        int n = v.get(0) & 0x07;
        return n == 0 ? null : v.slice(1, n).hex();
    }

    /** A UDP relay for one client at a time, recording every datagram. */
    private static final class Relay implements AutoCloseable {
        record Datagram(boolean toServer, byte[] bytes) {
        }

        final List<Datagram> seen = new CopyOnWriteArrayList<>();
        private final DatagramSocket socket;
        private final InetSocketAddress server;
        private volatile SocketAddress client;

        Relay(int serverPort) throws IOException {
            socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
            server = new InetSocketAddress(InetAddress.getLoopbackAddress(), serverPort);
            Thread t = new Thread(this::run, "relay");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        int requests() {
            return (int) seen.stream().filter(Datagram::toServer).filter(d -> (d.bytes()[1] & 0xE0) == 0
                    && d.bytes()[1] != 0).count();
        }

        byte[] lastRequest() {
            for (int i = seen.size() - 1; i >= 0; i--) {
                if (seen.get(i).toServer() && (seen.get(i).bytes()[1] & 0xE0) == 0 && seen.get(i).bytes()[1] != 0) {
                    return seen.get(i).bytes();
                }
            }
            throw new AssertionError("no request relayed");
        }

        private void run() {
            byte[] buf = new byte[65535];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    byte[] copy = java.util.Arrays.copyOf(p.getData(), p.getLength());
                    boolean toServer = !p.getSocketAddress().equals(server);
                    if (toServer) {
                        client = p.getSocketAddress();
                    }
                    seen.add(new Datagram(toServer, copy));
                    SocketAddress to = toServer ? server : client;
                    socket.send(new DatagramPacket(copy, copy.length, to));
                } catch (IOException e) {
                    if (socket.isClosed()) {
                        return;
                    }
                }
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
