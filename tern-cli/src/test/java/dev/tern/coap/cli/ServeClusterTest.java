package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tern serve --cluster}: the flags' combinations, a refused start while Redis is unreachable
 * (the message names the URI), and a node against a real redis-server answering a CID request and
 * its status resource (skipped without redis-server unless {@code TERN_INTEROP_REQUIRED=1}).
 */
class ServeClusterTest {
    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Path secret() throws IOException {
        Path f = dir.resolve("cluster.secret");
        Files.writeString(f, "0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
        Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    @Test
    void clusterFlagsNeedDtlsAndASecret() throws IOException {
        Captured noDtls = new Captured(false);
        assertThat(noDtls.run("serve", "-p", "0", "--cluster", "redis://127.0.0.1:1", "--cluster-secret",
                "@" + secret())).isEqualTo(ExitCodes.USAGE);
        assertThat(noDtls.err()).contains("--cluster needs --dtls");
        Captured noSecret = new Captured(false);
        assertThat(noSecret.run("serve", "-p", "0", "--dtls", "-u", "dev1", "-k", "secret", "--cluster",
                "redis://127.0.0.1:1")).isEqualTo(ExitCodes.USAGE);
        assertThat(noSecret.err()).contains("--cluster needs --cluster-secret");
        Captured stray = new Captured(false);
        assertThat(stray.run("serve", "-p", "0", "--node-id", "3")).isEqualTo(ExitCodes.USAGE);
        assertThat(stray.err()).contains("need --cluster");
    }

    @Test
    void redisUnreachableRefusesToStartNamingTheUri() throws IOException {
        String uri = "redis://127.0.0.1:" + freePort();
        Captured c = new Captured(false);
        assertThat(c.run("serve", "-p", "0", "--dtls", "--dtls-port", "0", "-u", "dev1", "-k", "secret",
                "--cluster", uri, "--cluster-secret", "@" + secret())).isEqualTo(ExitCodes.ERROR);
        assertThat(c.err()).contains("tern: cannot reach Redis at " + uri);
    }

    /** A redis-server without persistence on {@code port}, answering PING (a skip when not installed). */
    private static Process redis(int port) throws IOException {
        Path redisServer = Path.of("/usr/bin/redis-server");
        if (!Files.isExecutable(redisServer)) {
            if ("1".equals(System.getenv("TERN_INTEROP_REQUIRED"))) {
                throw new AssertionError("redis-server is not installed");
            }
            Assumptions.abort("redis-server is not installed");
        }
        Process redis = new ProcessBuilder(redisServer.toString(), "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true).start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                return s.getInputStream().read() == '+';
            }
        });
        return redis;
    }

    @Test
    void aNodeAnswersACidRequestAndShowsItsFigures() throws Exception {
        int redisPort = freePort();
        Process redis = redis(redisPort);
        try {
            String secretFile = "@" + secret();
            Captured c = new Captured(false);
            CommandLine cl = Main.commandLine(c.io);
            ServeCommand serve = (ServeCommand) cl.getSubcommands().get("serve").getCommand();
            CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> cl.execute("serve", "--port", "0",
                    "--bind", "127.0.0.1", "--dtls", "--dtls-port", "0", "-u", "dev1", "-k", "secret", "--cluster",
                    "redis://127.0.0.1:" + redisPort, "--cluster-secret", secretFile, "--node-id", "9", "--metrics", "0"));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> serve.secureAddress() != null);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> c.err().contains("tern: cluster node 9 of"));
            Captured get = new Captured(false);
            assertThat(get.run("get", "-B", "10", "coaps://127.0.0.1:" + serve.secureAddress().getPort() + "/hello",
                    "-u", "dev1", "-k", "secret", "--cid")).isZero();
            assertThat(get.out()).contains("Hello World!");
            Captured figures = new Captured(false);
            assertThat(figures.run("get", "-B", "10", "coap://127.0.0.1:" + serve.address().getPort()
                    + "/.well-known/tern/cluster")).isZero();
            assertThat(figures.out()).contains("\"nodeId\":9").contains("\"members\":1");
            // an observer's relation, mirrored into Redis, listed by the node's relations resource
            try (dev.tern.coap.CoapClient observer = dev.tern.coap.CoapClient.create();
                 dev.tern.coap.Observation o = observer.observe(dev.tern.coap.Request.get("coap://127.0.0.1:"
                         + serve.address().getPort() + "/time").build(), r -> { })) {
                o.registered().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                    Captured list = new Captured(false);
                    return list.run("get", "-B", "10", "coap://127.0.0.1:" + serve.address().getPort()
                            + "/.well-known/tern/cluster/relations") == 0
                            && list.out().contains("{\"node\":9,\"path\":\"/time\",\"secure\":false}")
                            && !list.out().contains("127.0.0.1"); // no addresses on a public resource
                });
            }
            // the same figures as meters (tern-micrometer's ClusterMeters) on /metrics
            java.net.http.HttpResponse<String> metrics = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
                            + serve.metricsAddress().getPort() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("coap_cluster_members{node=\"9\"} 1.0")
                    .contains("coap_cluster_handshakes_total{kind=\"full\",node=\"9\"} 1.0")
                    .contains("coap_cluster_forwards_dropped_total{node=\"9\",reason=\"forged\"} 0.0");
            serve.stop();
            assertThat(status.get()).isZero();
        } finally {
            redis.destroyForcibly().waitFor();
        }
    }

    /**
     * {@code tern serve --cluster ... --tcp}: an observe relation on the coap+tcp listener (RFC 8323
     * §7.1) is mirrored into Redis like the UDP ones, listed by another node and ended by it: the
     * observer receives the final 5.03 (RFC 7641 §4.2) over its connection.
     */
    @Test
    void aRelationOnTheTcpListenerIsListedAndEndedByAnotherNode() throws Exception {
        int redisPort = freePort();
        Process redis = redis(redisPort);
        String uri = "redis://127.0.0.1:" + redisPort;
        Path secretFile = secret();
        byte[] secret = PskKeys.parse(Files.readString(secretFile).strip(), "--cluster-secret");
        try (dev.tern.coap.cluster.Cluster other = dev.tern.coap.cluster.Cluster.builder().redis(uri).secret(secret)
                .nodeId(2).start()) {
            Captured c = new Captured(false);
            CommandLine cl = Main.commandLine(c.io);
            ServeCommand serve = (ServeCommand) cl.getSubcommands().get("serve").getCommand();
            CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> cl.execute("serve", "--port", "0",
                    "--bind", "127.0.0.1", "--dtls", "--dtls-port", "0", "-u", "dev1", "-k", "secret", "--cluster",
                    uri, "--cluster-secret", "@" + secretFile, "--node-id", "9", "--tcp", "--tcp-port", "0"));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> serve.address("coap+tcp") != null);
            try (dev.tern.coap.CoapClient observer = dev.tern.coap.CoapClient.builder()
                    .transport(dev.tern.coap.tcp.TcpTransports.client()).build()) {
                java.util.List<dev.tern.coap.Response> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
                dev.tern.coap.Observation o = observer.observe(dev.tern.coap.Request.get("coap+tcp://127.0.0.1:"
                        + serve.address("coap+tcp").getPort() + "/time").build(), seen::add);
                o.registered().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> other.relations().size() == 1);
                dev.tern.coap.cluster.ClusterRelation r = other.relations().get(0);
                assertThat(r.nodeId()).isEqualTo(9);
                assertThat(r.path()).isEqualTo("/time");
                assertThat(r.peer().getAddress().isLoopbackAddress()).isTrue(); // the connection's remote end
                assertThat(other.cancelRelation(r, dev.tern.coap.Code.SERVICE_UNAVAILABLE)).isTrue();
                o.ended().orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
                assertThat(seen.get(seen.size() - 1).code()).isEqualTo(dev.tern.coap.Code.SERVICE_UNAVAILABLE);
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> other.relations().isEmpty());
            }
            serve.stop();
            assertThat(status.get()).isZero();
        } finally {
            redis.destroyForcibly().waitFor();
        }
    }
}
