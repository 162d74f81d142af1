package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Session life: Connection ID across a NAT rebinding, resumption, idle eviction, the session cap. */
class DtlsSessionTest {
    private CoapServer server;
    private DtlsLayer layer;

    private void start(DtlsConfig.ServerBuilder config) {
        layer = Dtls.server(config.pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8)).build());
        server = CoapServer.builder().port(0).bind("127.0.0.1").security(layer)
                .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build())
                .build().start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.port());
    }

    /** The server's one session, once its side of the handshake has completed too. */
    private DtlsSession serverSession() {
        await().atMost(Duration.ofSeconds(2)).until(() -> !layer.sessions().isEmpty());
        return layer.sessions().get(0);
    }

    private static String text(byte[] coap) {
        assertThat(coap).isNotNull();
        return new String(coap, StandardCharsets.UTF_8);
    }

    @Test
    void connectionIdKeepsTheSessionAcrossANatRebinding() throws Exception {
        start(DtlsConfig.server());
        try (BcTestClient client = new BcTestClient(address())) {
            client.connect("dev1", "secret", true);
            client.send(BcTestClient.coapGet("hello", 1));
            assertThat(text(client.receive(2000))).endsWith("Hello World!");
            DtlsSession before = serverSession();
            assertThat(before.connectionId()).hasSize(12); // 6 bytes in hex
            client.rebind();
            // the first record from the new address is a hint (RFC 9146 §6): the answer still goes to the
            // confirmed address; the retransmission of the request confirms the new one
            client.send(BcTestClient.coapGet("hello", 2));
            client.send(BcTestClient.coapGet("hello", 2));
            assertThat(text(client.receive(2000))).endsWith("Hello World!");
            assertThat(layer.sessions()).hasSize(1);
            DtlsSession after = layer.sessions().get(0);
            assertThat(after.peer().getPort()).isEqualTo(client.localPort()).isNotEqualTo(before.peer().getPort());
            assertThat(after.connectionId()).isEqualTo(before.connectionId());
            assertThat(layer.statistics().handshakesCompleted()).isEqualTo(1);
        }
    }

    @Test
    void connectionIdFollowsTheClientAcrossIoThreads() throws Exception {
        layer = Dtls.server(DtlsConfig.server().pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8)).build());
        server = CoapServer.builder().port(0).bind("127.0.0.1").ioThreads(2).security(layer)
                .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build())
                .build().start();
        try (BcTestClient client = new BcTestClient(address())) {
            client.connect("dev1", "secret", true);
            // each new port is hashed to one of the two sockets: some land on the other I/O thread
            for (int i = 0; i < 12; i++) {
                client.rebind();
                client.send(BcTestClient.coapGet("hello", 10 + i));
                client.send(BcTestClient.coapGet("hello", 10 + i)); // a retransmission confirms the move
                assertThat(text(client.receive(2000))).endsWith("Hello World!");
            }
            assertThat(layer.sessions()).hasSize(1);
            assertThat(layer.statistics().handshakesCompleted()).isEqualTo(1);
        }
    }

    @Test
    void withoutConnectionIdARebindingNeedsANewHandshake() throws Exception {
        start(DtlsConfig.server().connectionIdLength(0));
        try (BcTestClient client = new BcTestClient(address())) {
            client.connect("dev1", "secret", true);
            assertThat(serverSession().connectionId()).isEmpty();
            client.rebind();
            client.send(BcTestClient.coapGet("hello", 2));
            assertThat(client.receive(500)).isNull(); // records from an unknown address are dropped
        }
    }

    @Test
    void aClientStartingOverOnTheSamePortReplacesItsSessionWithoutACloseNotify() throws Exception {
        start(DtlsConfig.server());
        try (BcTestClient client = new BcTestClient(address())) {
            client.connect("dev1", "secret", false);
            client.send(BcTestClient.coapGet("hello", 1));
            assertThat(text(client.receive(2000))).endsWith("Hello World!");
            client.received.clear();
            client.connect("dev1", "secret", false); // lost its state: a new handshake from the same port (RFC 6347 §4.2.8)
            client.send(BcTestClient.coapGet("hello", 2));
            assertThat(text(client.receive(2000))).endsWith("Hello World!");
            await().atMost(Duration.ofSeconds(2)).until(() -> layer.statistics().handshakesCompleted() == 2);
            assertThat(layer.sessions()).hasSize(1);
            // the old session's close_notify, under keys the new client never had, would only be dropped
            assertThat(client.received).noneMatch(d -> d[0] == 21);
        }
    }

    @Test
    void aSecondClientOfTheSameLayerResumesTheSession() {
        start(DtlsConfig.server());
        DtlsLayer clientLayer = Dtls.client(DtlsConfig.client().psk("dev1", "secret").build());
        String uri = "coaps://127.0.0.1:" + server.port() + "/hello";
        try (CoapClient c = CoapClient.builder().security(clientLayer).build()) {
            assertThat(c.get(uri).payloadString()).isEqualTo("Hello World!");
            assertThat(clientLayer.sessions().get(0).resumed()).isFalse();
        }
        try (CoapClient c = CoapClient.builder().security(clientLayer).build()) {
            assertThat(c.get(uri).payloadString()).isEqualTo("Hello World!");
            assertThat(clientLayer.sessions().get(0).resumed()).isTrue();
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> layer.statistics().handshakesCompleted() == 2);
        // on the server's I/O thread (QuickResumption), not BouncyCastle's handshake thread
        assertThat(layer.statistics().handshakesResumed()).isEqualTo(1);
        assertThat(layer.statistics().resumedInPlace()).isEqualTo(1);
    }

    @Test
    void idleSessionsAreEvictedAndAQuietClientStartsOver() {
        start(DtlsConfig.server().sessionIdleTimeout(Duration.ofMillis(300)));
        DtlsLayer clientLayer = Dtls.client(DtlsConfig.client().psk("dev1", "secret")
                .resumeAfterIdle(Duration.ofMillis(200)).build());
        String uri = "coaps://127.0.0.1:" + server.port() + "/hello";
        try (CoapClient c = CoapClient.builder().security(clientLayer).build()) {
            assertThat(c.get(uri).payloadString()).isEqualTo("Hello World!");
            assertThat(layer.sessions()).hasSize(1);
            await().atMost(Duration.ofSeconds(3)).until(() -> layer.sessions().isEmpty());
            assertThat(c.get(uri).payloadString()).isEqualTo("Hello World!");
            assertThat(clientLayer.sessions().get(0).resumed()).isTrue();
        }
    }

    /** Whether {@code c} received an alert record (a close_notify: its session was evicted) within {@code millis}. */
    private static boolean alerted(BcTestClient c, long millis) {
        try {
            await().atMost(Duration.ofMillis(millis)).until(() -> c.received.stream().anyMatch(d -> d[0] == 21));
            return true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return false;
        }
    }

    @Test
    void anEvictedSessionIsToldWithACloseNotifyWithinTheRateAndOtherwiseDroppedSilently() throws Exception {
        for (int rate : new int[] {100, 0}) {
            stop();
            start(DtlsConfig.server().maxSessions(1).evictionNotices(rate));
            try (BcTestClient first = new BcTestClient(address()); BcTestClient second = new BcTestClient(address())) {
                first.connect("dev1", "secret", false);
                await().atMost(Duration.ofSeconds(2)).until(() -> layer.sessions().size() == 1);
                Thread reader = new Thread(() -> {
                    try {
                        first.receive(1500); // drives the socket, recording what arrives
                    } catch (java.io.IOException e) {
                        // closed by the alert
                    }
                });
                reader.start();
                second.connect("dev1", "secret", false);
                assertThat(alerted(first, 1000)).as("close_notify at rate %d", rate).isEqualTo(rate > 0);
                reader.join(3000);
            }
        }
    }

    @Test
    void sessionFloodAtTwiceTheCapEvictsTheIdlestAndServesTheNewest() throws Exception {
        start(DtlsConfig.server().maxSessions(5));
        List<BcTestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                BcTestClient c = new BcTestClient(address()).connect("dev1", "secret", false);
                clients.add(c);
                await().atMost(Duration.ofSeconds(2)).until(() -> layer.statistics().handshakesCompleted()
                        == clients.size());
                assertThat(layer.sessions().size()).isLessThanOrEqualTo(5);
            }
            BcTestClient newest = clients.get(9);
            newest.send(BcTestClient.coapGet("hello", 1));
            assertThat(text(newest.receive(2000))).endsWith("Hello World!");
            BcTestClient oldest = clients.get(0);
            oldest.send(BcTestClient.coapGet("hello", 1));
            assertThat(oldest.receive(300)).as("evicted").isNull();
        } finally {
            clients.forEach(BcTestClient::close);
        }
    }

    @Test
    void atTheCapTheLeastRecentlyActiveSessionGoesNotTheOldest() throws Exception {
        start(DtlsConfig.server().maxSessions(3));
        List<BcTestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                clients.add(new BcTestClient(address()).connect("dev1", "secret", false));
                int n = clients.size();
                await().atMost(Duration.ofSeconds(2)).until(() -> layer.statistics().handshakesCompleted() == n);
            }
            BcTestClient first = clients.get(0);
            first.send(BcTestClient.coapGet("hello", 1)); // the first session is now the most recently active
            assertThat(text(first.receive(2000))).endsWith("Hello World!");
            clients.add(new BcTestClient(address()).connect("dev1", "secret", false));
            await().atMost(Duration.ofSeconds(2)).until(() -> layer.statistics().handshakesCompleted() == 4);

            first.send(BcTestClient.coapGet("hello", 2));
            assertThat(text(first.receive(2000))).as("active, kept").endsWith("Hello World!");
            BcTestClient second = clients.get(1);
            second.send(BcTestClient.coapGet("hello", 1));
            assertThat(second.receive(300)).as("least recently active, evicted").isNull();
            BcTestClient third = clients.get(2);
            third.send(BcTestClient.coapGet("hello", 1));
            assertThat(text(third.receive(2000))).endsWith("Hello World!");
        } finally {
            clients.forEach(BcTestClient::close);
        }
    }
}
