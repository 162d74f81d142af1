package dev.tern.coap.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

    /** A node JVM ({@link NodeMain}): its process, coaps and coap ports, and name ("node ID"). */
    record Node(Process process, int coapsPort, int coapPort, String name) {
    }

    /** Starts {@code n} {@link NodeMain} JVMs on {@code redisUri} and reads their start lines. */
    static List<Node> nodes(int n, String redisUri, List<Process> started) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 0; i < n; i++) {
            started.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    NodeMain.class.getName(), redisUri).redirectError(ProcessBuilder.Redirect.DISCARD).start());
        }
        List<Node> nodes = new ArrayList<>();
        for (Process p : started) {
            String line = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            if (line == null || !line.startsWith("port=")) {
                throw new IOException("node start line: " + line);
            }
            String[] f = line.split("[ =]");
            nodes.add(new Node(p, Integer.parseInt(f[1]), Integer.parseInt(f[5]), "node " + f[3]));
        }
        return nodes;
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
        /** The plain coap listener, 0 if none. */
        final int coapPort;
        private final Process process;
        private final Path dir;

        Nginx(List<Integer> upstreams) throws IOException, InterruptedException {
            this(upstreams, List.of());
        }

        /** Also balances plain coap to {@code coapUpstreams} on {@link #coapPort}, when there are any. */
        Nginx(List<Integer> upstreams, List<Integer> coapUpstreams) throws IOException, InterruptedException {
            String binary = binary("/usr/sbin/nginx", "/usr/local/sbin/nginx");
            String module = binary("/usr/lib/nginx/modules/ngx_stream_module.so");
            port = freeUdpPort();
            dir = Files.createTempDirectory("tern-nginx");
            StringBuilder servers = new StringBuilder();
            upstreams.forEach(p -> servers.append("    server 127.0.0.1:").append(p)
                    .append(" max_fails=1 fail_timeout=30s;\n"));
            coapPort = coapUpstreams.isEmpty() ? 0 : freeUdpPort();
            StringBuilder plain = new StringBuilder();
            if (!coapUpstreams.isEmpty()) {
                plain.append("  upstream coap {\n    hash $remote_addr$remote_port consistent;\n");
                coapUpstreams.forEach(p -> plain.append("    server 127.0.0.1:").append(p)
                        .append(" max_fails=1 fail_timeout=30s;\n"));
                plain.append("  }\n  server {\n    listen 127.0.0.1:").append(coapPort)
                        .append(" udp;\n    proxy_pass coap;\n    proxy_timeout 60s;\n  }\n");
            }
            String conf = "load_module " + module + ";\n"
                    + "worker_processes 1;\npid " + dir.resolve("nginx.pid") + ";\n"
                    + "error_log " + dir.resolve("error.log") + " warn;\n"
                    + "events { worker_connections 4096; }\n" // two per UDP flow: 1 000 clients need 2 000
                    + "stream {\n  upstream coaps {\n    hash $remote_addr$remote_port consistent;\n" + servers
                    + "  }\n  server {\n    listen 127.0.0.1:" + port + " udp;\n    proxy_pass coaps;\n"
                    + "    proxy_timeout 60s;\n  }\n" + plain + "}\n";
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

        /** nginx's error log so far (what it saw of dead upstreams), for a failing test's message. */
        String errorLog() throws IOException {
            Path log = dir.resolve("error.log");
            return Files.exists(log) ? Files.readString(log) : "";
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
