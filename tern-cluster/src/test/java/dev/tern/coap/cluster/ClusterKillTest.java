package dev.tern.coap.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import dev.tern.coap.dtls.DtlsLayer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} for real: three nodes as separate JVMs ({@link NodeMain}) behind nginx, six DTLS
 * clients on 127.0.0.2-7; the node with the most clients is killed with SIGKILL
 * ({@code destroyForcibly}): no close_notify, no lease release. Each of its clients is answered by
 * another node after exactly one more handshake, abbreviated (resumed from Redis); the other
 * clients keep their sessions or resume them.
 */
class ClusterKillTest {
    private static final int NODES = 3;
    private static final int CLIENTS = 6;

    @Test
    void eachClientOfAKilledNodeRecoversWithOneAbbreviatedHandshake() throws Exception {
        List<Process> nodes = new ArrayList<>();
        List<CoapClient> clients = new ArrayList<>();
        try (Processes.Redis redis = new Processes.Redis()) {
            Map<String, Process> byName = new HashMap<>();
            List<Integer> ports = new ArrayList<>();
            for (Processes.Node n : Processes.nodes(NODES, redis.uri(), nodes)) {
                ports.add(n.coapsPort());
                byName.put(n.name(), n.process());
            }
            try (Processes.Nginx nginx = new Processes.Nginx(ports)) {
                String uri = "coaps://127.0.0.1:" + nginx.port + "/hello";
                Map<CoapClient, DtlsLayer> layers = new HashMap<>();
                Map<CoapClient, String> servedBy = new HashMap<>();
                for (int i = 0; i < CLIENTS; i++) {
                    DtlsLayer layer = Dtls.client(DtlsConfig.client().psk("dev1", "secret").connectionId(true)
                            .resumeAfterIdle(Duration.ofSeconds(1)).build());
                    CoapClient c = CoapClient.builder().security(layer)
                            .bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (2 + i)), 0)).build();
                    clients.add(c);
                    layers.put(c, layer);
                    servedBy.put(c, c.get(uri, Duration.ofSeconds(30)).payloadString());
                }
                Map<String, Integer> load = new HashMap<>();
                servedBy.values().forEach(n -> load.merge(n, 1, Integer::sum));
                String victim = load.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
                // the nodes write each session to Redis after its handshake, asynchronously: the kill
                // comes once every client's session is there (on a loaded machine that takes a moment)
                RedisClient rc = RedisClient.create(redis.uri());
                try (StatefulRedisConnection<String, String> conn = rc.connect()) {
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> conn.sync().keys("tern:resume:*").size() >= CLIENTS);
                } finally {
                    rc.shutdown();
                }
                byName.get(victim).destroyForcibly().waitFor();
                for (CoapClient c : clients) {
                    String now = c.get(uri, Duration.ofSeconds(60)).payloadString();
                    DtlsLayer layer = layers.get(c);
                    if (servedBy.get(c).equals(victim)) {
                        assertThat(now).isNotEqualTo(victim);
                        assertThat(layer.statistics().handshakesCompleted()).as("handshakes of an orphan").isEqualTo(2);
                        assertThat(layer.sessions().get(0).resumed()).as("its second handshake resumed").isTrue();
                    } else {
                        assertThat(now).isEqualTo(servedBy.get(c));
                        assertThat(layer.statistics().handshakesCompleted()).isLessThanOrEqualTo(2);
                    }
                }
                System.out.printf("kill -9 of %s holding %d of %d clients: each recovered with one abbreviated"
                        + " handshake%n", victim, load.get(victim), CLIENTS);
            }
        } finally {
            clients.forEach(CoapClient::close);
            for (Process p : nodes) {
                p.destroyForcibly().waitFor();
            }
        }
    }
}
