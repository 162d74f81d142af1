package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive that {@code mvn package} builds ({@code tern-cli/target/tern-VERSION-dist.tar.gz}),
 * unpacked as a user would on a machine with only a JDK: {@code bin/tern} is executable, finds
 * {@code lib/tern.jar} beside it and answers a request, with no repository around it.
 */
@Timeout(60)
class DistributionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    @Test
    void theUnpackedArchiveRunsTern() throws IOException {
        Path target = Peers.repoRoot().resolve("tern-cli/target");
        Path archive;
        try (Stream<Path> files = Files.list(target)) {
            archive = files.filter(p -> p.getFileName().toString().matches("tern-.*-dist\\.tar\\.gz"))
                    .findFirst().orElse(null);
        }
        assumeTrue(archive != null, "tern-cli/target/tern-*-dist.tar.gz not built (mvn package)");

        Peers.Result untar = Peers.run(TIMEOUT, home, List.of("tar", "xzf", archive.toString()));
        assertThat(untar.exitCode()).as("%s", untar).isZero();
        Path dist;
        try (Stream<Path> dirs = Files.list(home)) {
            dist = dirs.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        assertThat(dist.getFileName().toString()).startsWith("tern-");
        assertThat(dist.resolve("lib/tern.jar")).isRegularFile();
        assertThat(dist.resolve("LICENSE")).isRegularFile();
        Path launcher = dist.resolve("bin/tern");
        assertThat(Files.getPosixFilePermissions(launcher)).contains(PosixFilePermission.OWNER_EXECUTE);

        CoapServer server = CoapServer.builder().bind("127.0.0.1").port(0)
                .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build())
                .build().start();
        try {
            Peers.Result r = Peers.run(TIMEOUT, home, List.of(launcher.toString(), "get",
                    "coap://127.0.0.1:" + server.port() + "/hello"));
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(r.out()).as("%s", r).contains("Hello World!");
            assertThat(dist.resolve("lib/tern.jsa")).as("the CDS archive is written beside the jar").isRegularFile();
        } finally {
            server.close();
        }
    }
}
