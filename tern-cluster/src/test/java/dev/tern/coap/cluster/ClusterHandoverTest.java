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
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import dev.tern.coap.dtls.DtlsLayer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A planned restart of a cluster node with zero handshakes (issue 10: "a planned restart of a node:
 * zero handshakes, notifications go on with increasing Observe numbers"): the stopping node hands
 * its DTLS sessions and observe relations over through its state in Redis (sealed); the next process
 * that leases the same node id goes on with them, so the device's Connection ID still names its node
 * and its records decrypt at once.
 */
class ClusterHandoverTest {
    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();
    private final AtomicInteger value = new AtomicInteger();

    private Cluster node() {
        return Cluster.builder().redis(redis.uri()).secret(ClusterLeaseTest.SECRET).prefix("handover").nodeId(7)
                .start();
    }

    private CoapServer server(Cluster node, DtlsLayer dtls, ObservableResource temp, int port) {
        Router router = Router.builder().get("/temp", temp.handler(req -> Response.content("t" + value.get())),
                RouteOptions.create().observable()).get("/hello", r -> Response.content("Hello World!")).build();
        return CoapServer.builder().bind("127.0.0.1").port(port).security(node.secure(dtls)).state(node.stateStore())
                .service(router).build().start();
    }

    private static DtlsLayer dtls(Cluster node) {
        return Dtls.server(node.configure(DtlsConfig.server().pskStore("dev1",
                "secret".getBytes(StandardCharsets.UTF_8))).build());
    }

    @Test
    void aPlannedRestartHandsTheDtlsSessionsAndObserversOverWithoutAHandshake() {
        Cluster first = node();
        DtlsLayer dtls1 = dtls(first);
        ObservableResource temp = ObservableResource.create();
        CoapServer server = server(first, dtls1, temp, 0);
        int port = server.port();
        String base = "coaps://127.0.0.1:" + port;
        List<Response> seen = new CopyOnWriteArrayList<>();
        DtlsLayer clientDtls = Dtls.client(DtlsConfig.client().psk("dev1", "secret").connectionId(true).build());
        try (CoapClient client = CoapClient.builder().security(clientDtls).build()) {
            Observation o = client.observe(Request.get(base + "/temp").build(), seen::add);
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 1);
            value.set(1);
            temp.changed();
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
            assertThat(dtls1.sessions()).singleElement()
                    .satisfies(s -> assertThat(s.connectionId()).startsWith("07")); // the node id leads the CID
            server.close(); // hands the session over to Redis: no close_notify
            first.close(); // a planned leave: the id is free at once

            Cluster second = node();
            DtlsLayer dtls2 = dtls(second);
            ObservableResource temp2 = ObservableResource.create();
            value.set(10);
            try (CoapServer again = server(second, dtls2, temp2, port)) {
                assertThat(again.port()).isEqualTo(port);
                await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3); // the relation's first notification
                value.set(11);
                temp2.changed();
                await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 4);
                assertThat(client.get(base + "/hello").payloadString()).isEqualTo("Hello World!");
                assertThat(dtls2.statistics().handshakesCompleted()).as("handshakes on the new process").isZero();
                assertThat(second.statistics().fullHandshakes() + second.statistics().abbreviatedHandshakes()).isZero();
                assertThat(clientDtls.statistics().handshakesCompleted()).as("the device's handshakes in all").isEqualTo(1);
                assertThat(temp2.observerCount()).isEqualTo(1);
            } finally {
                second.close();
            }
            ClusterStateTest.assertNotifications(seen, "t0", "t1", "t10", "t11");
            assertThat(o.isActive()).isTrue();
            o.close();
        }
    }
}
