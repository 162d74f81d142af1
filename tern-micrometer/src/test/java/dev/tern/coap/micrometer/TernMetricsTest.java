package dev.tern.coap.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.CoapTimeoutException;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link TernMetrics} after known traffic between a loopback server and client (RFC 7252, 7641, 7959). */
class TernMetricsTest {
    private static final String BIG = "x".repeat(3000);

    private final SimpleMeterRegistry serverRegistry = new SimpleMeterRegistry();
    private final SimpleMeterRegistry clientRegistry = new SimpleMeterRegistry();
    private final ObservableResource ticks = ObservableResource.create();
    private CoapServer server;
    private CoapClient client;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .get("/hello", r -> Response.content("Hello World!"))
                .get("/sensors/{id}", r -> Response.content(r.pathParam("id").orElseThrow()))
                .get("/big", r -> Response.content(BIG))
                .get("/obs", ticks.handler(r -> Response.content("tick")))
                .build();
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .metrics(TernMetrics.builder(serverRegistry).latencySampling(1).build()).build().start();
        client = CoapClient.builder().metrics(TernMetrics.of(clientRegistry)).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private String uri(String path) {
        return "coap://127.0.0.1:" + server.port() + path;
    }

    private static double count(MeterRegistry registry, String name, String... tags) {
        Counter c = registry.find(name).tags(tags).counter();
        if (c != null) {
            return c.count();
        }
        FunctionCounter f = registry.find(name).tags(tags).functionCounter();
        return f == null ? 0 : f.count();
    }

    @Test
    void requestsByMethodCodeAndRouteTemplateWithLatency() {
        for (int i = 0; i < 5; i++) {
            assertThat(client.get(uri("/hello")).payloadString()).isEqualTo("Hello World!");
        }
        client.get(uri("/sensors/7"));
        client.get(uri("/sensors/8"));
        assertThat(client.get(uri("/nope")).code().toString()).isEqualTo("4.04");

        assertThat(count(serverRegistry, "coap.requests", "method", "GET", "code", "2.05", "route", "/hello"))
                .isEqualTo(5);
        // the template, never the path a peer chose
        assertThat(count(serverRegistry, "coap.requests", "method", "GET", "code", "2.05", "route", "/sensors/{id}"))
                .isEqualTo(2);
        assertThat(count(serverRegistry, "coap.requests", "method", "GET", "code", "4.04", "route", "none"))
                .isEqualTo(1);
        assertThat(serverRegistry.find("coap.requests").tag("route", "/sensors/7").meters()).isEmpty();
        Timer latency = serverRegistry.find("coap.handler.latency").tags("method", "GET", "route", "/hello").timer();
        assertThat(latency).isNotNull();
        assertThat(latency.count()).isEqualTo(5);
        assertThat(latency.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    }

    @Test
    void latencyIsSampledButEveryRequestCounted() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (CoapServer sampled = CoapServer.builder().port(0).bind("127.0.0.1")
                .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build())
                .metrics(TernMetrics.builder(registry).latencySampling(4).build()).build().start()) {
            for (int i = 0; i < 8; i++) {
                client.get("coap://127.0.0.1:" + sampled.port() + "/hello");
            }
        }
        assertThat(count(registry, "coap.requests", "route", "/hello")).isEqualTo(8);
        assertThat(registry.get("coap.handler.latency").tag("route", "/hello").timer().count()).isEqualTo(2);
        assertThat(TernMetrics.of(registry).handlerLatencySampling()).isEqualTo(TernMetrics.DEFAULT_LATENCY_SAMPLING);
    }

    @Test
    void duplicateIsCountedAndServedOnce() throws Exception {
        // CON GET /hello, Message ID 0x1234, no token: sent twice from the same socket (RFC 7252 §4.5)
        byte[] get = {0x40, 0x01, 0x12, 0x34, (byte) 0xB5, 'h', 'e', 'l', 'l', 'o'};
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            peer.setSoTimeout(5000);
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
            byte[] in = new byte[1500];
            for (int i = 0; i < 2; i++) {
                peer.send(new DatagramPacket(get, get.length, to));
                DatagramPacket ack = new DatagramPacket(in, in.length);
                peer.receive(ack);
                assertThat(new String(in, ack.getLength() - 12, 12, StandardCharsets.UTF_8)).isEqualTo("Hello World!");
            }
        }
        assertThat(count(serverRegistry, "coap.duplicates")).isEqualTo(1);
        assertThat(count(serverRegistry, "coap.requests", "route", "/hello")).isEqualTo(1);
    }

    @Test
    void malformedDatagramIsCountedAsDropped() throws Exception {
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            byte[] shortHeader = {0x40, 0x01};
            peer.send(new DatagramPacket(shortHeader, shortHeader.length,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port())));
        }
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(count(serverRegistry, "coap.datagrams.dropped", "reason", "malformed")).isEqualTo(1));
        assertThat(count(serverRegistry, "coap.datagrams.dropped", "reason", "unmatched")).isZero();
    }

    @Test
    void observersAndNotifications() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Observation obs = client.observe(Request.get(uri("/obs")).build(), r -> seen.add(r.payloadString()));
        obs.registered().join();
        assertThat(serverRegistry.get("coap.observers").gauge().value()).isEqualTo(1);
        ticks.changed();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 2);
        assertThat(count(serverRegistry, "coap.notifications", "type", "non")
                + count(serverRegistry, "coap.notifications", "type", "con")).isEqualTo(1);
        obs.cancel();
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(serverRegistry.get("coap.observers").gauge().value()).isZero());
    }

    @Test
    void blockwiseTransfersOnBothSides() {
        assertThat(client.get(uri("/big")).payloadString()).isEqualTo(BIG);
        assertThat(count(serverRegistry, "coap.blockwise.transfers", "kind", "server_block2", "event", "started"))
                .isEqualTo(1);
        assertThat(count(serverRegistry, "coap.blockwise.transfers", "kind", "server_block2", "event", "completed"))
                .isEqualTo(1);
        assertThat(count(clientRegistry, "coap.blockwise.transfers", "kind", "client_block2", "event", "started"))
                .isEqualTo(1);
        assertThat(count(clientRegistry, "coap.blockwise.transfers", "kind", "client_block2", "event", "completed"))
                .isEqualTo(1);
    }

    @Test
    void retransmissionsAndTimeoutOfAClient() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        EndpointConfig quick = EndpointConfig.builder().ackTimeout(Duration.ofMillis(20)).ackRandomFactor(1.0)
                .maxRetransmit(2).build();
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             CoapClient c = CoapClient.builder().config(quick).metrics(TernMetrics.of(registry)).build()) {
            assertThatThrownBy(() -> c.get("coap://127.0.0.1:" + silent.getLocalPort() + "/x"))
                    .isInstanceOf(CoapTimeoutException.class);
        }
        assertThat(count(registry, "coap.retransmissions")).isEqualTo(2);
        assertThat(count(registry, "coap.timeouts")).isEqualTo(1);
    }

    @Test
    void everyFixedMeterExistsFromTheStart() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TernMetrics.of(registry);
        for (String name : List.of("coap.retransmissions", "coap.duplicates", "coap.timeouts", "coap.executor.rejected",
                "coap.notifications", "coap.blockwise.transfers", "coap.datagrams.dropped", "coap.dtls.handshakes")) {
            assertThat(registry.find(name).counters()).as(name).isNotEmpty();
        }
        assertThat(registry.find("coap.observers").gauge()).isNotNull();
        assertThat(registry.find("coap.dtls.sessions").gauge()).isNotNull();
    }

    @Test
    void routeTagValuesAreBounded() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TernMetrics m = TernMetrics.of(registry);
        for (int i = 0; i < 2 * TernMetrics.DEFAULT_MAX_ROUTES; i++) { // twice the cap, as a flood would
            m.requestHandled(dev.tern.coap.Code.GET, dev.tern.coap.Code.CONTENT, "/r" + i, 1000);
        }
        assertThat(registry.find("coap.requests").functionCounters()).hasSize(TernMetrics.DEFAULT_MAX_ROUTES + 1);
        assertThat(count(registry, "coap.requests", "route", "other")).isEqualTo(TernMetrics.DEFAULT_MAX_ROUTES);
        SimpleMeterRegistry small = new SimpleMeterRegistry();
        TernMetrics few = TernMetrics.builder(small).maxRoutes(2).build();
        for (String route : List.of("/a", "/b", "/c", "/d")) {
            few.requestHandled(dev.tern.coap.Code.GET, dev.tern.coap.Code.CONTENT, route, -1);
        }
        assertThat(count(small, "coap.requests", "route", "other")).isEqualTo(2);
    }

    @Test
    void endpointsSharingOneListenerAddUpAndKeepTheirCountsAfterClosing() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TernMetrics shared = TernMetrics.of(registry);
        Router hello = Router.builder().get("/hello", r -> Response.content("Hello World!")).build();
        try (CoapServer a = CoapServer.builder().port(0).bind("127.0.0.1").service(hello).metrics(shared).build().start()) {
            try (CoapServer b = CoapServer.builder().port(0).bind("127.0.0.1").service(hello).metrics(shared).build()
                    .start()) {
                for (int i = 0; i < 3; i++) {
                    client.get("coap://127.0.0.1:" + a.port() + "/hello");
                    client.get("coap://127.0.0.1:" + b.port() + "/hello");
                }
                assertThat(count(registry, "coap.requests", "route", "/hello", "code", "2.05")).isEqualTo(6);
            }
            // b closed: its three stay in the total (a counter never goes down); a keeps counting.
            assertThat(count(registry, "coap.requests", "route", "/hello", "code", "2.05")).isEqualTo(6);
            client.get("coap://127.0.0.1:" + a.port() + "/hello");
            assertThat(count(registry, "coap.requests", "route", "/hello", "code", "2.05")).isEqualTo(7);
        }
        assertThat(count(registry, "coap.requests", "route", "/hello", "code", "2.05")).isEqualTo(7);
        shared.requestHandled(dev.tern.coap.Code.GET, dev.tern.coap.Code.CONTENT, "/hello", -1); // direct use
        assertThat(count(registry, "coap.requests", "route", "/hello", "code", "2.05")).isEqualTo(8);
        assertThat(registry.find("coap.requests").functionCounters()).hasSize(1);
    }

    @Test
    void dtlsHandshakesAndSessions() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TernMetrics m = TernMetrics.of(registry);
        m.handshakeCompleted(false);
        m.handshakeCompleted(true);
        m.handshakeFailed("decrypt_error");
        m.sessionOpened();
        m.sessionOpened();
        m.sessionClosed();
        assertThat(count(registry, "coap.dtls.handshakes", "kind", "full", "result", "success")).isEqualTo(1);
        assertThat(count(registry, "coap.dtls.handshakes", "kind", "abbreviated", "result", "success")).isEqualTo(1);
        assertThat(count(registry, "coap.dtls.handshakes", "result", "failure", "alert", "decrypt_error")).isEqualTo(1);
        assertThat(registry.get("coap.dtls.sessions").gauge().value()).isEqualTo(1);
    }
}
