package dev.tern.coap.interop;

import static java.util.concurrent.CompletableFuture.completedFuture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mbed.coap.packet.BlockSize;
import com.mbed.coap.packet.CoapRequest;
import com.mbed.coap.packet.CoapResponse;
import com.mbed.coap.packet.Opaque;
import com.mbed.coap.server.RouterService;
import com.mbed.coap.server.TcpCoapServer;
import com.mbed.coap.server.observe.ObserversManager;
import com.mbed.coap.transport.javassl.SocketClientTransport;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.tcp.TcpTransports;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.SocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CoAP over TCP (RFC 8323) between Tern ({@code tern-tcp}) and java-coap 6.21 ({@code coap-tcp}) in
 * the same JVM, both directions: CSM exchange (§5.3), GET, a block-wise GET (RFC 7959 over §6),
 * 7.02 Ping / 7.03 Pong (§5.4), Observe (§7), PUT. java-coap comes from Maven, so these tests always run.
 */
@Timeout(60)
class JavaCoapTcpInteropTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final String LARGE = "0123456789abcdef".repeat(200); // 3200 bytes: four 1024-byte blocks
    private static final String HUGE = "0123456789abcdef".repeat(2500); // 40 000 bytes: beyond any one message

    /** java-coap's TCP server (on a test-side listening transport) with /hello and /large. */
    private static com.mbed.coap.server.CoapServer javaCoapServer() throws Exception {
        return TcpCoapServer.builder()
                .transport(new JavaCoapServerTransport())
                .blockSize(BlockSize.S_1024)
                .maxMessageSize(1152)
                .route(RouterService.builder()
                        .get("/hello", req -> completedFuture(CoapResponse.ok("Hello from java-coap").build()))
                        .get("/large", req -> completedFuture(CoapResponse.ok(LARGE).build())))
                .build().start();
    }

    @Test
    void ternClientGetsFromJavaCoapServer() throws Exception {
        com.mbed.coap.server.CoapServer server = javaCoapServer();
        String base = "coap+tcp://127.0.0.1:" + server.getLocalSocketAddress().getPort();
        try (CoapClient client = CoapClient.builder().transport(TcpTransports.client()).build()) {
            Response r = client.call(Request.get(base + "/hello").timeout(TIMEOUT).build());
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isEqualTo("Hello from java-coap");
            Response missing = client.call(Request.get(base + "/nothing").timeout(TIMEOUT).build());
            assertThat(missing.code()).isEqualTo(Code.NOT_FOUND);
        } finally {
            server.stop();
        }
    }

    @Test
    void ternClientGetsALargeBodyBlockwiseFromJavaCoapServer() throws Exception {
        com.mbed.coap.server.CoapServer server = javaCoapServer();
        String base = "coap+tcp://127.0.0.1:" + server.getLocalSocketAddress().getPort();
        try (CoapClient client = CoapClient.builder().transport(TcpTransports.client()).build()) {
            java.util.List<Long> progress = new java.util.concurrent.CopyOnWriteArrayList<>();
            // early negotiation (RFC 7959 §2.4): Block2 NUM 0 SZX 5 (512 bytes) in the first request
            Response r = client.call(Request.get(base + "/large").blockSize(512)
                    .progress((bytes, total) -> progress.add(bytes)).timeout(TIMEOUT).build());
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isEqualTo(LARGE);
            assertThat(progress).as("one step per 512-byte block").hasSize(7);
        } finally {
            server.stop();
        }
    }

    @Test
    void ternClientPingsJavaCoapServer() throws Exception {
        com.mbed.coap.server.CoapServer server = javaCoapServer();
        String base = "coap+tcp://127.0.0.1:" + server.getLocalSocketAddress().getPort();
        try (CoapClient client = CoapClient.builder().transport(TcpTransports.client()).build()) {
            Duration rtt = client.ping(base).get(10, TimeUnit.SECONDS); // 7.02 answered by 7.03 (§5.4)
            assertThat(rtt).isPositive();
        } finally {
            server.stop();
        }
    }

    @Test
    void ternClientObservesJavaCoapServer() throws Exception {
        ObserversManager observers = new ObserversManager();
        com.mbed.coap.server.CoapServer server = TcpCoapServer.builder()
                .transport(new JavaCoapServerTransport())
                .route(RouterService.builder()
                        .get("/obs", observers.then(req -> completedFuture(CoapResponse.ok("state 0").build()))))
                .build();
        observers.init(server); // before start, as java-coap requires
        server.start();
        String base = "coap+tcp://127.0.0.1:" + server.getLocalSocketAddress().getPort();
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (CoapClient client = CoapClient.builder().transport(TcpTransports.client()).build()) {
            Observation obs = client.observe(Request.get(base + "/obs").timeout(TIMEOUT).build(),
                    r -> seen.add(r.payloadString()));
            assertThat(obs.registered().get(10, TimeUnit.SECONDS).payloadString()).isEqualTo("state 0");
            await().atMost(Duration.ofSeconds(10)).until(() -> observers.size() == 1);
            observers.sendObservation("/obs", req -> completedFuture(CoapResponse.ok("state 1").build()));
            observers.sendObservation("/obs", req -> completedFuture(CoapResponse.ok("state 2").build()));
            // RFC 7641 over RFC 8323 §7: notifications without CON/NON, ordered by the Observe number
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("state 2"));
            assertThat(seen).containsExactly("state 0", "state 1", "state 2");
            obs.cancel();
        } finally {
            server.stop();
        }
    }

    /** A Tern coap+tcp server on loopback: GET /hello, GET and PUT /store. */
    private static CoapServer ternServer(AtomicReference<String> stored) {
        return ternServer(stored, new java.util.ArrayList<>());
    }

    /** The same, every message it receives summarised into {@code received}. */
    private static CoapServer ternServer(AtomicReference<String> stored, java.util.List<String> received) {
        Router router = Router.builder()
                .get("/hello", req -> Response.content("Hello from Tern"))
                .get("/store", req -> Response.content(stored.get()))
                .put("/store", req -> {
                    stored.set(req.payload().utf8());
                    return Response.of(Code.CHANGED);
                })
                .build();
        return CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .tracer(new dev.tern.coap.MessageTracer() {
                    @Override
                    public void sent(InetSocketAddress peer, String summary) {
                    }

                    @Override
                    public void received(InetSocketAddress peer, String summary) {
                        received.add(summary);
                    }
                })
                .listener(TcpTransports.builder().port(0).bind(InetAddress.getLoopbackAddress()).buildServer())
                .build().start();
    }

    @Test
    void javaCoapClientGetsAndPutsToTern() throws Exception {
        AtomicReference<String> stored = new AtomicReference<>("empty");
        try (CoapServer tern = ternServer(stored)) {
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    tern.localAddress("coap+tcp").getPort());
            try (com.mbed.coap.client.CoapClient client = TcpCoapServer.builder()
                    .transport(new SocketClientTransport(target, SocketFactory.getDefault(), false))
                    .blockSize(BlockSize.S_1024)
                    .buildClient(target)) {
                CoapResponse hello = client.sendSync(CoapRequest.get("/hello"));
                assertThat(hello.getCode()).isEqualTo(com.mbed.coap.packet.Code.C205_CONTENT);
                assertThat(hello.getPayloadString()).isEqualTo("Hello from Tern");

                CoapResponse put = client.sendSync(CoapRequest.put("/store").payload(Opaque.of("java-coap was here")));
                assertThat(put.getCode()).isEqualTo(com.mbed.coap.packet.Code.C204_CHANGED);
                assertThat(stored.get()).isEqualTo("java-coap was here");
                assertThat(client.sendSync(CoapRequest.get("/store")).getPayloadString()).isEqualTo("java-coap was here");

                assertThat(client.ping().get(10, TimeUnit.SECONDS)).isTrue(); // Tern answers 7.02 with 7.03
            }
        }
    }

    /**
     * java-coap does block-wise transfers only with a peer whose CSM carries Block-Wise-Transfer
     * (RFC 8323 §5.3.2), which Tern now announces: a body above the Max-Message-Size goes in BERT
     * Block1 blocks (SZX 7, §6), also from a java-coap client set to 1024-byte blocks. 40 000 bytes
     * cannot go in one message under Tern's 16 384.
     */
    @Test
    void javaCoapClientPutsALargeBodyToTernBlockwiseAndInBertBlocks() throws Exception {
        AtomicReference<String> stored = new AtomicReference<>("empty");
        java.util.List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (CoapServer tern = ternServer(stored, received)) {
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    tern.localAddress("coap+tcp").getPort());
            for (BlockSize size : new BlockSize[] {BlockSize.S_1024, BlockSize.S_1024_BERT}) {
                received.clear();
                stored.set("empty");
                try (com.mbed.coap.client.CoapClient client = TcpCoapServer.builder()
                        .transport(new SocketClientTransport(target, SocketFactory.getDefault(), false))
                        .blockSize(size).maxMessageSize(8192)
                        .buildClient(target)) {
                    // until Tern's CSM arrives java-coap assumes 1152 (RFC 8323 §5.3.1): the Pong comes after it
                    assertThat(client.ping().get(10, TimeUnit.SECONDS)).isTrue();
                    CoapResponse put = client.sendSync(CoapRequest.put("/store").payload(Opaque.of(HUGE)));
                    assertThat(put.getCode()).isEqualTo(com.mbed.coap.packet.Code.C204_CHANGED);
                    assertThat(stored.get()).isEqualTo(HUGE);
                }
                // java-coap goes BERT whenever both CSMs carry Block-Wise-Transfer, whatever its block size
                assertThat(received).as("Block1 with " + size).anyMatch(m -> m.contains("Block1:0/M/BERT"));
            }
        }
    }

    /** java-coap's TCP server set to BERT blocks, with PUT and GET /store. */
    private static com.mbed.coap.server.CoapServer javaCoapBertServer(AtomicReference<String> stored)
            throws Exception {
        return TcpCoapServer.builder()
                .transport(new JavaCoapServerTransport())
                .blockSize(BlockSize.S_1024_BERT)
                .maxMessageSize(8192)
                .route(RouterService.builder()
                        .put("/store", req -> {
                            stored.set(req.getPayload().toUtf8String());
                            return completedFuture(CoapResponse.of(com.mbed.coap.packet.Code.C204_CHANGED));
                        })
                        .get("/store", req -> completedFuture(CoapResponse.ok(stored.get()).build())))
                .build().start();
    }

    /**
     * BERT both ways between Tern's client and a java-coap server (RFC 8323 §6): Tern's upload goes
     * in BERT Block1 blocks sized by java-coap's Max-Message-Size (8192: 7 KiB blocks), java-coap's
     * response comes back in BERT Block2 blocks.
     */
    @Test
    void ternClientPutsAndGetsBertBlocksWithJavaCoapServer() throws Exception {
        AtomicReference<String> stored = new AtomicReference<>("empty");
        com.mbed.coap.server.CoapServer server = javaCoapBertServer(stored);
        String base = "coap+tcp://127.0.0.1:" + server.getLocalSocketAddress().getPort();
        java.util.List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (CoapClient client = CoapClient.builder().transport(TcpTransports.client())
                .tracer(new dev.tern.coap.MessageTracer() {
                    @Override
                    public void sent(InetSocketAddress peer, String summary) {
                        sent.add(summary);
                    }

                    @Override
                    public void received(InetSocketAddress peer, String summary) {
                        got.add(summary);
                    }
                }).build()) {
            assertThat(client.ping(base).get(10, TimeUnit.SECONDS)).isPositive(); // java-coap's CSM is in
            Response put = client.call(Request.put(base + "/store").payload(HUGE).timeout(TIMEOUT).build());
            assertThat(put.code()).isEqualTo(Code.CHANGED);
            assertThat(stored.get()).isEqualTo(HUGE);
            assertThat(sent).anyMatch(m -> m.contains("Block1:0/M/BERT"));
            Response get = client.call(Request.get(base + "/store").timeout(TIMEOUT).build());
            assertThat(get.payloadString()).isEqualTo(HUGE);
            assertThat(got).anyMatch(m -> m.contains("Block2:0/M/BERT"));
        } finally {
            server.stop();
        }
    }
}
