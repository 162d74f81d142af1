package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The cluster hooks of tern-dtls: a Connection ID generator (RFC 9146 §3) and a resumption cache
 * shared beyond one server's memory (RFC 5246 §7.3).
 */
class SharedResumptionTest {

    /** A resumption cache in a map, as a cluster's store would be. */
    static final class MapCache implements ResumptionCache {
        final Map<String, byte[]> entries = new ConcurrentHashMap<>();

        @Override
        public void put(byte[] sessionId, byte[] state) {
            entries.put(HexFormat.of().formatHex(sessionId), state.clone());
        }

        @Override
        public Optional<byte[]> get(byte[] sessionId) {
            return Optional.ofNullable(entries.get(HexFormat.of().formatHex(sessionId))).map(byte[]::clone);
        }
    }

    private static CoapServer server(DtlsLayer layer, int port) {
        return CoapServer.builder().port(port).bind("127.0.0.1").security(layer)
                .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build())
                .build().start();
    }

    private static DtlsLayer serverLayer(MapCache cache, int node) {
        return Dtls.server(DtlsConfig.server().pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8))
                .resumptionCache(cache).connectionIdGenerator((cid, random) -> {
                    random.nextBytes(cid);
                    cid[0] = (byte) node;
                }).build());
    }

    @Test
    void aSessionOfOneServerResumesOnAnotherThroughTheSharedCache() {
        MapCache cache = new MapCache();
        DtlsLayer first = serverLayer(cache, 1);
        CoapServer a = server(first, 0);
        int port = a.port();
        DtlsLayer clientLayer = Dtls.client(DtlsConfig.client().psk("dev1", "secret").connectionId(true).build());
        String uri = "coaps://127.0.0.1:" + port + "/hello";
        try (CoapClient c = CoapClient.builder().security(clientLayer).build()) {
            assertThat(c.get(uri).payloadString()).isEqualTo("Hello World!");
            assertThat(clientLayer.sessions().get(0).resumed()).isFalse();
            await().atMost(Duration.ofSeconds(2)).until(() -> !first.sessions().isEmpty());
            assertThat(first.sessions().get(0).connectionId()).startsWith("01");
        }
        assertThat(cache.entries).hasSize(1);
        a.close(); // the node is gone; another takes its address
        DtlsLayer second = serverLayer(cache, 2);
        try (CoapServer b = server(second, port);
             CoapClient c = CoapClient.builder().security(clientLayer).build()) {
            assertThat(b.port()).isEqualTo(port); // the second node serves where the first did
            assertThat(c.get(uri).payloadString()).isEqualTo("Hello World!");
            assertThat(clientLayer.sessions().get(0).resumed()).isTrue();
            await().atMost(Duration.ofSeconds(2)).until(() -> !second.sessions().isEmpty());
            assertThat(second.sessions().get(0).resumed()).isTrue();
            assertThat(second.sessions().get(0).connectionId()).startsWith("02");
            assertThat(second.sessions().get(0).peerIdentity().name()).isEqualTo("dev1");
        }
    }

    @Test
    void aCorruptSharedEntryGivesAFullHandshake() {
        MapCache cache = new MapCache();
        CoapServer a = server(serverLayer(cache, 1), 0);
        int port = a.port();
        DtlsLayer clientLayer = Dtls.client(DtlsConfig.client().psk("dev1", "secret").build());
        String uri = "coaps://127.0.0.1:" + port + "/hello";
        try (CoapClient c = CoapClient.builder().security(clientLayer).build()) {
            assertThat(c.get(uri).payloadString()).isEqualTo("Hello World!");
        }
        a.close();
        cache.entries.replaceAll((k, v) -> java.util.Arrays.copyOf(v, v.length - 3));
        DtlsLayer second = serverLayer(cache, 2);
        try (CoapServer b = server(second, port);
             CoapClient c = CoapClient.builder().security(clientLayer).build()) {
            assertThat(b.port()).isEqualTo(port); // the second node serves where the first did
            assertThat(c.get(uri).payloadString()).isEqualTo("Hello World!");
            await().atMost(Duration.ofSeconds(2)).until(() -> !second.sessions().isEmpty());
            assertThat(second.sessions().get(0).resumed()).isFalse();
        }
    }

    @Test
    void aGeneratorWithNoFreeConnectionIdFailsTheHandshakeInsteadOfSpinning() {
        DtlsLayer layer = Dtls.server(DtlsConfig.server().pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8))
                .connectionIdGenerator((cid, random) -> java.util.Arrays.fill(cid, (byte) 7)).build());
        try (CoapServer s = server(layer, 0)) {
            String uri = "coaps://127.0.0.1:" + s.port() + "/hello";
            try (CoapClient first = CoapClient.builder().security(Dtls.client(DtlsConfig.client().psk("dev1", "secret")
                    .connectionId(true).build())).build()) {
                assertThat(first.get(uri).payloadString()).isEqualTo("Hello World!");
                try (CoapClient second = CoapClient.builder().security(Dtls.client(DtlsConfig.client()
                        .psk("dev1", "secret").connectionId(true).build())).build()) {
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> second.get(uri, Duration.ofSeconds(20)))
                            .isInstanceOf(dev.tern.coap.CoapSecurityException.class);
                }
                assertThat(first.get(uri).payloadString()).isEqualTo("Hello World!");
            }
        }
    }
}
