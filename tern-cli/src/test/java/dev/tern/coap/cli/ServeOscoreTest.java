package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tern serve --oscore server.conf} and {@code tern get|post|put|delete|observe -E client.conf}
 * (RFC 8613) with libcoap's coap-oscore-conf(5) files, as README's walk-through runs them, and
 * libcoap 4.3.4's {@code coap-client-openssl -E} with the same files (skipped without it).
 */
class ServeOscoreTest {
    private static final String SECRET = "0102030405060708090a0b0c0d0e0f10";

    @TempDir
    Path dir;

    private final Captured serveOutput = new Captured(false);
    private final CompletableFuture<Integer> status = new CompletableFuture<>();
    private ServeCommand serve;
    private Path clientConf;
    private String base;

    private Path conf(String name, String senderId, String recipientId) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "# coap-oscore-conf(5)\n"
                + "master_secret,hex,\"" + SECRET + "\"\n"
                + "master_salt,hex,\"9e7ca92223786340\"\n"
                + "sender_id,hex,\"" + senderId + "\"\n"
                + "recipient_id,hex,\"" + recipientId + "\"\n"
                + "replay_window,integer,30\n"
                + "aead_alg,integer,10\n"
                + "hkdf_alg,integer,-10\n");
        return p;
    }

    @BeforeEach
    void serve() throws IOException {
        Path serverConf = conf("server.conf", "01", "");
        clientConf = conf("client.conf", "", "01");
        CommandLine cl = Main.commandLine(serveOutput.io);
        serve = (ServeCommand) cl.getSubcommands().get("serve").getCommand();
        List<String> line = new ArrayList<>(List.of("serve", "--port", "0", "--bind", "127.0.0.1", "-v",
                "--oscore", serverConf.toString()));
        Thread t = new Thread(() -> status.complete(cl.execute(line.toArray(String[]::new))), "tern-serve-test");
        t.setDaemon(true);
        t.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> serve.address() != null || status.isDone());
        assertThat(status).as("serve exited: %s", serveOutput.err()).isNotDone();
        base = "coap://127.0.0.1:" + serve.address().getPort();
    }

    @AfterEach
    void stop() {
        serve.stop();
        assertThat(status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(ExitCodes.OK);
    }

    private Captured tern(String... args) {
        Captured c = new Captured(false);
        c.run(args);
        return c;
    }

    @Test
    void getWithTheClientFileTwiceAndEveryRequestCommand() {
        assertThat(serveOutput.err()).contains("coap:// requests must be protected: OSCORE, sender ID 0x01");
        Captured first = tern("get", "-B", "10", "-E", clientConf.toString(), base + "/hello");
        assertThat(first.out().strip()).as(first.err()).isEqualTo("Hello World!");
        // a second run goes on from the sequence numbers the first reserved in client.conf.seq (B.1.1)
        Captured second = tern("get", "-B", "10", "-E", clientConf.toString(), base + "/hello");
        assertThat(second.out().strip()).as(second.err()).isEqualTo("Hello World!");
        assertThat(dir.resolve("client.conf.seq")).exists();
        assertThat(tern("get", "-B", "10", "-E", clientConf.toString(), base + "/whoami").out())
                .contains("OSCORE");
        assertThat(tern("post", "-B", "10", "-E", clientConf.toString(), base + "/echo", "ping").out().strip())
                .isEqualTo("ping");
        assertThat(new Captured(false).run("put", "-B", "10", "-E", clientConf.toString(), base + "/echo", "pong"))
                .isZero();
        Captured delete = tern("delete", "-B", "10", "-E", clientConf.toString(), base + "/echo");
        assertThat(delete.err()).doesNotContain("4.01");
    }

    @Test
    void withoutTheFileTheServerAnswers401() {
        Captured c = new Captured(false);
        assertThat(c.run("get", "-B", "10", base + "/hello")).isEqualTo(4);
        assertThat(c.err()).contains("4.01");
    }

    @Test
    void verboseShowsTheProtectedAndTheInnerMessage() {
        Captured c = new Captured(false);
        assertThat(c.run("get", "-v", "-B", "10", "-E", clientConf.toString(), base + "/hello")).isZero();
        assertThat(c.err()).containsPattern("> inner CON GET /hello .*Uri-Path:\"hello\"")
                .containsPattern("> 127\\.0\\.0\\.1:\\d+ CON-POST .*OSCORE")
                .contains("< inner 2.05 Content");
        assertThat(c.err().lines().filter(l -> l.startsWith(">") && !l.contains("inner")))
                .allSatisfy(l -> assertThat(l).doesNotContain("hello"));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> serveOutput.err().contains("< inner"));
        assertThat(serveOutput.err()).containsPattern("< inner CON GET /hello");
    }

    @Test
    void observeWithTheClientFile() {
        Captured c = new Captured(false);
        assertThat(c.run("observe", "-c", "2", "-d", "20s", "-E", clientConf.toString(), base + "/time")).isZero();
        assertThat(c.out().lines().count()).as(c.err()).isEqualTo(2);
    }

    /**
     * README's walk-through: {@code tern get -E client.conf}, then libcoap's client with the same
     * configuration and sequence number files, then Tern again: they take turns through
     * {@code client.conf.seq} (libcoap's format), so no nonce is used twice and none is refused as
     * a replay.
     */
    @Test
    void libcoapClientTakesTurnsWithTernThroughTheSameFiles() throws Exception {
        Path bin = libcoap434();
        assertThat(tern("get", "-B", "10", "-E", clientConf.toString(), base + "/hello").out().strip())
                .isEqualTo("Hello World!");
        for (int i = 0; i < 2; i++) {
            Process p = new ProcessBuilder(bin.resolve("coap-client-openssl").toString(), "-B", "10", "-E",
                    clientConf + "," + dir.resolve("client.conf.seq"), base + "/hello").redirectErrorStream(true)
                    .start();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(out.strip()).isEqualTo("Hello World!");
        }
        Captured again = tern("get", "-B", "10", "-E", clientConf.toString(), base + "/hello");
        assertThat(again.out().strip()).as(again.err()).isEqualTo("Hello World!");
        assertThat(Files.readString(dir.resolve("client.conf.seq")).strip()).matches("\\d+");
    }

    /** libcoap 4.3.4's binaries (scripts/libcoap-trixie.sh); required when TERN_LIBCOAP_434_BIN is set. */
    private static Path libcoap434() {
        String configured = System.getenv("TERN_LIBCOAP_434_BIN");
        Path bin = configured != null && !configured.isEmpty() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "tern-peers", "libcoap-4.3.4", "bin");
        boolean present = Files.isExecutable(bin.resolve("coap-client-openssl"));
        if (configured == null || configured.isEmpty()) {
            Assumptions.assumeTrue(present, "libcoap 4.3.4 not found in " + bin + "; run scripts/libcoap-trixie.sh");
        } else {
            assertThat(present).as("coap-client-openssl in " + bin).isTrue();
        }
        return bin;
    }
}
