package dev.tern.coap.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Observe relations (RFC 7641 §4.1) mirrored into Redis: another node lists them and ends one,
 * the observer gets the final 5.03 (§4.2); Redis holds neither address nor token in the clear,
 * and a cancel not signed with the cluster secret is ignored; a dead node's relations
 * lapse with its lease; a flood stays within the bound in Redis.
 */
class ClusterRelationsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();

    private static Cluster.Builder node(String prefix) {
        return Cluster.builder().redis(redis.uri()).secret(ClusterLeaseTest.SECRET).prefix(prefix)
                .relationBatch(Duration.ofMillis(20));
    }

    private static CoapServer server(Cluster node, ObservableResource temp) {
        Router router = Router.builder().get("/temp", temp.handler(req -> Response.content("t")),
                RouteOptions.create().observable()).build();
        return CoapServer.builder().bind("127.0.0.1").port(0).service(router)
                .relationListener(node.relationListener()).build().start();
    }

    @Test
    void anotherNodeListsTheRelationAndEndsIt() {
        ObservableResource temp = ObservableResource.create();
        try (Cluster a = node("r1").start(); Cluster b = node("r1").start();
             CoapServer server = server(a, temp); CoapClient client = CoapClient.create()) {
            List<Response> seen = new CopyOnWriteArrayList<>();
            Observation o = client.observe(Request.get("coap://127.0.0.1:" + server.port() + "/temp").build(),
                    seen::add);
            o.registered().orTimeout(10, TimeUnit.SECONDS).join();
            await().atMost(WAIT).until(() -> b.relations().size() == 1);
            ClusterRelation r = b.relations().get(0);
            assertThat(r.nodeId()).isEqualTo(a.nodeId());
            assertThat(r.path()).isEqualTo("/temp");
            assertThat(r.peer().getPort()).isEqualTo(client.localAddress().getPort());
            assertThat(r.identity()).isEmpty();
            // in Redis: a keyed id and a sealed value; neither the address nor the token in the clear
            io.lettuce.core.RedisClient raw = io.lettuce.core.RedisClient.create(redis.uri());
            try (var c = raw.connect()) {
                java.util.Map<String, String> stored = c.sync().hgetall("r1:relations:" + a.nodeId());
                assertThat(stored.toString()).doesNotContain(r.token().hex()).doesNotContain("127.0.0.1")
                        .doesNotContain("temp");
                // whoever reads Redis knows the id, but without the cluster secret cannot sign a cancel
                String id = stored.keySet().iterator().next();
                String forged = a.nodeId() + " " + id + " 5.03 " + System.currentTimeMillis() + " " + "00".repeat(32);
                assertThat(c.sync().publish("r1:relations:" + a.nodeId() + ":cancel", forged)).isEqualTo(1L);
            } finally {
                raw.shutdown();
            }
            await().atMost(WAIT).until(() -> a.relationCancelsRejected() == 1);
            assertThat(o.isActive()).isTrue();
            assertThat(temp.observerCount()).isEqualTo(1);

            assertThat(b.cancelRelation(r, Code.SERVICE_UNAVAILABLE)).isTrue();
            o.ended().orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(seen).last().extracting(Response::code).isEqualTo(Code.SERVICE_UNAVAILABLE);
            assertThat(temp.observerCount()).isZero();
            await().atMost(WAIT).until(() -> b.relations().isEmpty());
        }
    }

    @Test
    void theRelationsOfANodeWhoseLeaseLapsesAreReaped() {
        ObservableResource temp = ObservableResource.create();
        try (Cluster b = node("r2").start(); CoapClient client = CoapClient.create()) {
            Cluster a = node("r2").leaseTtl(Duration.ofMillis(600)).start();
            try (CoapServer server = server(a, temp)) {
                client.observe(Request.get("coap://127.0.0.1:" + server.port() + "/temp").build(), x -> { })
                        .registered().orTimeout(10, TimeUnit.SECONDS).join();
                await().atMost(WAIT).until(() -> b.relations().size() == 1);
                a.halt(); // as a crash: no release, no more renewals
                long start = System.nanoTime();
                await().atMost(WAIT).until(() -> b.relations().isEmpty());
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            }
        }
    }

    @Test
    void aFloodOfRelationsStaysWithinTheBoundInRedis() {
        ObservableResource temp = ObservableResource.create();
        try (Cluster a = node("r3").maxMirroredRelations(5).start(); Cluster b = node("r3").start();
             CoapServer server = server(a, temp)) {
            List<CoapClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    CoapClient c = CoapClient.create();
                    clients.add(c);
                    c.observe(Request.get("coap://127.0.0.1:" + server.port() + "/temp").build(), x -> { })
                            .registered().orTimeout(10, TimeUnit.SECONDS).join();
                }
                assertThat(temp.observerCount()).isEqualTo(20); // all served
                await().atMost(WAIT).until(() -> b.relations().size() == 5);
                assertThat(a.relationsNotMirrored()).isEqualTo(15);
                clients.get(0).close(); // nothing ends it here: still 5 listed, never more
                assertThat(b.relations()).hasSize(5);
            } finally {
                clients.forEach(CoapClient::close);
            }
        }
    }

    @Test
    void aRedisThatLostTheHashGetsTheWholeTableAgain() throws Exception {
        ObservableResource temp = ObservableResource.create();
        try (Processes.Redis own = new Processes.Redis();
             Cluster a = Cluster.builder().redis(own.uri()).secret(ClusterLeaseTest.SECRET)
                     .relationBatch(Duration.ofMillis(20)).start();
             CoapServer server = server(a, temp); CoapClient client = CoapClient.create()) {
            client.observe(Request.get("coap://127.0.0.1:" + server.port() + "/temp").build(), x -> { })
                    .registered().orTimeout(10, TimeUnit.SECONDS).join();
            await().atMost(WAIT).until(() -> a.relations().size() == 1);
            own.restart(); // no persistence: Redis comes back empty
            await().atMost(WAIT).ignoreExceptions().until(() -> a.relations().size() == 1);
        }
    }

    @Test
    void notificationsCostNoRedisCommand() {
        ObservableResource temp = ObservableResource.create();
        try (Cluster a = node("r4").start(); CoapServer server = server(a, temp);
             CoapClient client = CoapClient.create()) {
            List<Response> seen = new CopyOnWriteArrayList<>();
            client.observe(Request.get("coap://127.0.0.1:" + server.port() + "/temp").build(), seen::add)
                    .registered().orTimeout(10, TimeUnit.SECONDS).join();
            await().atMost(WAIT).until(() -> a.relations().size() == 1);
            io.lettuce.core.RedisClient raw = io.lettuce.core.RedisClient.create(redis.uri());
            try (var c = raw.connect()) {
                long before = processed(c.sync().info("stats"));
                long start = System.nanoTime();
                for (int i = 0; i < 500; i++) {
                    temp.changed();
                    int expected = i + 2; // the registration's answer and each notification so far
                    await().atMost(WAIT).pollInterval(Duration.ofMillis(1)).until(() -> seen.size() >= expected);
                }
                long commands = processed(c.sync().info("stats")) - before - 1; // less this INFO
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("Redis commands during %d notifications in %.1f s: %d%n", seen.size(), seconds,
                        commands);
                assertThat(seen.size()).isGreaterThanOrEqualTo(501);
                // per lease third (3.3 s): a renewal with membership read (about 4) and a mirror TTL refresh (2);
                // one command per notification would be 500 more
                assertThat(commands).isLessThan(10 + Math.round(4 * seconds));
            } finally {
                raw.shutdown();
            }
        }
    }

    private static long processed(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("total_commands_processed:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        throw new IllegalStateException("no total_commands_processed in INFO");
    }
}
