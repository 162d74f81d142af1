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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three nodes, Redis and nginx (stream module, UDP, hashing on the client's address and port) on
 * loopback, clients on distinct 127.0.0.x addresses: requests spread over the nodes; a CID client
 * whose NAT binding changes lands on another node and is answered by its own node through it, with
 * no new handshake (RFC 9146 §6); a node that dies costs its clients one abbreviated handshake each
 * on another node (RFC 5246 §7.3); a Redis restart costs no client an error.
 */
class ClusterBalancerTest {
    private static final int NODES = 3;
    private static final int CLIENTS = 6;
    private static final byte[] KEY = "secret".getBytes(StandardCharsets.UTF_8);

    private record Node(Cluster cluster, DtlsLayer dtls, CoapServer server) {
    }

    private Processes.Redis redis;
    private Processes.Nginx nginx;
    private final List<Node> nodes = new ArrayList<>();
    private final List<CoapClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        redis = new Processes.Redis();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            Node n = node(Cluster.builder(), 0, false);
            nodes.add(n);
            ports.add(n.server().port());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> nodes.stream().allMatch(n -> n.cluster().members().size() == NODES));
        nginx = new Processes.Nginx(ports);
    }

    /** A node on {@code port} (0: any); {@code state}: its server keeps its state in Redis (a planned stop hands it over). */
    private Node node(Cluster.Builder b, int port, boolean state) {
        Cluster c = b.redis(redis.uri()).secret(ClusterLeaseTest.SECRET)
                .leaseTtl(Duration.ofSeconds(3)).redisTimeout(Duration.ofSeconds(5)).start(); // a loaded machine
        DtlsLayer d = Dtls.server(c.configure(DtlsConfig.server().pskStore("dev1", KEY)
                .connectionIdMoveQuiet(Duration.ofMillis(200))).build());
        String name = "node " + c.nodeId();
        CoapServer.Builder sb = CoapServer.builder().port(port).bind("127.0.0.1").security(c.secure(d))
                .service(Router.builder().get("/hello", r -> Response.content(name)).build());
        if (state) {
            sb.state(c.stateStore());
        }
        return new Node(c, d, sb.build().start());
    }

    @AfterEach
    void stop() throws Exception {
        clients.forEach(CoapClient::close);
        for (Node n : nodes) {
            n.server().close();
            n.cluster().close();
        }
        if (nginx != null) {
            nginx.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private final Map<CoapClient, DtlsLayer> layers = new HashMap<>();

    /**
     * A client with a CID; {@code resumeAfterIdle} short lets it notice a dead node: after that much
     * silence its next datagram starts an abbreviated handshake (as devices do after timeouts).
     */
    private CoapClient client(InetAddress bind, Duration resumeAfterIdle) {
        DtlsLayer layer = Dtls.client(DtlsConfig.client().psk("dev1", "secret").connectionId(true)
                .resumeAfterIdle(resumeAfterIdle).build());
        CoapClient c = CoapClient.builder().security(layer).bind(new InetSocketAddress(bind, 0)).build();
        clients.add(c);
        layers.put(c, layer);
        return c;
    }

    private CoapClient client(InetAddress bind) {
        return client(bind, Duration.ofSeconds(1));
    }

    private String balancer() {
        return "coaps://127.0.0.1:" + nginx.port + "/hello";
    }

    private long handshakes() {
        return nodes.stream().mapToLong(n -> n.dtls().statistics().handshakesCompleted()).sum();
    }

    private long forwarded() {
        return nodes.stream().mapToLong(n -> n.cluster().statistics().recordsForwarded()).sum();
    }

    @Test
    void requestsFromDistinctAddressesSpreadOverTheNodes() throws Exception {
        Set<String> served = new HashSet<>();
        for (int i = 0; i < CLIENTS; i++) {
            CoapClient c = client(InetAddress.getByName("127.0.0." + (2 + i)));
            served.add(c.get(balancer(), Duration.ofSeconds(20)).payloadString());
        }
        assertThat(served).hasSizeGreaterThan(1);
        assertThat(forwarded()).isZero();
    }

    @Test
    void aCidClientWhoseBindingChangesIsAnsweredByItsNodeThroughAnotherWithoutAHandshake() throws Exception {
        try (Rebinder nat = new Rebinder(new InetSocketAddress("127.0.0.1", nginx.port),
                InetAddress.getByName("127.0.0.1"))) {
            CoapClient c = client(InetAddress.getLoopbackAddress(), Duration.ofMinutes(4));
            String uri = "coaps://127.0.0.1:" + nat.address().getPort() + "/hello";
            String owner = c.get(uri, Duration.ofSeconds(20)).payloadString();
            await().atMost(Duration.ofSeconds(2)).until(() -> handshakes() == 1);
            for (int i = 0; i < 16 && forwarded() == 0; i++) {
                nat.rebind();
                // the old address quiet for connectionIdMoveQuiet: the first record from the new one moves the session
                await().pollDelay(Duration.ofMillis(300)).until(() -> true);
                assertThat(c.get(uri, Duration.ofSeconds(20)).payloadString()).isEqualTo(owner);
            }
            assertThat(forwarded()).as("no rebinding reached another node").isPositive();
            assertThat(c.get(uri, Duration.ofSeconds(20)).payloadString()).isEqualTo(owner);
            assertThat(handshakes()).isEqualTo(1);
            assertThat(nodes.stream().mapToLong(n -> n.cluster().statistics().repliesRelayed()).sum()).isPositive();
        }
    }

    @Test
    void aNodeThatDiesCostsEachOfItsClientsOneAbbreviatedHandshake() throws Exception {
        Map<CoapClient, String> servedBy = new HashMap<>();
        for (int i = 0; i < CLIENTS; i++) {
            CoapClient c = client(InetAddress.getByName("127.0.0." + (2 + i)));
            servedBy.put(c, c.get(balancer(), Duration.ofSeconds(20)).payloadString());
        }
        Map<String, Long> load = new HashMap<>();
        servedBy.values().forEach(n -> load.merge(n, 1L, Long::sum));
        String victimName = load.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        Node victim = nodes.stream().filter(n -> ("node " + n.cluster().nodeId()).equals(victimName)).findFirst()
                .orElseThrow();
        long orphans = load.get(victimName);
        long before = handshakes() - victim.dtls().statistics().handshakesCompleted();
        long fullBefore = nodes.stream().filter(n -> n != victim)
                .mapToLong(n -> n.cluster().statistics().fullHandshakes()).sum();
        victim.cluster().halt(); // as kill -9: no lease release, no close_notify
        victim.server().close();
        nodes.remove(victim);
        for (Map.Entry<CoapClient, String> e : servedBy.entrySet()) {
            String now = e.getKey().get(balancer(), Duration.ofSeconds(60)).payloadString();
            if (e.getValue().equals(victimName)) {
                assertThat(now).isNotEqualTo(victimName);
            } else {
                assertThat(now).isEqualTo(e.getValue());
            }
        }
        // every orphan resumed from Redis; clients of live nodes resumed from memory after their idle second
        assertThat(nodes.stream().mapToLong(n -> n.cluster().statistics().resumptionHits()).sum()).isEqualTo(orphans);
        assertThat(nodes.stream().mapToLong(n -> n.cluster().statistics().abbreviatedHandshakes()).sum())
                .isGreaterThanOrEqualTo(orphans);
        assertThat(nodes.stream().mapToLong(n -> n.cluster().statistics().fullHandshakes()).sum())
                .as("full handshakes after the crash").isEqualTo(fullBefore);
        assertThat(handshakes() - before).isBetween(orphans, (long) CLIENTS);
        servedBy.forEach((c, node) -> {
            if (node.equals(victimName)) {
                assertThat(layers.get(c).sessions().get(0).resumed()).isTrue();
            }
        });
        assertThat(nodes.stream().flatMap(n -> n.dtls().sessions().stream()).filter(s -> !s.resumed()).count())
                .as("full handshakes after the crash").isLessThanOrEqualTo(CLIENTS - orphans);
    }

    @Test
    void aPlannedRestartOfANodeCostsItsClientsNoHandshake() throws Exception {
        // every node keeps its state in Redis from now on (each is restarted once, with no client yet)
        for (int i = 0; i < nodes.size(); i++) {
            Node old = nodes.get(i);
            int port = old.server().port();
            int id = old.cluster().nodeId();
            old.server().close();
            old.cluster().close();
            nodes.set(i, node(Cluster.builder().nodeId(id), port, true));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> nodes.stream().allMatch(n -> n.cluster().members().size() == NODES));
        Map<CoapClient, String> servedBy = new HashMap<>();
        for (int i = 0; i < CLIENTS; i++) {
            CoapClient c = client(InetAddress.getByName("127.0.0." + (2 + i)), Duration.ofMinutes(5));
            servedBy.put(c, c.get(balancer(), Duration.ofSeconds(20)).payloadString());
        }
        Map<String, Long> load = new HashMap<>();
        servedBy.values().forEach(n -> load.merge(n, 1L, Long::sum));
        String name = load.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        int index = -1;
        for (int i = 0; i < nodes.size(); i++) {
            if (("node " + nodes.get(i).cluster().nodeId()).equals(name)) {
                index = i;
            }
        }
        Node old = nodes.get(index);
        long before = handshakes();
        assertThat(before).isEqualTo(CLIENTS);
        int port = old.server().port();
        int id = old.cluster().nodeId();
        old.server().close(); // SIGTERM: sessions and relations handed over to Redis, no close_notify
        old.cluster().close(); // the id is released at once
        Node again = node(Cluster.builder().nodeId(id), port, true);
        nodes.set(index, again);
        await().atMost(Duration.ofSeconds(10)).until(() -> nodes.stream().allMatch(n -> n.cluster().members().size() == NODES));
        for (Map.Entry<CoapClient, String> e : servedBy.entrySet()) {
            assertThat(e.getKey().get(balancer(), Duration.ofSeconds(20)).payloadString()).isEqualTo(e.getValue());
        }
        assertThat(again.dtls().sessions()).hasSize(load.get(name).intValue());
        assertThat(handshakes() - (before - old.dtls().statistics().handshakesCompleted()))
                .as("handshakes after the planned restart, all nodes").isZero();
        assertThat(layers.values().stream().mapToLong(l -> l.statistics().handshakesCompleted()).sum())
                .as("the devices' handshakes in all").isEqualTo(CLIENTS);
    }

    @Test
    void aRedisRestartCostsNoClientAnError() throws Exception {
        List<CoapClient> cs = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            cs.add(client(InetAddress.getByName("127.0.0." + (2 + i))));
        }
        for (CoapClient c : cs) {
            c.get(balancer(), Duration.ofSeconds(20));
        }
        redis.stop();
        for (CoapClient c : cs) {
            assertThat(c.get(balancer(), Duration.ofSeconds(20)).code().isSuccess()).isTrue();
        }
        redis.start();
        for (CoapClient c : cs) {
            assertThat(c.get(balancer(), Duration.ofSeconds(20)).code().isSuccess()).isTrue();
        }
        // the leases come back once Redis does (the renewal sets a lost key again)
        await().atMost(Duration.ofSeconds(10)).until(() -> nodes.stream().allMatch(n -> n.cluster().members().size() == NODES));
        assertThat(nodes.stream().noneMatch(n -> n.cluster().statistics().leaseConflict())).isTrue();
    }
}
