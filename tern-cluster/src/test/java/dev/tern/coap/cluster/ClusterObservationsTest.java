package dev.tern.coap.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node's own client observations (RFC 7641 §3) mirrored into Redis like the server relations:
 * another node lists them and cancels one, and the node's client deregisters it (GET with Observe=1,
 * §3.6) so the observed server drops the observer; Redis holds neither the server's address, the
 * token nor the path in the clear, with the lease's TTL; a cancel not signed with the cluster secret
 * is ignored; a flood stays within the bound; a lapsed lease takes the node's observations along.
 */
class ClusterObservationsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();

    private static Cluster.Builder node(String prefix) {
        return Cluster.builder().redis(redis.uri()).secret(ClusterLeaseTest.SECRET).prefix(prefix)
                .relationBatch(Duration.ofMillis(20));
    }

    /** A device: a plain server with an observable {@code /temp}. */
    private static CoapServer device(ObservableResource temp) {
        return CoapServer.builder().bind("127.0.0.1").port(0).service(Router.builder()
                .get("/temp", temp.handler(req -> Response.content("t")), RouteOptions.create().observable())
                .build()).build().start();
    }

    private static Observation observe(CoapClient client, CoapServer device) {
        Observation o = client.observe(Request.get("coap://127.0.0.1:" + device.port() + "/temp").build(), r -> { });
        o.registered().orTimeout(10, TimeUnit.SECONDS).join();
        return o;
    }

    @Test
    void anotherNodeListsTheObservationAndCancelsIt() {
        ObservableResource temp = ObservableResource.create();
        try (Cluster a = node("o1").start(); Cluster b = node("o1").start(); CoapServer device = device(temp);
             CoapClient client = CoapClient.builder().observationListener(a.clientObservationListener()).build()) {
            Observation o = observe(client, device);
            await().atMost(WAIT).until(() -> b.clientObservations().size() == 1);
            ClusterObservation seen = b.clientObservations().get(0);
            assertThat(seen.nodeId()).isEqualTo(a.nodeId());
            assertThat(seen.server().getPort()).isEqualTo(device.port());
            assertThat(seen.path()).isEqualTo("/temp");
            assertThat(seen.token().length()).isEqualTo(8);
            assertThat(b.relations()).isEmpty(); // a client observation is not a relation
            io.lettuce.core.RedisClient raw = io.lettuce.core.RedisClient.create(redis.uri());
            try (var c = raw.connect()) {
                String key = "o1:observations:" + a.nodeId();
                Map<String, String> stored = c.sync().hgetall(key);
                assertThat(stored).hasSize(1);
                assertThat(stored.toString()).doesNotContain(seen.token().hex()).doesNotContain("127.0.0.1")
                        .doesNotContain("temp").doesNotContain(Integer.toString(device.port()));
                assertThat(c.sync().pttl(key)).isBetween(1L, Duration.ofSeconds(10).toMillis()); // the lease TTL
                String id = stored.keySet().iterator().next();
                String forged = a.nodeId() + " " + id + " 0.00 " + System.currentTimeMillis() + " " + "00".repeat(32);
                assertThat(c.sync().publish(key + ":cancel", forged)).isEqualTo(1L);
            } finally {
                raw.shutdown();
            }
            await().atMost(WAIT).until(() -> a.clientObservationCancelsRejected() == 1);
            assertThat(o.isActive()).isTrue();
            assertThat(temp.observerCount()).isEqualTo(1);

            assertThat(b.cancelClientObservation(seen)).isTrue();
            o.ended().orTimeout(10, TimeUnit.SECONDS).join();
            await().atMost(WAIT).until(() -> temp.observerCount() == 0); // the GET with Observe=1 reached it
            await().atMost(WAIT).until(() -> b.clientObservations().isEmpty());
        }
    }

    @Test
    void aFloodOfObservationsStaysWithinTheBoundAndLapsesWithTheLease() {
        ObservableResource temp = ObservableResource.create();
        try (Cluster b = node("o2").start(); CoapServer device = device(temp)) {
            Cluster a = node("o2").maxMirroredObservations(5).leaseTtl(Duration.ofMillis(600)).start();
            List<CoapClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    CoapClient c = CoapClient.builder().observationListener(a.clientObservationListener()).build();
                    clients.add(c);
                    observe(c, device);
                }
                assertThat(temp.observerCount()).isEqualTo(20); // all observed
                await().atMost(WAIT).until(() -> b.clientObservations().size() == 5);
                assertThat(a.clientObservationsNotMirrored()).isEqualTo(15);
                a.halt(); // as a crash: no release, no more renewals
                await().atMost(WAIT).until(() -> b.clientObservations().isEmpty());
            } finally {
                clients.forEach(CoapClient::close);
                a.close();
            }
        }
    }

    @Test
    void theObservationsOfANodeServersOwnClientAreMirroredToo() {
        ObservableResource temp = ObservableResource.create();
        try (Cluster a = node("o3").start(); Cluster b = node("o3").start(); CoapServer device = device(temp);
             CoapServer gateway = CoapServer.builder().bind("127.0.0.1").port(0)
                     .service(Router.builder().build()).observationListener(a.clientObservationListener())
                     .build().start()) {
            Observation o = observe(gateway.client(), device); // as an LwM2M server observes its devices
            await().atMost(WAIT).until(() -> b.clientObservations().size() == 1);
            assertThat(b.clientObservations().get(0).nodeId()).isEqualTo(a.nodeId());
            assertThat(b.cancelClientObservation(b.clientObservations().get(0))).isTrue();
            o.ended().orTimeout(10, TimeUnit.SECONDS).join();
            await().atMost(WAIT).until(() -> temp.observerCount() == 0);
            await().atMost(WAIT).until(() -> b.clientObservations().isEmpty());
        }
    }
}
