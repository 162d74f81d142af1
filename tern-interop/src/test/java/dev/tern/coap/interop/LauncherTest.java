package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/tern} as a user runs it, from a copy of the launcher and the shaded jar laid out as in
 * the repository: the first client command writes the class data sharing archive, later ones map
 * Tern's classes from it, a rebuilt jar makes the archive stale and it is rewritten, and
 * {@code TERN_CDS=0} leaves it alone. Needs {@code tern-cli/target/tern.jar} (built by
 * {@code mvn package}/{@code verify} before this module).
 */
@Timeout(60)
class LauncherTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path home;
    private Path launcher;
    private Path jar;
    private Path archive;
    private CoapServer server;

    @BeforeEach
    void layOut() throws IOException {
        Path root = Peers.repoRoot();
        Path builtJar = root.resolve("tern-cli/target/tern.jar");
        assumeTrue(Files.isRegularFile(builtJar), "tern-cli/target/tern.jar not built");
        launcher = home.resolve("bin/tern");
        jar = home.resolve("tern-cli/target/tern.jar");
        archive = home.resolve("tern-cli/target/tern.jsa");
        Files.createDirectories(launcher.getParent());
        Files.createDirectories(jar.getParent());
        Files.copy(root.resolve("bin/tern"), launcher);
        Files.copy(builtJar, jar);
        server = CoapServer.builder().bind("127.0.0.1").port(0)
                .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build())
                .build().start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Peers.Result get(String... env) {
        List<String> command = new ArrayList<>(List.of("env"));
        command.addAll(List.of(env));
        command.addAll(List.of("sh", launcher.toString(), "get", "coap://127.0.0.1:" + server.port() + "/hello"));
        Peers.Result r = Peers.run(TIMEOUT, home, command);
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out()).as("%s", r).contains("Hello World!");
        return r;
    }

    @Test
    void theFirstClientCommandWritesTheArchiveAndTheNextOnesUseIt() throws IOException {
        Peers.Result first = get();
        assertThat(first.err()).as("%s", first).isEmpty();
        assertThat(archive).isRegularFile();
        assertThat(Files.list(archive.getParent())).as("no temporary archive left")
                .noneMatch(p -> p.getFileName().toString().startsWith("tern.jsa."));

        Peers.Result second = get("TERN_OPTS=-Xlog:class+load=info");
        assertThat(second.out()).as("Tern's classes come from the archive")
                .containsPattern("dev\\.tern\\.coap\\.cli\\.Main source: shared objects file \\(top\\)");
    }

    @Test
    void aRebuiltJarMakesTheArchiveStaleAndItIsRewritten() throws IOException {
        get();
        Instant built = Files.getLastModifiedTime(jar).toInstant();
        Files.setLastModifiedTime(archive, FileTime.from(built.minusSeconds(60))); // the jar was rebuilt since
        Peers.Result stale = get();
        assertThat(stale.err()).as("no warning about the stale archive: %s", stale).isEmpty();
        assertThat(Files.getLastModifiedTime(archive).toInstant()).isAfter(built.minusSeconds(1));
        Peers.Result fresh = get("TERN_OPTS=-Xlog:class+load=info");
        assertThat(fresh.out()).contains("source: shared objects file (top)");
    }

    @Test
    void ternCdsZeroTurnsItOff() {
        get("TERN_CDS=0");
        assertThat(archive).doesNotExist();
    }
}
