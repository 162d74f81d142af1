package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.MessageType;
import dev.tern.coap.Options;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tern serve --state-dir DIR --state-key @FILE}: an observer of {@code /time} (a raw UDP
 * socket that registers once) keeps receiving notifications with its token and increasing Observe
 * numbers across a restart of the server (SIGTERM, then a new process on the same port); a wrong
 * key moves the file aside with a clear message and the server starts empty.
 */
class ServeStateTest {
    @TempDir
    Path dir;

    private final class Run implements AutoCloseable {
        final Captured output = new Captured(false);
        final ServeCommand serve;
        final CompletableFuture<Integer> status = new CompletableFuture<>();

        Run(int port, Path key, String... more) {
            CommandLine cl = Main.commandLine(output.io);
            serve = (ServeCommand) cl.getSubcommands().get("serve").getCommand();
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("serve", "--port",
                    Integer.toString(port), "--bind", "127.0.0.1", "--state-dir", dir.resolve("state").toString(),
                    "--state-key", "@" + key));
            args.addAll(java.util.List.of(more));
            String[] line = args.toArray(String[]::new);
            Thread t = new Thread(() -> status.complete(cl.execute(line)), "tern-serve-state-test");
            t.setDaemon(true);
            t.start();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> serve.address() != null || status.isDone());
            assertThat(status).as("serve exited: %s", output.err()).isNotDone();
        }

        @Override
        public void close() {
            serve.stop();
            assertThat(status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(ExitCodes.OK);
        }
    }

    private Path key(String name, String text) throws Exception {
        Path k = dir.resolve(name);
        Files.writeString(k, text + "\n");
        try {
            Files.setPosixFilePermissions(k, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not POSIX
        }
        return k;
    }

    private static int freePort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        }
    }

    @Test
    void observerOfTimeKeepsReceivingAcrossARestart() throws Exception {
        Path key = key("state.key", "hex:00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        int port = freePort();
        Bytes token = Bytes.fromHex("7e570001");
        try (DatagramSocket observer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            observer.setSoTimeout(5000);
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
            int last;
            try (Run first = new Run(port, key)) {
                assertThat(first.serve.address()).isNotNull();
                send(observer, server, new Message(MessageType.CON, Code.GET, 0x4242, token,
                        Options.builder().uriPath("/time").observe(0).build(), Bytes.EMPTY));
                Message registered = receive(observer, server);
                assertThat(registered.options().observe()).isPresent();
                Message n = receive(observer, server);
                assertThat(n.token()).isEqualTo(token);
                last = n.options().observe().orElseThrow();
            }
            assertThat(dir.resolve("state").resolve("state.bin")).exists();
            try (Run second = new Run(port, key)) {
                assertThat(second.output.err()).doesNotContain("rejected");
                for (int i = 0; i < 2; i++) {
                    Message n = receive(observer, server);
                    assertThat(n.token()).isEqualTo(token);
                    assertThat(n.options().observe().orElseThrow()).isGreaterThan(last);
                    last = n.options().observe().orElseThrow();
                }
            }
        }
    }

    @Test
    void rdRegistrationsSurviveARestart() throws Exception {
        Path key = key("rd.key", "env-free key for the rd test, 32b");
        int port = freePort();
        String base = "coap://127.0.0.1:" + port;
        String location;
        try (Run first = new Run(port, key, "--rd");
             dev.tern.coap.CoapClient client = dev.tern.coap.CoapClient.create()) {
            assertThat(first.serve.address()).isNotNull();
            dev.tern.coap.Response reg = client.call(dev.tern.coap.Request.post(base + "/rd?ep=node-7&lt=600")
                    .payload("</temp>;rt=temperature").contentFormat(40).build());
            assertThat(reg.code()).isEqualTo(Code.CREATED);
            location = "/" + String.join("/", reg.options().locationPath());
        }
        try (Run second = new Run(port, key, "--rd");
             dev.tern.coap.CoapClient client = dev.tern.coap.CoapClient.create()) {
            assertThat(second.serve.address()).isNotNull();
            assertThat(client.get(base + "/rd-lookup/ep").payloadString()).contains("<" + location + ">")
                    .contains("ep=\"node-7\"");
        }
    }

    @Test
    void wrongKeyMovesTheFileAsideAndStartsEmpty() throws Exception {
        int port = freePort();
        try (Run first = new Run(port, key("right.key", "the right state key, long enough"))) {
            assertThat(first.output.err()).doesNotContain("rejected");
        }
        assertThat(dir.resolve("state").resolve("state.bin")).exists();
        try (Run second = new Run(port, key("wrong.key", "a wrong state key, long enough!!"))) {
            assertThat(second.output.err()).contains("rejected: does not authenticate: wrong key, truncated or tampered")
                    .contains("state.bin.rejected-").doesNotContain("wrong state key");
        }
        try (Stream<Path> files = Files.list(dir.resolve("state"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("state.bin.rejected-"));
        }
    }

    private static void send(DatagramSocket s, InetSocketAddress to, Message m) throws Exception {
        byte[] b = MessageEncoder.encode(m);
        s.send(new DatagramPacket(b, b.length, to));
    }

    /** The next message; a CON is acknowledged, as an observer does (RFC 7641 §4.5). */
    private static Message receive(DatagramSocket s, InetSocketAddress from) throws Exception {
        byte[] buf = new byte[1500];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        Message m = (Message) MessageDecoder.decode(java.util.Arrays.copyOf(buf, p.getLength()));
        if (m.type() == MessageType.CON) {
            send(s, from, Message.empty(MessageType.ACK, m.messageId()));
        }
        return m;
    }
}
