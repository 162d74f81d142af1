package dev.tern.coap.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.spi.StateStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The state SPI on Redis: a planned restart of a node (its id released, then leased again by the
 * next process) keeps its observers, whose notifications go on with the same token and increasing
 * Observe numbers (RFC 7641 §4.4); records are sealed, and another cluster secret reads nothing.
 */
class ClusterStateTest {
    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();
    private final AtomicInteger value = new AtomicInteger();

    private Cluster node(String prefix, byte[] secret) {
        return Cluster.builder().redis(redis.uri()).secret(secret).prefix(prefix).nodeId(4).start();
    }

    private CoapServer server(Cluster node, ObservableResource temp, int port) {
        Router router = Router.builder().get("/temp", temp.handler(req -> Response.content("t" + value.get())),
                RouteOptions.create().observable()).build();
        return CoapServer.builder().bind("127.0.0.1").port(port).service(router).state(node.stateStore()).build()
                .start();
    }

    @Test
    void aPlannedRestartKeepsTheObserversWithIncreasingObserveNumbers() {
        Cluster first = node("s1", ClusterLeaseTest.SECRET);
        ObservableResource temp = ObservableResource.create();
        CoapServer server = server(first, temp, 0);
        int port = server.port();
        List<Response> seen = new CopyOnWriteArrayList<>();
        try (CoapClient client = CoapClient.create()) {
            Observation o = client.observe(Request.get("coap://127.0.0.1:" + port + "/temp").build(), seen::add);
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
            value.set(1);
            temp.changed();
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
            server.close();
            first.close(); // a planned leave: the id is free at once
            Cluster second = node("s1", ClusterLeaseTest.SECRET);
            try {
                ObservableResource temp2 = ObservableResource.create();
                value.set(10);
                CoapServer again = server(second, temp2, port);
                try {
                    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);
                    assertThat(temp2.observerCount()).isEqualTo(1);
                    value.set(11);
                    temp2.changed();
                    await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 4);
                } finally {
                    again.close();
                }
            } finally {
                second.close();
            }
            assertNotifications(seen, "t0", "t1", "t10", "t11");
            o.close();
        }
    }

    /** {@code seen} carries {@code payloads} in that order, with increasing Observe numbers (RFC 7641 §4.4). */
    static void assertNotifications(List<Response> seen, String... payloads) {
        assertThat(seen).extracting(Response::payloadString).containsExactly(payloads);
        int last = -1;
        for (Response r : seen) {
            int n = r.options().observe().orElseThrow();
            assertThat(n).isGreaterThan(last);
            last = n;
        }
    }

    @Test
    void writesWhileRedisIsAwayAreQueuedWithinTheBoundAndTheNodeKeepsServing() throws Exception {
        try (Processes.Redis own = new Processes.Redis();
             Cluster a = Cluster.builder().redis(own.uri()).secret(ClusterLeaseTest.SECRET).maxQueuedWrites(10)
                     .leaseTtl(Duration.ofMillis(600)).start();
             CoapServer server = server(a, ObservableResource.create(), 0);
             CoapClient client = CoapClient.create()) {
            String uri = "coap://127.0.0.1:" + server.port() + "/temp";
            own.stop();
            List<java.util.concurrent.CompletableFuture<Void>> writes = new java.util.ArrayList<>();
            for (int i = 0; i < 200; i++) {
                writes.add(a.stateStore().put("flood", Bytes.fromHex(String.format("%04x", i)), new byte[100])
                        .toCompletableFuture());
            }
            // beyond the queue bound, writes fail at once instead of piling up; the node keeps serving
            await().atMost(Duration.ofSeconds(10)).until(() -> writes.stream().filter(f -> f.isCompletedExceptionally())
                    .count() >= 190 - 10);
            assertThat(client.get(uri, Duration.ofSeconds(10)).payloadString()).startsWith("t");
            own.start();
            await().atMost(Duration.ofSeconds(15)).until(() -> writes.stream().allMatch(f -> f.isDone()));
            assertThat(writes.stream().filter(f -> !f.isCompletedExceptionally()).count()).isLessThanOrEqualTo(10);
            assertThat(a.stateStore().load("flood")).hasSizeLessThanOrEqualTo(10);
            await().atMost(Duration.ofSeconds(10)).until(() -> a.members().containsKey(a.nodeId()));
            assertThat(client.get(uri, Duration.ofSeconds(10)).payloadString()).startsWith("t");
        }
    }

    @Test
    void recordsAreSealedAndAnotherSecretReadsNothing() {
        try (Cluster a = node("s2", ClusterLeaseTest.SECRET)) {
            StateStore store = a.stateStore();
            store.save("test.ns", Map.of(Bytes.fromHex("01"), new byte[] {42}));
            store.flush();
            assertThat(store.load("test.ns")).containsOnlyKeys(Bytes.fromHex("01"));
            assertThat(store.load("test.ns").get(Bytes.fromHex("01"))).containsExactly(42);
        }
        try (Cluster b = node("s2", "another secret, 16 bytes or more".getBytes(java.nio.charset.StandardCharsets.UTF_8))) {
            assertThat(b.stateStore().load("test.ns")).isEmpty();
        }
    }
}
