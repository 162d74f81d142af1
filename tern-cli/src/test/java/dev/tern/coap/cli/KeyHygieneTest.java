package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 point 5 (FAULTS.md A2.5): keys that other local users can read. A PSK file, an
 * {@code @FILE} key or a private key file that is group- or world-accessible draws a warning on
 * stderr (as ssh's "UNPROTECTED PRIVATE KEY FILE"); a key on the command line (visible in
 * {@code ps} and {@code /proc/PID/cmdline}) draws a hint; {@code -k env:VAR} keeps the key off
 * the command line.
 */
class KeyHygieneTest {
    @TempDir
    Path dir;

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private Path file(String name, String text, String permissions) throws Exception {
        Path f = Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(permissions));
        return f;
    }

    @Test
    void serveWarnsAboutAWorldReadablePskFileButNotAPrivateOne() throws Exception {
        assumeTrue(posix());
        Path open = file("open.psk", "dev1:secret\n", "rw-r--r--");
        try (Serving s = new Serving("--psk-file", open.toString())) {
            assertThat(s.output.err()).contains("WARNING: UNPROTECTED KEY FILE").contains(open.toString())
                    .contains("rw-r--r--").contains("chmod 600").doesNotContain("secret");
        }
        Path closed = file("closed.psk", "dev1:secret\n", "rw-------");
        try (Serving s = new Serving("--psk-file", closed.toString())) {
            assertThat(s.output.err()).doesNotContain("WARNING");
        }
    }

    @Test
    void clientWarnsAboutAGroupReadableKeyFileAndStillConnects() throws Exception {
        assumeTrue(posix());
        Path key = file("dev1.key", "secret\n", "rw-r-----");
        Path psk = file("server.psk", "dev1:secret\n", "rw-------");
        try (Serving s = new Serving("--psk-file", psk.toString())) {
            Captured c = new Captured(false);
            assertThat(c.run("get", s.coaps("127.0.0.1", "/hello"), "-u", "dev1", "-k", "@" + key)).isZero();
            assertThat(c.out()).isEqualTo("Hello World!");
            assertThat(c.err()).contains("WARNING: UNPROTECTED KEY FILE").contains(key.toString())
                    .doesNotContain("visible");
        }
    }

    @Test
    void atFileKeysAreReadByTernNotSplitIntoArgumentsByPicocli() throws Exception {
        // picocli's own @argument-file expansion used to run first: it split "two words" into two
        // arguments, dropped "# ..." lines, and bypassed the permission check.
        Path key = file("spaced.key", "two words\n", posix() ? "rw-------" : "rw-r--r--");
        Path psk = file("spaced.psk", "dev1:two words\n", posix() ? "rw-------" : "rw-r--r--");
        try (Serving s = new Serving("--psk-file", psk.toString())) {
            Captured c = new Captured(false);
            assertThat(c.run("get", s.coaps("127.0.0.1", "/hello"), "-u", "dev1", "-k", "@" + key)).as(c.err()).isZero();
            assertThat(c.out()).isEqualTo("Hello World!");
            assertThat(c.err()).isEmpty();
        }
    }

    @Test
    void serveWarnsAboutAWorldReadablePrivateKeyFile() throws Exception {
        assumeTrue(posix());
        PemFiles.RawKey server = new PemFiles(dir).rawKey("server");
        Files.setPosixFilePermissions(server.key(), PosixFilePermissions.fromString("rw-rw-rw-"));
        try (Serving s = new Serving("--rpk", "-j", server.key().toString())) {
            assertThat(s.output.err()).contains("WARNING: UNPROTECTED KEY FILE").contains(server.key().toString())
                    .contains("rw-rw-rw-");
        }
    }

    @Test
    void aKeyOnTheCommandLineWorksWithAHint() throws Exception {
        try (Serving s = new Serving("--psk-identity", "dev1", "--psk-key", "secret")) {
            assertThat(s.output.err()).contains("--psk-key").contains("visible to other users")
                    .doesNotContain("secret");
            Captured c = new Captured(false);
            assertThat(c.run("get", s.coaps("127.0.0.1", "/hello"), "-u", "dev1", "-k", "secret")).isZero();
            assertThat(c.out()).isEqualTo("Hello World!");
            assertThat(c.err()).contains("-k").contains("visible to other users").contains("env:")
                    .doesNotContain("secret");
        }
    }

    @Test
    void keyFromTheEnvironment() throws Exception {
        Path psk = file("env.psk", "dev1:secret\n", posix() ? "rw-------" : "rw-r--r--");
        try (Serving s = new Serving("--psk-file", psk.toString())) {
            Process ok = tern(s, "TERN_TEST_PSK", "secret", "get", s.coaps("127.0.0.1", "/hello"),
                    "-u", "dev1", "-k", "env:TERN_TEST_PSK");
            assertThat(ok.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String out = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(ok.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(ok.exitValue()).as(err).isZero();
            assertThat(out).isEqualTo("Hello World!");
            assertThat(err).doesNotContain("visible");

            Process unset = tern(s, "OTHER", "x", "get", s.coaps("127.0.0.1", "/hello"),
                    "-u", "dev1", "-k", "env:TERN_TEST_PSK_UNSET");
            assertThat(unset.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String unsetErr = new String(unset.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(unset.exitValue()).isEqualTo(ExitCodes.USAGE);
            assertThat(unsetErr).contains("-k: environment variable TERN_TEST_PSK_UNSET is not set");
        }
    }

    /** {@code tern ARGS} in a JVM of its own, with {@code name=value} in its environment. */
    private static Process tern(Serving s, String name, String value, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put(name, value);
        return pb.start();
    }

    @Test
    void theHelpTeachesKeyFilesAndTheEnvironmentNotKeysOnTheCommandLine() {
        for (String[] help : List.of(new String[] {"--help"}, new String[] {"serve", "--help"},
                new String[] {"get", "--help"})) {
            Captured c = new Captured(false);
            assertThat(c.run(help)).isZero();
            assertThat(c.out()).as(String.join(" ", help)).doesNotContainPattern("(-k|--psk-key) secret")
                    .doesNotContainPattern("(-k|--psk-key) [^@e<\\s]");
        }
        Captured top = new Captured(false);
        top.run("--help");
        assertThat(top.out()).contains("--psk-file keys.psk").contains("-k @dev1.key").contains("-k env:TERN_PSK");
        Captured get = new Captured(false);
        get.run("get", "--help");
        assertThat(get.out()).contains("env:VAR").contains("visible to other users in ps");
    }
}
