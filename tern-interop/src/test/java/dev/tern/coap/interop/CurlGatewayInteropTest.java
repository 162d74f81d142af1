package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapServer;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.proxy.CoapProxy;
import dev.tern.coap.proxy.HttpGateway;
import dev.tern.coap.tcp.TcpTransports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * curl through Tern's HTTP-to-CoAP gateway (RFC 8075) to libcoap 4.3's {@code coap-server-notls}
 * (GET/PUT/POST/DELETE, block-wise, 4.04 and 5.04 mapping), to a Tern observable resource as
 * Server-Sent Events, to libcoap over coap+tcp, and to node-coap when installed. Skipped when curl or libcoap is missing
 * unless {@code TERN_INTEROP_REQUIRED=1}.
 */
@Timeout(120)
class CurlGatewayInteropTest {
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(30);

    private final AtomicInteger value = new AtomicInteger();
    private final ObservableResource observable = ObservableResource.create();
    private Peers.Daemon libcoap;
    private int libcoapPort;
    private CoapServer ternOrigin;
    private CoapProxy proxy;
    private HttpGateway gateway;

    @BeforeAll
    static void peersPresent() {
        Peers.requirePeer(Peers.onPath("curl").isPresent(), "curl is not on the PATH");
        Peers.requirePeer(Peers.onPath("coap-server-notls").isPresent(),
                "coap-server-notls (Debian package libcoap3-bin) is not on the PATH");
    }

    @BeforeEach
    void start() {
        libcoapPort = Peers.freeUdpPort();
        libcoap = Peers.startLibcoapServer(libcoapPort, List.of("-d", "10")); // -d: PUT creates resources
        ternOrigin = CoapServer.builder().port(0).bind("127.0.0.1").service(Router.builder()
                .get("/obs", observable.handler(r -> Response.content("v" + value.get())), RouteOptions.create().observable())
                .build()).build().start();
        proxy = CoapProxy.builder().allow("127.0.0.1").upstreamTimeout(Duration.ofSeconds(2))
                .upstreamTransport(TcpTransports.client()).build();
        gateway = HttpGateway.builder(proxy).build().start();
    }

    @AfterEach
    void stop() {
        gateway.close();
        proxy.close();
        ternOrigin.close();
        libcoap.close();
    }

    private String libcoap(String path) {
        return "http://127.0.0.1:" + gateway.port() + "/hc/coap://127.0.0.1:" + libcoapPort + path;
    }

    /** Runs curl; its stdout ends with a line "HTTP <status>". */
    private static Peers.Result curl(String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-S", "--max-time", "20", "-w", "\nHTTP %{http_code}"));
        command.addAll(List.of(args));
        return Peers.run(PROCESS_TIMEOUT, command);
    }

    @Test
    void getPutDeleteAndTheirStatusCodes() {
        Peers.Result info = curl("-i", libcoap("/"));
        assertThat(info.out()).as(info.toString()).contains("libcoap").contains("HTTP 200")
                .containsIgnoringCase("content-type: application/octet-stream"); // no Content-Format (RFC 8075 §6.1)

        Peers.Result put = curl("-X", "PUT", "-H", "Content-Type: text/plain", "--data-binary", "from curl",
                libcoap("/example_data"));
        assertThat(put.out()).as(put.toString()).matches("(?s).*HTTP 20[14]"); // 2.01 (first time) or 2.04, no payload
        assertThat(curl(libcoap("/example_data")).out()).isEqualTo("from curl\nHTTP 200");

        Peers.Result created = curl("-X", "PUT", "--data-binary", "new", libcoap("/mine")); // libcoap -d: creates
        assertThat(created.out()).as(created.toString()).endsWith("HTTP 201");
        Peers.Result deleted = curl("-X", "DELETE", libcoap("/mine"));
        assertThat(deleted.out()).as(deleted.toString()).endsWith("HTTP 204"); // 2.02 Deleted
        assertThat(curl(libcoap("/mine")).out()).endsWith("HTTP 404"); // 4.04
        // POST: libcoap's example_data allows no POST: 4.05, which RFC 8075 §7 maps to 400
        assertThat(curl("-X", "POST", "--data-binary", "x", libcoap("/example_data")).out()).endsWith("HTTP 400");
    }

    /** {@code curl /hc/coap+tcp://...}: libcoap's server over TCP (RFC 8323) behind the gateway, PUT then GET. */
    @Test
    void curlReachesLibcoapOverCoapTcp() {
        String tcp = "http://127.0.0.1:" + gateway.port() + "/hc/coap+tcp://127.0.0.1:" + libcoapPort;
        Peers.Result info = curl(tcp + "/");
        assertThat(info.out()).as(info.toString()).contains("libcoap").endsWith("HTTP 200");
        Peers.Result put = curl("-X", "PUT", "-H", "Content-Type: text/plain", "--data-binary", "over tcp",
                tcp + "/example_data");
        assertThat(put.out()).as(put.toString()).matches("(?s).*HTTP 20[14]");
        assertThat(curl(libcoap("/example_data")).out()).as("the same resource over UDP").isEqualTo("over tcp\nHTTP 200");
    }

    @Test
    void largeBodiesGoBlockWiseThroughTheGateway(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        StringBuilder big = new StringBuilder();
        for (int i = 0; big.length() < 6000; i++) {
            big.append(String.format("%05d|", i));
        }
        Path file = dir.resolve("big.txt");
        Files.writeString(file, big);
        // libcoap creates the resource on a one-datagram PUT, then takes the body block-wise (Block1)
        assertThat(curl("-X", "PUT", "--data-binary", "small", libcoap("/big")).out()).endsWith("HTTP 201");
        Peers.Result put = curl("-X", "PUT", "-H", "Content-Type: text/plain", "--data-binary", "@" + file, libcoap("/big"));
        assertThat(put.out()).as(put.toString()).endsWith("HTTP 204");
        Peers.Result get = curl(libcoap("/big"));
        assertThat(get.out()).as(get.toString()).isEqualTo(big + "\nHTTP 200");
    }

    @Test
    void upstreamTimeoutIs504AndRefusalsAre403And400() {
        // libcoap's /async?N answers after N seconds; the proxy gives up after 2: 5.04 -> 504
        Peers.Result slow = curl(libcoap("/async?8"));
        assertThat(slow.out()).as(slow.toString()).endsWith("HTTP 504");
        Peers.Result relay = curl("http://127.0.0.1:" + gateway.port() + "/hc/coap://192.0.2.1/x");
        assertThat(relay.out()).as(relay.toString()).endsWith("HTTP 403");
        Peers.Result bad = curl("http://127.0.0.1:" + gateway.port() + "/hc/coap://127.0.0.1:99999/x");
        assertThat(bad.out()).as(bad.toString()).endsWith("HTTP 400");
    }

    @Test
    void curlReceivesNotificationsAsServerSentEvents() {
        String url = "http://127.0.0.1:" + gateway.port() + "/hc/coap://127.0.0.1:" + ternOrigin.port() + "/obs";
        try (Peers.Daemon stream = Peers.Daemon.start(null, List.of("curl", "-s", "-N", "--max-time", "60",
                "-H", "Accept: text/event-stream", url))) {
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> stream.output().contains("data: v0"));
            for (int i = 1; i <= 2; i++) {
                value.set(i);
                observable.changed();
                String expected = "data: v" + i;
                Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> stream.output().contains(expected));
            }
            assertThat(stream.output().lines().filter(l -> l.startsWith("id: ")).count()).isEqualTo(3);
            assertThat(observable.observerCount()).isEqualTo(1);
        }
        // curl is gone: the observation is cancelled upstream (RFC 7641 §3.6)
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> observable.observerCount() == 0);
    }

    @Test
    void nodeCoapAsTheUpstream() {
        Peers.requirePeer(Peers.onPath("node").isPresent()
                && Files.isRegularFile(Peers.nodeDir().resolve("node_modules/coap/package.json")),
                "node-coap is not installed (run: cd tern-interop/node && npm ci)");
        int port = Peers.freeUdpPort();
        try (Peers.Daemon node = Peers.startNodeServer(port)) {
            assertThat(node.isAlive()).isTrue();
            String base = "http://127.0.0.1:" + gateway.port() + "/hc/coap://127.0.0.1:" + port;
            assertThat(curl(base + "/hello").out()).isEqualTo("Hello from node\nHTTP 200");
            Peers.Result echo = curl("-X", "POST", "--data-binary", "ping", base + "/echo");
            assertThat(echo.out()).as(echo.toString()).isEqualTo("ping\nHTTP 200"); // 2.04 with a payload
            assertThat(curl(base + "/large").out()).hasSize(3000 + "\nHTTP 200".length());
            assertThat(curl(base + "/nothing").out()).endsWith("HTTP 404");
        }
    }
}
