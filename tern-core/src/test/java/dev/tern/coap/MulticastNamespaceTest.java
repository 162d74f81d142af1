package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import dev.tern.coap.testkit.NetworkNamespace;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 points 1 and 2 from "another host": a server ({@link GroupServerMain}, its own JVM) runs
 * inside a private network namespace that has {@code lo} and one end of a veth pair; this JVM is
 * the other host, sending group requests out of its end of the pair (IP_MULTICAST_IF, TTL 1), so
 * nothing leaves the machine. Skipped with the reason when namespaces cannot be created (not root,
 * no iproute2), unless {@code TERN_INTEROP_REQUIRED=1}.
 */
class MulticastNamespaceTest {
    private static final Duration QUIET = Duration.ofMillis(800);

    private NetworkNamespace ns;
    private Process server;
    private final List<String> serverOutput = new CopyOnWriteArrayList<>();
    private MulticastSocket socket;
    private int mid = 0x2000;

    @BeforeEach
    void createNamespace() throws Exception {
        Optional<NetworkNamespace> created = NetworkNamespace.create();
        if ("1".equals(System.getenv("TERN_INTEROP_REQUIRED"))) {
            assertThat(created).as(NetworkNamespace.unavailable()).isPresent();
        }
        assumeTrue(created.isPresent(), NetworkNamespace.unavailable());
        ns = created.get();
        socket = new MulticastSocket(new InetSocketAddress(InetAddress.getByName(ns.hostAddress()), 0));
        socket.setNetworkInterface(ns.hostInterface());
        socket.setTimeToLive(1);
        socket.setOption(java.net.StandardSocketOptions.IP_MULTICAST_LOOP, false); // our own group datagrams are not for us
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (server != null) {
            server.getOutputStream().close();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (socket != null) {
            socket.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    /** Starts the server inside the namespace; returns {@code port interfaces...}. */
    private String[] startServer(String bind) throws Exception {
        String java = ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
        server = ns.exec(List.of(java, "-cp", System.getProperty("java.class.path"), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xmx64m", GroupServerMain.class.getName(), bind))
                .redirectErrorStream(true).start();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    serverOutput.add(line);
                    if (line.startsWith("READY ")) {
                        ready.complete(line.substring(6));
                    }
                }
            } catch (java.io.IOException e) {
                // the process ended
            }
            ready.completeExceptionally(new IllegalStateException("server exited: " + serverOutput));
        }, "group-server-output");
        reader.setDaemon(true);
        reader.start();
        return ready.get(60, TimeUnit.SECONDS).split(" ");
    }

    private byte[] request(Code method, String path) {
        Message m = new Message(MessageType.NON, method, mid++, Bytes.of(new byte[] {1, (byte) mid}),
                Options.builder().uriPath(path).build(), Bytes.EMPTY);
        return MessageEncoder.encode(m);
    }

    private void sendToGroup(byte[] datagram, int port) throws Exception {
        socket.send(new DatagramPacket(datagram, datagram.length,
                InetAddress.getByName(CoapServer.ALL_COAP_NODES_IPV4), port));
    }

    private Optional<Message> receive(Duration wait, int port) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        byte[] buf = new byte[2048];
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return Optional.empty();
            }
            socket.setSoTimeout((int) left);
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return Optional.empty();
            }
            DecodeResult r = MessageDecoder.decode(buf, 0, p.getLength());
            if (p.getPort() == port && r instanceof Message m) {
                return Optional.of(m);
            }
        }
    }

    @Test
    void aWildcardServerAnswersDiscoveryFromTheOtherHostWithinTheMultiplierAndNothingElse() throws Exception {
        String[] ready = startServer("*");
        int port = Integer.parseInt(ready[0]);
        assertThat(List.of(ready).subList(1, ready.length)).as("wildcard bind joins every interface")
                .contains("lo", ns.insideInterface());

        byte[] core = request(Code.GET, "/.well-known/core");
        sendToGroup(core, port);
        Message answer = receive(Duration.ofSeconds(10), port).orElseThrow(
                () -> new AssertionError("no answer to GET /.well-known/core; server said " + serverOutput));
        assertThat(answer.code()).isEqualTo(Code.CONTENT);
        assertThat(MessageEncoder.encodedSize(answer)).isLessThanOrEqualTo(3 * core.length);

        sendToGroup(request(Code.GET, "/large"), port);
        sendToGroup(request(Code.POST, "/items"), port);
        assertThat(receive(QUIET, port)).as("answer to a route that did not opt in").isEmpty();
        assertThat(serverOutput).doesNotContain("POSTED");

        sendToGroup(request(Code.POST, "/group-items"), port); // opted in: reaches its handler from the other host
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> serverOutput.contains("GROUP-POSTED"));
    }

    @Test
    void aServerBoundToLoopbackIgnoresGroupRequestsFromTheOtherHost() throws Exception {
        String[] ready = startServer("127.0.0.1");
        int port = Integer.parseInt(ready[0]);
        sendToGroup(request(Code.GET, "/.well-known/core"), port);
        sendToGroup(request(Code.POST, "/group-items"), port);
        assertThat(receive(Duration.ofSeconds(2), port)).as("answer to a group request from the veth side").isEmpty();
        assertThat(serverOutput).as("a handler run by a group request from the veth side").doesNotContain("GROUP-POSTED");
        assertThat(List.of(ready).subList(1, ready.length)).as("joined only on lo").containsExactly("lo");
    }
}
