package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tern serve --http PORT [--http-host NAME]}: the browser console at / and its host names (FAULTS C2). */
class ServeConsoleTest {
    private final Captured output = new Captured(false);
    private final CompletableFuture<Integer> status = new CompletableFuture<>();
    private ServeCommand serve;

    @AfterEach
    void stop() {
        if (serve != null) {
            serve.stop();
            assertThat(status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(ExitCodes.OK);
        }
    }

    private int serve(String... args) {
        CommandLine cl = Main.commandLine(output.io);
        serve = (ServeCommand) cl.getSubcommands().get("serve").getCommand();
        List<String> line = new ArrayList<>(List.of("serve", "--port", "0", "--bind", "127.0.0.1"));
        line.addAll(List.of(args));
        Thread t = new Thread(() -> status.complete(cl.execute(line.toArray(String[]::new))), "tern-serve-test");
        t.setDaemon(true);
        t.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> serve.httpAddress() != null || status.isDone());
        assertThat(status).as("serve %s exited: %s", line, output.err()).isNotDone();
        return serve.httpAddress().getPort();
    }

    private static String get(int port, String path, String host) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nSec-Fetch-Site: none\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void httpServesTheConsoleToTheConfiguredHostNamesOnly() throws IOException {
        int port = serve("--http", "0", "--proxy-allow", "127.0.0.1", "--http-host", "gw.example,console.example");
        String index = get(port, "/", "127.0.0.1:" + port);
        assertThat(index).startsWith("HTTP/1.1 200").contains("<title>Tern console</title>")
                .containsIgnoringCase("content-security-policy: default-src 'none'");
        assertThat(get(port, "/console.js", "console.example:" + port)).startsWith("HTTP/1.1 200")
                .containsIgnoringCase("content-type: text/javascript");
        assertThat(get(port, "/", "rebind.example:" + port)).startsWith("HTTP/1.1 421");
    }

    @Test
    void httpHostNeedsHttpAndAName() {
        assertThat(new Captured(false).run("serve", "--http-host", "gw.example")).isEqualTo(ExitCodes.USAGE);
        assertThat(new Captured(false).run("serve", "--http", "0", "--http-host", "gw.example:80")).isEqualTo(ExitCodes.USAGE);
    }
}
