package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Finding and running the external CoAP peers: executables on the PATH, processes with bounded
 * run times, free loopback ports, and the "skip unless required" rule.
 */
final class Peers {
    /** Set to {@code 1} (CI does) to make a missing peer a failure instead of a skip. */
    static final String REQUIRED_ENV = "TERN_INTEROP_REQUIRED";

    private Peers() {
    }

    /** Whether the interop tests must run (CI), rather than be skipped when a peer is missing. */
    static boolean required() {
        return "1".equals(System.getenv(REQUIRED_ENV));
    }

    /**
     * Passes when {@code available}; otherwise fails the calling test (or class, from
     * {@code @BeforeAll}) if {@link #required()}, else aborts it as skipped.
     */
    /** Where {@code scripts/libcoap-trixie.sh} leaves libcoap 4.3.4, or {@value #LIBCOAP_434_BIN_ENV} says. */
    static final String LIBCOAP_434_BIN_ENV = "TERN_LIBCOAP_434_BIN";

    /**
     * The bin directory of libcoap 4.3.4 holding {@code tools}: from {@value #LIBCOAP_434_BIN_ENV}, else
     * where {@code scripts/libcoap-trixie.sh} puts it ({@code $TERN_PEERS} or {@code ~/.cache/tern-peers}).
     * Missing tools abort the tests, and fail them only when the variable was set (and
     * {@code TERN_INTEROP_REQUIRED=1}): the unpack is optional where the packages cannot be had.
     */
    static java.nio.file.Path libcoap434(String... tools) {
        String configured = System.getenv(LIBCOAP_434_BIN_ENV);
        java.nio.file.Path dir;
        if (configured != null && !configured.isEmpty()) {
            dir = java.nio.file.Path.of(configured);
        } else {
            String peers = System.getenv("TERN_PEERS");
            dir = (peers == null || peers.isEmpty()
                    ? java.nio.file.Path.of(System.getProperty("user.home"), ".cache", "tern-peers")
                    : java.nio.file.Path.of(peers)).resolve("libcoap-4.3.4").resolve("bin");
        }
        boolean present = true;
        for (String tool : tools) {
            present &= java.nio.file.Files.isExecutable(dir.resolve(tool));
        }
        String missing = "libcoap 4.3.4 (" + String.join(", ", tools) + ") not found in " + dir
                + "; run scripts/libcoap-trixie.sh (it prints the directory) or set " + LIBCOAP_434_BIN_ENV;
        if (configured == null || configured.isEmpty()) {
            if (!present) {
                System.err.println("[tern-interop] " + missing + "; skipped");
                Assumptions.abort(missing);
            }
        } else {
            requirePeer(present, missing);
        }
        return dir;
    }

    static void requirePeer(boolean available, String missing) {
        if (available) {
            return;
        }
        if (required()) {
            fail(missing + " (" + REQUIRED_ENV + "=1)");
        }
        String message = missing + "; skipped (set " + REQUIRED_ENV + "=1 to make this a failure)";
        // An aborted @BeforeAll shows in surefire's summary as zero tests run; say why in the log.
        System.err.println("[tern-interop] " + message);
        Assumptions.abort(message);
    }

    /** The executable {@code name} on the PATH, if any. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** This module's directory (surefire runs in it and sets {@code basedir}). */
    static Path moduleDir() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    }

    /** The repository root, the parent of this module. */
    static Path repoRoot() {
        return moduleDir().getParent();
    }

    /**
     * A UDP port on 127.0.0.1 that was free a moment ago, for peers that cannot be told to pick
     * one themselves. Another process could take it in between; on loopback in a test run that is
     * unlikely enough.
     */
    static int freeUdpPort() {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Two consecutive ports on 127.0.0.1, {@code p} and {@code p + 1}, free a moment ago for UDP and
     * for TCP: libcoap's servers take {@code -p p} for CoAP, listen on {@code p + 1} for DTLS, and on
     * the same two TCP ports for coap+tcp and coaps+tcp (a TCP port taken by another test made a
     * coaps+tcp interop test wait for a server that never bound it).
     */
    static int freeUdpPortPair() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (DatagramSocket first = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                int p = first.getLocalPort();
                if (p >= 65535) {
                    continue;
                }
                try {
                    new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), p + 1)).close();
                    // libcoap's servers also listen on TCP p (coap+tcp) and p + 1 (coaps+tcp)
                    for (int port : new int[] {p, p + 1}) {
                        try (java.net.ServerSocket tcp = new java.net.ServerSocket()) {
                            tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                        }
                    }
                    return p;
                } catch (IOException taken) {
                    // try another pair
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no two consecutive free UDP ports on loopback");
    }

    /** A libcoap example server with DTLS: plain CoAP on {@code port}, coaps on {@code dtlsPort}. */
    record LibcoapServer(Daemon daemon, int port, int dtlsPort) implements AutoCloseable {
        @Override
        public void close() {
            daemon.close();
        }
    }

    /**
     * Starts {@code binary} (e.g. {@code coap-server-gnutls}) on 127.0.0.1 with the DTLS
     * {@code credentials} options ({@code -k key}, {@code -c/-j/-C}, {@code -M}); returns once it
     * answers a plain GET / on its CoAP port. Retries on other ports when it exits at once (a port
     * of the pair, UDP or TCP, taken meanwhile).
     */
    static LibcoapServer startLibcoapDtlsServer(String binary, List<String> credentials) {
        AssertionError last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = freeUdpPortPair();
            List<String> command = new ArrayList<>(List.of(binary, "-A", "127.0.0.1", "-p", Integer.toString(port)));
            command.addAll(credentials);
            Daemon server = Daemon.start(null, command);
            try (dev.tern.coap.CoapClient probe = dev.tern.coap.CoapClient.create()) {
                org.awaitility.Awaitility.await(binary + " answering on port " + port)
                        .atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(100))
                        .ignoreExceptions()
                        .failFast(binary + " exited", () -> !server.isAlive())
                        .until(() -> probe.call(dev.tern.coap.Request.get("coap://127.0.0.1:" + port + "/")
                                .timeout(Duration.ofMillis(500)).build()).isSuccess());
                return new LibcoapServer(server, port, port + 1);
            } catch (org.awaitility.core.TerminalFailureException e) {
                last = new AssertionError(server.toString(), e);
                server.close();
            } catch (RuntimeException | Error e) {
                server.close();
                throw e;
            }
        }
        throw last;
    }

    /** The node-coap peer's directory (package.json, server.js, client.js, observe.js). */
    static Path nodeDir() {
        return moduleDir().resolve("node");
    }

    /** Starts libcoap's {@code coap-server-notls} on 127.0.0.1:{@code port}; returns once it answers GET /. */
    static Daemon startLibcoapServer(int port) {
        return startLibcoapServer(port, List.of());
    }

    /** Like {@link #startLibcoapServer(int)}, with more command-line flags (e.g. {@code -d 10}: PUT creates resources). */
    static Daemon startLibcoapServer(int port, List<String> flags) {
        List<String> command = new ArrayList<>(List.of("coap-server-notls", "-A", "127.0.0.1", "-p", Integer.toString(port)));
        command.addAll(flags);
        Daemon server = Daemon.start(null, command);
        try (dev.tern.coap.CoapClient probe = dev.tern.coap.CoapClient.create()) {
            org.awaitility.Awaitility.await("coap-server-notls answering on port " + port)
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .failFast("coap-server-notls exited", () -> !server.isAlive())
                    .until(() -> probe.call(dev.tern.coap.Request.get("coap://127.0.0.1:" + port + "/")
                            .timeout(Duration.ofMillis(500)).build()).isSuccess());
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Starts node-coap's {@code server.js} on 127.0.0.1:{@code port}; returns once it prints "ready". */
    static Daemon startNodeServer(int port) {
        Daemon server = Daemon.start(nodeDir(), List.of("node", "server.js", Integer.toString(port)));
        try {
            org.awaitility.Awaitility.await("node server.js printing ready")
                    .atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(50))
                    .failFast("node server.js exited: " + server, () -> !server.isAlive())
                    .until(() -> server.output().lines().anyMatch("ready"::equals));
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** What a finished process left behind. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + out + "\n--- stderr ---\n" + err;
        }
    }

    /**
     * Runs {@code command} to completion, or kills it after {@code timeout} and fails. Standard
     * input is empty; standard output and error are captured through temporary files (so a chatty
     * process can never block on a full pipe).
     */
    static Result run(Duration timeout, Path workDir, List<String> command) {
        try {
            Path out = Files.createTempFile("tern-interop-", ".out");
            Path err = Files.createTempFile("tern-interop-", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile());
                if (workDir != null) {
                    pb.directory(workDir.toFile());
                }
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    fail("timed out after " + timeout + ": " + String.join(" ", command)
                            + "\n--- stdout ---\n" + read(out) + "\n--- stderr ---\n" + read(err));
                }
                return new Result(p.exitValue(), read(out), read(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static Result run(Duration timeout, List<String> command) {
        return run(timeout, null, command);
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    /**
     * A long-running peer process (a server) whose output goes to a temporary file. Closing it
     * stops the process (SIGTERM, then SIGKILL after 5 s) and removes the file.
     */
    static final class Daemon implements AutoCloseable {
        private final Process process;
        private final Path output;
        private final List<String> command;

        private Daemon(Process process, Path output, List<String> command) {
            this.process = process;
            this.output = output;
            this.command = command;
        }

        static Daemon start(Path workDir, List<String> command) {
            try {
                Path output = Files.createTempFile("tern-interop-daemon-", ".log");
                ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command))
                        .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile());
                if (workDir != null) {
                    pb.directory(workDir.toFile());
                }
                return new Daemon(pb.start(), output, List.copyOf(command));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Everything the process printed so far (stdout and stderr). */
        String output() {
            try {
                return Files.readString(output, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        boolean isAlive() {
            return process.isAlive();
        }

        @Override
        public String toString() {
            return String.join(" ", command) + (process.isAlive() ? " (running)" : " (exited " + process.exitValue() + ")")
                    + "\n--- output ---\n" + output();
        }

        /** Kills the process at once (SIGKILL): it sends nothing more, its connections just drop. */
        void kill() throws InterruptedException {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            try {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            } finally {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a leftover temporary file is harmless
                }
            }
        }
    }
}
