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
 * nginx with one full handshake; after a quiet spell the node holding the most is killed with
 * SIGKILL; each of its devices then sends a request, all at once (the storm a crash causes), and is
 * answered by another node after exactly one abbreviated handshake (RFC 5246 §7.3, the session from
 * Redis) and no full one. Prints the times from the kill until they were answered.
 */
class ClusterRecoveryTest {
    private static final int NODES = 3;
    private static final int DEVICES = Integer.getInteger("tern.recovery.devices", 50);
    /** Requests in flight while the devices establish their sessions (a fleet that comes up over time). */
    private static final int ESTABLISH_IN_FLIGHT = 64;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(90);
    /** Tries per device and request when a handshake fails. */
    private static final int ATTEMPTS = 3;
    /**
     * A device that has heard nothing on its session this long starts an abbreviated handshake with
     * its next datagram (as devices do after timeouts). Above the second CoAP retransmission (6-9 s
     * after the request, RFC 7252 §4.8): with 1 s and 4 s, a request lost right after the resumed
     * session's handshake on a loaded machine had its retransmission start a second abbreviated
     * handshake (the client cannot tell a loss from a dead node).
     */
    private static final Duration RESUME_AFTER_IDLE = Duration.ofSeconds(10);

    /** One device's handshakes as its client counted them. */
    private static final class Handshakes implements EndpointMetrics {
        final AtomicInteger full = new AtomicInteger();
        final AtomicInteger abbreviated = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        volatile String lastFailure = "";
        /** What happened when (System.nanoTime()), for a failure's message. */
        final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void handshakeCompleted(boolean resumed) {
            (resumed ? abbreviated : full).incrementAndGet();
            events.add(System.nanoTime() + " " + (resumed ? "abbreviated" : "full"));
        }

        @Override
        public void handshakeFailed(String reason) {
            failed.incrementAndGet();
            lastFailure = reason;
            events.add(System.nanoTime() + " failed " + reason);
        }

        @Override
        public void retransmission() {
            events.add(System.nanoTime() + " CoAP retransmission");
        }

        /** The events with their time in ms after {@code origin}. */
        String since(long origin) {
            return events.stream().map(e -> {
                int cut = e.indexOf(' ');
                return (Long.parseLong(e.substring(0, cut)) - origin) / 1_000_000 + " ms" + e.substring(cut);
            }).toList().toString();
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
                Outcome established = requestAll(devices, uri, ESTABLISH_IN_FLIGHT, nginx);
                Map<Device, String> servedBy = established.servedBy();
                long establishMillis = (System.nanoTime() - t0) / 1_000_000;
                for (Device d : devices) {
                    assertThat(d.handshakes().full.get()).as("full handshakes to establish").isEqualTo(1);
                    assertThat(d.handshakes().abbreviated.get()).isZero();
                    // behind the balancer every device is one host to a node: a per-host cap failed them here
                    assertThat(d.handshakes().failed.get()).as("failed handshakes to establish, "
                            + d.handshakes().lastFailure).isZero();
                }
                Map<String, Integer> load = new HashMap<>();
                servedBy.values().forEach(n -> load.merge(n, 1, Integer::sum));
                String victim = load.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
                List<Device> orphans = devices.stream().filter(d -> servedBy.get(d).equals(victim)).toList();
                awaitSessionsInRedis(redis, DEVICES);
                // devices report now and then: at the crash each has been quiet for a while, so its
                // next request starts the resumption at once
                await().pollDelay(RESUME_AFTER_IDLE).atMost(RESUME_AFTER_IDLE.plusSeconds(1)).until(() -> true);

                nodes.stream().filter(n -> n.name().equals(victim)).findFirst().orElseThrow().process()
                        .destroyForcibly().waitFor();
                long killed = System.nanoTime();
                Outcome recovered = requestAll(orphans, uri, orphans.size(), nginx);
                Map<Device, String> now = recovered.servedBy();
                long recoverMillis = (System.nanoTime() - killed) / 1_000_000;
                for (Device d : orphans) {
                    String story = d.client().localAddress() + " since the kill: " + d.handshakes().since(killed);
                    assertThat(now.get(d)).isNotEqualTo(victim);
                    assertThat(d.handshakes().full.get()).as("full handshakes after the kill, " + story).isEqualTo(1);
                    assertThat(d.handshakes().abbreviated.get()).as("abbreviated handshakes after the kill, " + story)
                            .isEqualTo(1);
                }
                List<Long> times = recovered.answeredAt().values().stream().map(t -> (t - killed) / 1_000_000).sorted()
                        .toList();
                System.out.printf("%d DTLS devices on %d nodes (%s) established through nginx in %d ms (%d retried a"
                        + " failed handshake); kill -9 of %s holding %d: answered again after median %d ms, 90%% %d ms,"
                        + " all %d ms after the kill, with %d abbreviated and %d full handshakes, %d failed handshakes"
                        + " (%d devices retried); load average %s%n", DEVICES, NODES, load, establishMillis,
                        established.retried(), victim, orphans.size(), times.get(times.size() / 2),
                        times.get(times.size() * 9 / 10), recoverMillis,
                        orphans.stream().mapToInt(d -> d.handshakes().abbreviated.get()).sum(),
                        orphans.stream().mapToInt(d -> d.handshakes().full.get() - 1).sum(),
                        orphans.stream().mapToInt(d -> d.handshakes().failed.get()).sum(), recovered.retried(),
                        loadAverage());
            }
        } finally {
            devices.forEach(d -> d.client().close());
            for (Process p : processes) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    /** Who answered each device, and how many devices had to try again after a failed handshake. */
    private record Outcome(Map<Device, String> servedBy, Map<Device, Long> answeredAt, int retried) {
    }

    /**
     * GETs {@code uri} from every device, at most {@code inFlight} at a time; a device whose
     * handshake failed (its ClientHello dropped at a node's handshake cap for all of the client's
     * 30 s, a storm on a loaded machine) tries again, as a device would, up to {@value
     * #ATTEMPTS} times. Fails naming the devices that got no answer and why.
     */
    private static Outcome requestAll(List<Device> devices, String uri, int inFlight, Processes.Nginx nginx)
            throws Exception {
        Semaphore slots = new Semaphore(inFlight);
        Map<Device, String> answers = new ConcurrentHashMap<>();
        Map<Device, Long> answeredAt = new ConcurrentHashMap<>();
        Map<Device, Throwable> failures = new ConcurrentHashMap<>();
        AtomicInteger retried = new AtomicInteger();
        List<CompletableFuture<Response>> sent = new ArrayList<>();
        for (Device d : devices) {
            slots.acquire();
            sent.add(attempt(d, uri, ATTEMPTS, retried).whenComplete((r, e) -> {
                slots.release();
                if (e != null) {
                    failures.put(d, e);
                } else {
                    answeredAt.put(d, System.nanoTime());
                    answers.put(d, r.payloadString());
                }
            }));
        }
        try {
            CompletableFuture.allOf(sent.toArray(new CompletableFuture<?>[0]))
                    .get(ATTEMPTS * (REQUEST_TIMEOUT.toSeconds() + 30), TimeUnit.SECONDS);
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
        return new Outcome(answers, answeredAt, retried.get());
    }

    private static CompletableFuture<Response> attempt(Device d, String uri, int left, AtomicInteger retried) {
        return d.client().send(Request.get(uri).timeout(REQUEST_TIMEOUT).build()).handle((r, e) -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
            if (cause instanceof dev.tern.coap.CoapSecurityException && left > 1) {
                if (left == ATTEMPTS) {
                    retried.incrementAndGet();
                }
                return attempt(d, uri, left - 1, retried);
            }
            return e == null ? CompletableFuture.completedFuture(r) : CompletableFuture.<Response>failedFuture(cause);
        }).thenCompose(f -> f);
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
