package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import picocli.CommandLine;

/**
 * {@code tern serve --dtls ...} running in the test JVM on ephemeral loopback ports (its own thread,
 * not the common pool, so that several can run at once); {@link #close()} stops it as SIGTERM would.
 */
final class Serving implements AutoCloseable {
    final Captured output = new Captured(false);
    private final ServeCommand serve;
    private final CompletableFuture<Integer> status = new CompletableFuture<>();

    /** Serves with {@code --port 0 --bind 127.0.0.1 --dtls --dtls-port 0} and {@code args}. */
    Serving(String... args) {
        CommandLine cl = Main.commandLine(output.io);
        serve = (ServeCommand) cl.getSubcommands().get("serve").getCommand();
        List<String> line = new ArrayList<>(List.of("serve", "--port", "0", "--bind", "127.0.0.1", "--dtls",
                "--dtls-port", "0"));
        line.addAll(List.of(args));
        Thread t = new Thread(() -> status.complete(cl.execute(line.toArray(String[]::new))), "tern-serve-test");
        t.setDaemon(true);
        t.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> serve.secureAddress() != null || status.isDone());
        assertThat(status).as("serve %s exited: %s", line, output.err()).isNotDone();
    }

    /** The plain coap port. */
    int port() {
        return serve.address().getPort();
    }

    /** The port of the {@code scheme} listener ({@code --tls}, {@code --ws}, {@code --wss}). */
    int port(String scheme) {
        return serve.address(scheme).getPort();
    }

    /** The coaps port. */
    int securePort() {
        return serve.secureAddress().getPort();
    }

    /** {@code coaps://HOST:PORT PATH}. */
    String coaps(String host, String path) {
        return "coaps://" + host + ":" + securePort() + path;
    }

    @Override
    public void close() {
        serve.stop();
        assertThat(status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(ExitCodes.OK);
    }
}
