package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.tcp.TlsConfig;
import dev.tern.coap.tcp.WebSocketTransports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * CoAP over WebSockets (RFC 8323 §4) against libcoap 4.3.4 (the first libcoap with it; its
 * {@code -notls} build has no WebSockets, so the OpenSSL build is used), both directions: its
 * client against a Tern {@code coap+ws} listener, Tern's client against its server ({@code -w port});
 * and {@code coaps+ws} both ways with X.509.
 */
@Timeout(120)
class LibcoapWebSocketInteropTest {
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(30);
    private static Path bin;

    @BeforeAll
    static void libcoap434Present() {
        bin = Peers.libcoap434("coap-client-openssl", "coap-server-openssl");
    }

    private static String tool(String name) {
        return bin.resolve(name).toString();
    }

    static int freeTcpPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void libcoapClientGetsAndObservesFromTernOverWebSocket() {
        ObservableResource counter = ObservableResource.create();
        AtomicInteger count = new AtomicInteger();
        Router router = Router.builder()
                .get("/hello", req -> Response.content("Hello World!"))
                .get("/counter", counter.handler(req -> Response.content("n=" + count.get())))
                .build();
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .listener(WebSocketTransports.builder().bind(InetAddress.getLoopbackAddress()).port(0).buildServer())
                .build().start()) {
            String base = "coap+ws://127.0.0.1:" + server.localAddress("coap+ws").getPort();
            Peers.Result r = Peers.run(PROCESS_TIMEOUT, List.of(tool("coap-client-openssl"), base + "/hello"));
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(r.out().strip()).as("%s", r).isEqualTo("Hello World!");

            Thread changer = new Thread(() -> {
                for (int i = 1; i <= 3; i++) {
                    try {
                        Thread.sleep(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                    count.set(i);
                    counter.changed();
                }
            });
            changer.start();
            Peers.Result o = Peers.run(PROCESS_TIMEOUT, List.of(tool("coap-client-openssl"), "-s", "3",
                    base + "/counter"));
            changer.interrupt();
            assertThat(o.out()).as("%s", o).contains("n=0", "n=1", "n=2");
        }
    }

    @Test
    void secureWebSocketBothWays(@TempDir Path dir) {
        InteropPki pki = new InteropPki(dir, "libcoap-client");
        TlsConfig serverTls = TlsConfig.builder().identity(pki.serverKeys.getPrivate(), pki.serverChain()).build();
        Router router = Router.builder().get("/hello", req -> Response.content("Hello World!")).build();
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .listener(WebSocketTransports.builder().tls(serverTls).bind(InetAddress.getLoopbackAddress()).port(0)
                        .buildServer())
                .build().start()) {
            String uri = "coaps+ws://127.0.0.1:" + server.localAddress("coaps+ws").getPort() + "/hello";
            Peers.Result r = Peers.run(PROCESS_TIMEOUT, List.of(tool("coap-client-openssl"), "-B", "5", "-C",
                    pki.file("ca.pem"), uri));
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(r.out().strip()).as("%s", r).isEqualTo("Hello World!");
        }
        int ws = freeTcpPort();
        int wss = freeTcpPort();
        TlsConfig clientTls = TlsConfig.builder().trust(List.of(pki.ca)).build();
        try (Peers.Daemon libcoap = Peers.Daemon.start(null, List.of(tool("coap-server-openssl"), "-A", "127.0.0.1",
                "-p", Integer.toString(Peers.freeUdpPortPair()), "-w", ws + "," + wss, "-c", pki.file("server.pem"),
                "-j", pki.file("server.key")));
             CoapClient client = CoapClient.builder()
                     .transport(WebSocketTransports.builder().tls(clientTls).buildClient()).build()) {
            // libcoap 4.3.4 reads one WebSocket frame per TLS record: Tern flushes each frame on its own
            String base = "coaps+ws://127.0.0.1:" + wss;
            Response index = Awaitility.await("coap-server-openssl on " + base).atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                    .failFast("coap-server-openssl exited", () -> !libcoap.isAlive())
                    .until(() -> client.get(base + "/", Duration.ofSeconds(3)), Response::isSuccess);
            assertThat(index.payloadString()).as("%s", libcoap).contains("libcoap");
        }
    }

    @Test
    void ternClientGetsAndObservesFromLibcoapOverWebSocket() throws Exception {
        int port = freeTcpPort();
        try (Peers.Daemon server = Peers.Daemon.start(null, List.of(tool("coap-server-openssl"), "-A", "127.0.0.1",
                "-p", Integer.toString(freeTcpPort()), "-w", Integer.toString(port)));
             CoapClient client = CoapClient.builder().transport(WebSocketTransports.client()).build()) {
            String base = "coap+ws://127.0.0.1:" + port;
            Response index = Awaitility.await("coap-server-openssl on " + base).atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .failFast("coap-server-openssl exited", () -> !server.isAlive())
                    .until(() -> client.get(base + "/", Duration.ofSeconds(2)), Response::isSuccess);
            assertThat(index.code()).isEqualTo(Code.CONTENT);
            assertThat(index.payloadString()).as("%s", server).contains("libcoap");

            List<Response> seen = new CopyOnWriteArrayList<>();
            Observation o = client.observe(Request.get(base + "/time").build(), seen::add);
            o.registered().get();
            // libcoap's /time notifies once a second
            Awaitility.await("two /time notifications").atMost(Duration.ofSeconds(15)).until(() -> seen.size() >= 2);
            assertThat(seen).allMatch(Response::isSuccess);
            o.cancel();
        }
    }
}
