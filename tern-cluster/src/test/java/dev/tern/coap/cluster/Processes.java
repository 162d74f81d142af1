package dev.tern.coap.cluster;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * redis-server and nginx as child processes on loopback ports, for the cluster tests. A missing
 * binary skips the test, unless {@code TERN_INTEROP_REQUIRED=1} (CI), where it fails.
 */
final class Processes {
    private Processes() {
    }

    /** The first of {@code candidates} that exists, or a skip (a failure on CI). */
    static String binary(String... candidates) {
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c)) || (c.endsWith(".so") && Files.isReadable(Path.of(c)))) {
                return c;
            }
        }
        String message = "none of " + List.of(candidates) + " is installed";
        if ("1".equals(System.getenv("TERN_INTEROP_REQUIRED"))) {
            throw new AssertionError(message);
        }
        Assumptions.abort(message);
        return null;
    }

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A redis-server without persistence on a loopback port; {@link #restart} keeps the port. */
    static final class Redis implements AutoCloseable {
        private final String binary = binary("/usr/bin/redis-server", "/usr/local/bin/redis-server");
        final int port;
        private Process process;

        Redis() throws IOException {
            this.port = freeTcpPort();
            start();
        }

        String uri() {
            return "redis://127.0.0.1:" + port;
        }

        void start() throws IOException {
            process = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline) {
                try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                    if (s.getInputStream().read() == '+') {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                try {
                    Thread.sleep(20); // polling a child process's start, no clock to inject
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            throw new IOException("redis-server did not start on port " + port);
        }

        void stop() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        void restart() throws IOException, InterruptedException {
            stop();
            start();
        }

        @Override
        public void close() {
            try {
                stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * nginx with its stream module balancing UDP to {@code upstreams}, hashing on the client's
     * address and port (deploy/nginx-coap.conf's shape).
     */
    static final class Nginx implements AutoCloseable {
        final int port;
        private final Process process;
        private final Path dir;

        Nginx(List<Integer> upstreams) throws IOException, InterruptedException {
            String binary = binary("/usr/sbin/nginx", "/usr/local/sbin/nginx");
            String module = binary("/usr/lib/nginx/modules/ngx_stream_module.so");
            port = freeUdpPort();
            dir = Files.createTempDirectory("tern-nginx");
            StringBuilder servers = new StringBuilder();
            upstreams.forEach(p -> servers.append("    server 127.0.0.1:").append(p)
                    .append(" max_fails=1 fail_timeout=2s;\n"));
            String conf = "load_module " + module + ";\n"
                    + "worker_processes 1;\npid " + dir.resolve("nginx.pid") + ";\n"
                    + "error_log " + dir.resolve("error.log") + " warn;\n"
                    + "events { worker_connections 1024; }\n"
                    + "stream {\n  upstream coaps {\n    hash $remote_addr$remote_port consistent;\n" + servers
                    + "  }\n  server {\n    listen 127.0.0.1:" + port + " udp;\n    proxy_pass coaps;\n"
                    + "    proxy_timeout 60s;\n  }\n}\n";
            Files.writeString(dir.resolve("nginx.conf"), conf);
            process = new ProcessBuilder(binary, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                    "-g", "daemon off;").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile()).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Files.exists(dir.resolve("nginx.pid")) && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20); // polling a child process's start
            }
            if (!process.isAlive()) {
                throw new IOException("nginx did not start: " + Files.readString(dir.resolve("stdout.log"))
                        + Files.readString(dir.resolve("error.log")));
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
