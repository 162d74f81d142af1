package dev.tern.coap.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import dev.tern.coap.dtls.DtlsLayer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The figures of BENCHMARKS.md "Cluster": the same CID client (RFC 9146) served by its own node
 * directly and through a foreign node that forwards its records (same run, alternating rounds),
 * and the Redis commands issued while the requests ran. Counts are modest for a shared machine;
 * raise {@code tern.bench.requests} to measure.
 */
class ForwardingThroughputTest {
    private static final int REQUESTS = Integer.getInteger("tern.bench.requests", 2000);
    private static final int ROUNDS = 3;

    @Test
    void aForeignNodeServesACidClientAtMostOfTheOwnNodesRateWithNoRedisCommands() throws Exception {
        try (Processes.Redis redis = new Processes.Redis();
             Cluster a = node(redis);
             Cluster b = node(redis);
             CoapServer serverA = server(a);
             CoapServer serverB = server(b)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> a.members().size() == 2);
            InetSocketAddress toA = new InetSocketAddress("127.0.0.1", serverA.port());
            InetSocketAddress toB = new InetSocketAddress("127.0.0.1", serverB.port());
            try (Rebinder path = new Rebinder(toA, InetAddress.getLoopbackAddress());
                 CoapClient client = CoapClient.builder().security(Dtls.client(DtlsConfig.client()
                         .psk("dev1", "secret").connectionId(true).build())).build()) {
                String uri = "coaps://127.0.0.1:" + path.address().getPort() + "/hello";
                run(client, uri, 200); // handshake with a, warm-up
                path.retarget(toB);
                run(client, uri, 200); // warm-up through b
                assertThat(b.statistics().recordsForwarded()).isPositive();
                Map<String, Long> before = commandStats(redis.port);
                double own = 0;
                double foreign = 0;
                double ownPipelined = 0;
                double foreignPipelined = 0;
                for (int round = 0; round < ROUNDS; round++) {
                    path.retarget(toA);
                    own += run(client, uri, REQUESTS);
                    ownPipelined += pipelined(client, uri, REQUESTS);
                    path.retarget(toB);
                    foreign += run(client, uri, REQUESTS);
                    foreignPipelined += pipelined(client, uri, REQUESTS);
                }
                Map<String, Long> after = commandStats(redis.port);
                Map<String, Long> delta = new TreeMap<>();
                after.forEach((k, v) -> {
                    long d = v - before.getOrDefault(k, 0L);
                    if (d > 0 && !k.equals("info")) {
                        delta.put(k, d);
                    }
                });
                double ratio = foreign / own;
                double pipelinedRatio = foreignPipelined / ownPipelined;
                System.out.printf("cluster forwarding, one request at a time: own node %.0f req/s, through a foreign node"
                        + " %.0f req/s, ratio %.2f; %d in flight: own %.0f req/s, foreign %.0f req/s, ratio %.2f;"
                        + " Redis commands during %d requests: %s%n", own / ROUNDS, foreign / ROUNDS, ratio, WINDOW,
                        ownPipelined / ROUNDS, foreignPipelined / ROUNDS, pipelinedRatio, 4 * ROUNDS * REQUESTS, delta);
                assertThat(ratio).as("foreign/own").isGreaterThan(0.3);
                assertThat(pipelinedRatio).as("foreign/own, pipelined").isGreaterThan(0.3);
                assertThat(delta).as("Redis commands on the request path").isEmpty();
            }
        }
    }

    private static Cluster node(Processes.Redis redis) {
        // a long lease: its renewal (every third of it) stays out of the measured seconds
        return Cluster.builder().redis(redis.uri()).secret(ClusterLeaseTest.SECRET).leaseTtl(Duration.ofMinutes(3))
                .start();
    }

    private static CoapServer server(Cluster c) {
        DtlsLayer d = Dtls.server(c.configure(DtlsConfig.server().pskStore("dev1",
                "secret".getBytes(StandardCharsets.UTF_8))).build());
        return CoapServer.builder().port(0).bind("127.0.0.1").security(c.secure(d)).executor(Runnable::run)
                .service(Router.builder().get("/hello", r -> Response.content("hi")).build()).build().start();
    }

    private static final int WINDOW = 16;

    /** GETs with {@link #WINDOW} in flight; requests per second. */
    private static double pipelined(CoapClient client, String uri, int n) throws InterruptedException {
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(WINDOW);
        java.util.concurrent.atomic.AtomicInteger failed = new java.util.concurrent.atomic.AtomicInteger();
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            window.acquire();
            client.send(dev.tern.coap.Request.get(uri).build()).whenComplete((r, e) -> {
                if (e != null || !"hi".equals(r.payloadString())) {
                    failed.incrementAndGet();
                }
                window.release();
            });
        }
        window.acquire(WINDOW);
        double rate = n / ((System.nanoTime() - start) / 1e9);
        assertThat(failed.get()).isZero();
        return rate;
    }

    /** Sequential GETs; requests per second. */
    private static double run(CoapClient client, String uri, int n) {
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            assertThat(client.get(uri, Duration.ofSeconds(10)).payloadString()).isEqualTo("hi");
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** Calls per command from {@code INFO commandstats}. */
    private static Map<String, Long> commandStats(int port) throws Exception {
        Map<String, Long> calls = new TreeMap<>();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.getOutputStream().write("INFO commandstats\r\n".getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            int length = Integer.parseInt(in.readLine().substring(1));
            char[] body = new char[length];
            int read = 0;
            while (read < length) {
                read += in.read(body, read, length - read);
            }
            for (String line : new String(body).split("\r\n")) {
                if (line.startsWith("cmdstat_")) {
                    String name = line.substring(8, line.indexOf(':'));
                    String v = line.substring(line.indexOf("calls=") + 6);
                    calls.put(name, Long.parseLong(v.substring(0, v.indexOf(','))));
                }
            }
        }
        return calls;
    }
}
