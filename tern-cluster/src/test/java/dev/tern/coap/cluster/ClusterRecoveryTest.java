package dev.tern.coap.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import dev.tern.coap.spi.EndpointMetrics;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Recovery of many DTLS devices after a {@code kill -9} (issue 10): three node JVMs ({@link
 * NodeMain}), Redis and nginx, {@code tern.recovery.devices} PSK clients with Connection IDs (default
 * 50; the benchmark runs 1 000 with {@code -Dtern.recovery.devices=1000}) in this one JVM, bound to
 * 127.0.0.2-251 (four per address, each its own port). Every device establishes a session through
 * nginx with one full handshake; the node holding the most is killed with SIGKILL; each of its
 * devices then sends a request, all at once (the storm a crash causes), and is answered by another
 * node after exactly one abbreviated handshake (RFC 5246 §7.3, the session from Redis) and no full
 * one. Prints the time from the kill until the last of them was answered.
 */
class ClusterRecoveryTest {
    private static final int NODES = 3;
    private static final int DEVICES = Integer.getInteger("tern.recovery.devices", 50);
    /** Requests in flight while the devices establish their sessions (a fleet that comes up over time). */
    private static final int ESTABLISH_IN_FLIGHT = 64;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(90);
    /**
     * A device that has heard nothing on its session this long starts an abbreviated handshake with
     * its next datagram (as devices do after timeouts). Above the first CoAP retransmission (2-3 s
     * after the request, RFC 7252 §4.8): with 1 s, a request answered late on a loaded node had its
     * retransmission start a second abbreviated handshake.
     */
    private static final Duration RESUME_AFTER_IDLE = Duration.ofSeconds(4);

    /** One device's handshakes as its client counted them. */
    private static final class Handshakes implements EndpointMetrics {
        final AtomicInteger full = new AtomicInteger();
        final AtomicInteger abbreviated = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        volatile String lastFailure = "";

        @Override
        public void handshakeCompleted(boolean resumed) {
            (resumed ? abbreviated : full).incrementAndGet();
        }

        @Override
        public void handshakeFailed(String reason) {
            failed.incrementAndGet();
            lastFailure = reason;
        }
    }

    private record Device(CoapClient client, Handshakes handshakes) {
    }

    @Test
    void everyDeviceOfAKilledNodeIsAnsweredAgainAfterOneAbbreviatedHandshake() throws Exception {
        List<Process> processes = new ArrayList<>();
        List<Device> devices = new ArrayList<>();
        try (Processes.Redis redis = new Processes.Redis()) {
            List<Processes.Node> nodes = Processes.nodes(NODES, redis.uri(), processes);
            try (Processes.Nginx nginx = new Processes.Nginx(nodes.stream().map(Processes.Node::coapsPort).toList())) {
                String uri = "coaps://127.0.0.1:" + nginx.port + "/hello";
                for (int i = 0; i < DEVICES; i++) {
                    Handshakes h = new Handshakes();
                    CoapClient c = CoapClient.builder().metrics(h)
                            .security(Dtls.client(DtlsConfig.client().psk("dev1", "secret").connectionId(true)
                                    .resumeAfterIdle(RESUME_AFTER_IDLE).build()))
                            .bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (2 + i % 250)), 0)).build();
                    devices.add(new Device(c, h));
                }
                long t0 = System.nanoTime();
                Map<Device, String> servedBy = requestAll(devices, uri, ESTABLISH_IN_FLIGHT, nginx);
                long establishMillis = (System.nanoTime() - t0) / 1_000_000;
                for (Device d : devices) {
                    assertThat(d.handshakes().full.get()).as("full handshakes to establish").isEqualTo(1);
                    assertThat(d.handshakes().abbreviated.get()).isZero();
                }
                Map<String, Integer> load = new HashMap<>();
                servedBy.values().forEach(n -> load.merge(n, 1, Integer::sum));
                String victim = load.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
                List<Device> orphans = devices.stream().filter(d -> servedBy.get(d).equals(victim)).toList();
                awaitSessionsInRedis(redis, DEVICES);

                nodes.stream().filter(n -> n.name().equals(victim)).findFirst().orElseThrow().process()
                        .destroyForcibly().waitFor();
                long killed = System.nanoTime();
                Map<Device, String> now = requestAll(orphans, uri, orphans.size(), nginx);
                long recoverMillis = (System.nanoTime() - killed) / 1_000_000;
                for (Device d : orphans) {
                    assertThat(now.get(d)).isNotEqualTo(victim);
                    assertThat(d.handshakes().full.get()).as("full handshakes after the kill").isEqualTo(1);
                    assertThat(d.handshakes().abbreviated.get()).as("abbreviated handshakes after the kill").isEqualTo(1);
                }
                System.out.printf("%d DTLS devices on %d nodes (%s) established through nginx in %d ms; kill -9 of"
                        + " %s holding %d: all answered again %d ms after the kill, with %d abbreviated and %d full"
                        + " handshakes; load average %s%n", DEVICES, NODES, load, establishMillis, victim,
                        orphans.size(), recoverMillis,
                        orphans.stream().mapToInt(d -> d.handshakes().abbreviated.get()).sum(),
                        orphans.stream().mapToInt(d -> d.handshakes().full.get() - 1).sum(), loadAverage());
            }
        } finally {
            devices.forEach(d -> d.client().close());
            for (Process p : processes) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    /**
     * GETs {@code uri} from every device, at most {@code inFlight} at a time, and returns who
     * answered each; fails naming the devices that got no answer and why.
     */
    private static Map<Device, String> requestAll(List<Device> devices, String uri, int inFlight,
                                                  Processes.Nginx nginx) throws Exception {
        Semaphore slots = new Semaphore(inFlight);
        Map<Device, String> answers = new ConcurrentHashMap<>();
        Map<Device, Throwable> failures = new ConcurrentHashMap<>();
        List<CompletableFuture<Response>> sent = new ArrayList<>();
        for (Device d : devices) {
            slots.acquire();
            sent.add(d.client().send(Request.get(uri).timeout(REQUEST_TIMEOUT).build()).whenComplete((r, e) -> {
                slots.release();
                if (e != null) {
                    failures.put(d, e);
                } else {
                    answers.put(d, r.payloadString());
                }
            }));
        }
        try {
            CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0]))
                    .get(REQUEST_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // counted in failures
        }
        if (!failures.isEmpty()) {
            Map<String, Integer> why = new HashMap<>();
            failures.forEach((d, e) -> why.merge(e + " / last handshake failure: " + d.handshakes().lastFailure, 1,
                    Integer::sum));
            java.nio.file.Path log = java.nio.file.Path.of("target", "recovery-nginx-error.log");
            java.nio.file.Files.writeString(log, nginx.errorLog());
            throw new AssertionError(failures.size() + " of " + devices.size() + " devices got no answer: " + why
                    + " from " + failures.keySet().stream().map(d -> d.client().localAddress()).toList()
                    + "; nginx's error log in " + log.toAbsolutePath());
        }
        return answers;
    }

    /** The nodes write each session to Redis after its handshake, asynchronously: the kill waits for all. */
    private static void awaitSessionsInRedis(Processes.Redis redis, int n) {
        RedisClient rc = RedisClient.create(redis.uri());
        try (StatefulRedisConnection<String, String> conn = rc.connect()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> conn.sync().keys("tern:resume:*").size() >= n);
        } finally {
            rc.shutdown();
        }
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
