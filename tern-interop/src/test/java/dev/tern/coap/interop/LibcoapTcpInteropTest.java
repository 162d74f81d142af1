package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.cli.DemoResources;
import dev.tern.coap.cli.PlugtestResources;
import dev.tern.coap.tcp.TcpTransports;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CoAP over TCP (RFC 8323) between Tern and libcoap 4.3 ({@code coap-client-notls},
 * {@code coap-server-notls}), both directions: CSM, requests, block-wise bodies, Ping/Pong.
 * Skipped when the binaries are missing unless {@code TERN_INTEROP_REQUIRED=1}.
 */
@Timeout(120)
class LibcoapTcpInteropTest {
    private static final String CLIENT = "coap-client-notls";
    private static final String SERVER = "coap-server-notls";
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(20);
    private static CoapServer tern;
    private static String ternBase;

    @BeforeAll
    static void start() {
        Peers.requirePeer(Peers.onPath(CLIENT).isPresent() && Peers.onPath(SERVER).isPresent(),
                CLIENT + " and " + SERVER + " (Debian package libcoap3-bin) are not on the PATH");
        tern = CoapServer.builder().port(0).bind("127.0.0.1").service(PlugtestResources.router())
                .listener(TcpTransports.builder().port(0).bind(java.net.InetAddress.getLoopbackAddress()).buildServer())
                .build().start();
        ternBase = "coap+tcp://127.0.0.1:" + tern.localAddress("coap+tcp").getPort();
    }

    @AfterAll
    static void stop() {
        if (tern != null) {
            tern.close();
        }
    }

    @Test
    void libcoapClientGetsFromTern() {
        Peers.Result r = Peers.run(PROCESS_TIMEOUT, List.of(CLIENT, "-B", "10", "-m", "get", ternBase + "/test"));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).as(r.toString()).isNotBlank();
    }

    @Test
    void libcoapClientGetsALargeBodyBlockwiseFromTern() {
        Peers.Result r = Peers.run(PROCESS_TIMEOUT, List.of(CLIENT, "-B", "10", "-m", "get", ternBase + "/large"));
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out().length()).as(r.toString()).isGreaterThan(1024);
    }

    @Test
    void libcoapClientPutsToTern() {
        Peers.Result r = Peers.run(PROCESS_TIMEOUT, List.of(CLIENT, "-B", "10", "-m", "put", "-e", "tcp works",
                ternBase + "/test"));
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    @Test
    void ternClientAgainstLibcoapServer() {
        int port = Peers.freeUdpPort();
        Peers.Daemon server = Peers.startLibcoapServer(port);
        try (server; CoapClient client = CoapClient.builder().transport(TcpTransports.client()).build()) {
            assertThat(server.isAlive()).isTrue();
            String base = "coap+tcp://127.0.0.1:" + port;
            Response r = client.call(Request.get(base + "/").timeout(Duration.ofSeconds(10)).build());
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).contains("libcoap");
            Response large = client.call(Request.get(base + "/example_data").timeout(Duration.ofSeconds(10)).build());
            assertThat(large.code()).isEqualTo(Code.CONTENT);
            assertThat(client.ping(base).join()).isPositive(); // libcoap 4.3 answers 7.03 without the token
        }
    }

    @Test
    void ternDemoOverTcpForLibcoapClient() {
        try (CoapServer demo = CoapServer.builder().port(0).bind("127.0.0.1").service(DemoResources.router())
                .listener(TcpTransports.builder().port(0).bind(java.net.InetAddress.getLoopbackAddress()).buildServer())
                .build().start()) {
            String uri = "coap+tcp://127.0.0.1:" + demo.localAddress("coap+tcp").getPort() + "/hello";
            Peers.Result r = Peers.run(PROCESS_TIMEOUT, List.of(CLIENT, "-B", "10", "-m", "get", uri));
            assertThat(r.out()).as(r.toString()).contains("Hello World!");
        }
    }

    /**
     * BERT (RFC 8323 §6) both ways between libcoap 4.3.1's client and Tern over coap+tcp: a
     * 40 000-byte PUT in BERT Block1 blocks, and the same body back in BERT Block2 blocks.
     */
    @Test
    void libcoapClientPutsAndGetsALargeBodyOverTcp() throws Exception {
        String body = "0123456789abcdef".repeat(2500);
        java.util.concurrent.atomic.AtomicReference<String> stored = new java.util.concurrent.atomic.AtomicReference<>();
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        dev.tern.coap.Router router = dev.tern.coap.Router.builder()
                .put("/store", req -> {
                    stored.set(req.payload().utf8());
                    return Response.of(Code.CHANGED);
                })
                .get("/store", req -> Response.content(stored.get()))
                .build();
        java.nio.file.Path file = java.nio.file.Files.createTempFile("tern-bert", ".txt");
        java.nio.file.Files.writeString(file, body);
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .tracer(new dev.tern.coap.MessageTracer() {
                    @Override
                    public void sent(java.net.InetSocketAddress peer, String summary) {
                        received.add("> " + summary);
                    }

                    @Override
                    public void received(java.net.InetSocketAddress peer, String summary) {
                        received.add("< " + summary);
                    }
                })
                .listener(TcpTransports.builder().port(0).bind(java.net.InetAddress.getLoopbackAddress()).buildServer())
                .build().start()) {
            String uri = "coap+tcp://127.0.0.1:" + server.localAddress("coap+tcp").getPort() + "/store";
            Peers.Result put = Peers.run(PROCESS_TIMEOUT, List.of(CLIENT, "-B", "10", "-m", "put", "-f",
                    file.toString(), uri));
            assertThat(put.exitCode()).as(put.toString()).isZero();
            assertThat(stored.get()).as("body stored by the PUT").hasSize(body.length()).isEqualTo(body);
            Peers.Result get = Peers.run(PROCESS_TIMEOUT, List.of(CLIENT, "-B", "10", "-m", "get", uri));
            assertThat(get.exitCode()).as(get.toString()).isZero();
            assertThat(get.out().strip()).as("body got back").hasSize(body.length()).isEqualTo(body);
            // both CSMs carry Block-Wise-Transfer: BERT both ways, 15 KiB blocks under Tern's 16 KiB
            assertThat(received).anyMatch(m -> m.startsWith("< PUT") && m.contains("Block1:0/M/BERT"));
            assertThat(received).anyMatch(m -> m.startsWith("> ") && m.contains("Block2:0/M/BERT"));
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
