package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.CoapTransportException;
import dev.tern.coap.Code;
import dev.tern.coap.MessageTracer;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.spi.ReliableSettings;
import dev.tern.coap.tcp.TcpTransports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.TcpConfig;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.elements.tcp.netty.TcpClientConnector;
import org.eclipse.californium.elements.tcp.netty.TcpServerConnector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * coap+tcp between Tern ({@code tern-tcp}) and Eclipse Californium 3.14's TCP connector
 * ({@code element-connector-tcp-netty}, built for Netty 4.1, here on the project's Netty 4.2) with
 * a Californium {@link CoapEndpoint} on it, both directions, in the same JVM.
 *
 * <p>Californium's TCP follows a draft of RFC 8323: it never sends a CSM. RFC 8323 §5.3 says the
 * CSM MUST be each side's first message and a missing one is a connection error, so Tern by default
 * ({@link ReliableSettings#csmRequired()} true) aborts a Californium connection with 7.05 at its
 * first non-CSM message; {@code withCsmRequired(false)} tolerates it and assumes the base values
 * (Max-Message-Size 1152, no BERT). These tests pin both behaviours.
 */
@Timeout(60)
class CaliforniumTcpInteropTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String LARGE = "0123456789abcdef".repeat(200); // 3200 bytes
    private static final ReliableSettings LENIENT = ReliableSettings.defaults().withCsmRequired(false);

    @BeforeAll
    static void registerCaliforniumModules() {
        CoapConfig.register();
        UdpConfig.register();
        TcpConfig.register();
    }

    private static Configuration configuration() {
        return Configuration.createStandardWithoutFile();
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Californium's CoapServer on its TCP server connector, with GET /hello. */
    private static org.eclipse.californium.core.CoapServer californiumServer(int port) {
        Configuration config = configuration();
        org.eclipse.californium.core.CoapServer server = new org.eclipse.californium.core.CoapServer(config);
        server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config)
                .setConnector(new TcpServerConnector(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), config))
                .build());
        server.add(new CoapResource("hello") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond(CoAP.ResponseCode.CONTENT, "Hello from Californium");
            }
        });
        server.add(new CoapResource("large") {
            @Override
            public void handleGET(CoapExchange exchange) {
                exchange.respond(CoAP.ResponseCode.CONTENT, LARGE);
            }
        });
        server.start();
        return server;
    }

    /** Californium's CoapClient on its TCP client connector. */
    private static org.eclipse.californium.core.CoapClient californiumClient(String uri) {
        Configuration config = configuration();
        org.eclipse.californium.core.CoapClient client = new org.eclipse.californium.core.CoapClient(uri);
        client.setEndpoint(new CoapEndpoint.Builder().setConfiguration(config)
                .setConnector(new TcpClientConnector(config)).build());
        client.setTimeout(5_000L);
        return client;
    }

    /** Every message summary Tern sent, e.g. to see the Block2 options of a block-wise transfer. */
    private static final class SentLog implements MessageTracer {
        final List<String> sent = new CopyOnWriteArrayList<>();

        @Override
        public void sent(InetSocketAddress peer, String summary) {
            sent.add(summary);
        }

        @Override
        public void received(InetSocketAddress peer, String summary) {
        }
    }

    private static CoapServer ternServer(ReliableSettings settings, AtomicReference<String> stored) {
        return ternServer(settings, stored, new SentLog());
    }

    private static CoapServer ternServer(ReliableSettings settings, AtomicReference<String> stored, SentLog log) {
        Router router = Router.builder()
                .get("/hello", req -> Response.content("Hello from Tern"))
                .get("/large", req -> Response.content(LARGE))
                .put("/store", req -> {
                    stored.set(req.payload().utf8());
                    return Response.of(Code.CHANGED);
                })
                .build();
        return CoapServer.builder().port(0).bind("127.0.0.1").service(router).tracer(log)
                .listener(TcpTransports.builder().port(0).bind(InetAddress.getLoopbackAddress())
                        .settings(settings).buildServer())
                .build().start();
    }

    @Test
    void californiumClientGetsAndPutsToLenientTern() throws Exception {
        AtomicReference<String> stored = new AtomicReference<>("empty");
        SentLog log = new SentLog();
        try (CoapServer tern = ternServer(LENIENT, stored, log)) {
            String base = "coap+tcp://127.0.0.1:" + tern.localAddress("coap+tcp").getPort();
            org.eclipse.californium.core.CoapClient client = californiumClient(base + "/hello");
            try {
                CoapResponse r = client.get();
                assertThat(r).as("Californium's GET answered").isNotNull();
                assertThat(r.getCode()).isEqualTo(CoAP.ResponseCode.CONTENT);
                assertThat(r.getResponseText()).isEqualTo("Hello from Tern");
                client.setURI(base + "/store");
                CoapResponse put = client.put("Californium was here", 0);
                assertThat(put).isNotNull();
                assertThat(put.getCode()).isEqualTo(CoAP.ResponseCode.CHANGED);
                assertThat(stored.get()).isEqualTo("Californium was here");
                client.setURI(base + "/large");
                CoapResponse large = client.get();
                assertThat(large).isNotNull();
                assertThat(large.getResponseText()).isEqualTo(LARGE);
                // Tern assumes the base Max-Message-Size 1152 without a CSM (§5.3.1): four Block2 responses
                assertThat(log.sent).anyMatch(m -> m.contains("Block2:0/M/1024"))
                        .anyMatch(m -> m.contains("Block2:3/_/1024"));
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void strictTernAbortsCaliforniumClientThatSendsNoCsm() throws Exception {
        try (CoapServer tern = ternServer(ReliableSettings.defaults(), new AtomicReference<>())) {
            String base = "coap+tcp://127.0.0.1:" + tern.localAddress("coap+tcp").getPort();
            org.eclipse.californium.core.CoapClient client = californiumClient(base + "/hello");
            try {
                // §5.3: the GET as first message is a connection error: 7.05 Abort and close, no answer
                assertThat(client.get()).isNull();
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void lenientTernClientGetsFromCaliforniumServer() throws Exception {
        int port = freeTcpPort();
        org.eclipse.californium.core.CoapServer server = californiumServer(port);
        SentLog log = new SentLog();
        try (CoapClient client = CoapClient.builder().tracer(log)
                .transport(TcpTransports.builder().settings(LENIENT).buildClient()).build()) {
            Response r = client.call(Request.get("coap+tcp://127.0.0.1:" + port + "/hello").timeout(TIMEOUT).build());
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isEqualTo("Hello from Californium");
            Response large = client.call(Request.get("coap+tcp://127.0.0.1:" + port + "/large").timeout(TIMEOUT).build());
            assertThat(large.code()).isEqualTo(Code.CONTENT);
            assertThat(large.payloadString()).isEqualTo(LARGE);
            // Californium sends the 3200 bytes in one message; Tern's CSM announced 16384
            assertThat(log.sent).filteredOn(m -> m.startsWith("GET")).hasSize(2);
        } finally {
            server.destroy();
        }
    }

    @Test
    void strictTernClientRefusesCaliforniumServerThatSendsNoCsm() throws Exception {
        int port = freeTcpPort();
        org.eclipse.californium.core.CoapServer server = californiumServer(port);
        try (CoapClient client = CoapClient.builder().transport(TcpTransports.client()).build()) {
            assertThatThrownBy(() -> client.call(Request.get("coap+tcp://127.0.0.1:" + port + "/hello")
                    .timeout(TIMEOUT).build()))
                    .isInstanceOf(CoapTransportException.class)
                    .hasMessageContaining("the first message must be a CSM").hasMessageContaining("got 2.05");
        } finally {
            server.destroy();
        }
    }
}
