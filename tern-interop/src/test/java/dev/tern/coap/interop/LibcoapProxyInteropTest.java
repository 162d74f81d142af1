package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.cli.DemoResources;
import dev.tern.coap.Observation;
import dev.tern.coap.proxy.CoapProxy;
import dev.tern.coap.tcp.TcpTransports;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tern's CoAP proxy (RFC 7252 §5.7.2) with libcoap 4.3 on both sides: libcoap's client
 * ({@code coap-client-notls -P}) through Tern to a libcoap and to a Tern origin, and Tern's client
 * through Tern to libcoap's example server. Skipped when the binaries are missing unless
 * {@code TERN_INTEROP_REQUIRED=1}.
 */
@Timeout(60)
class LibcoapProxyInteropTest {
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(20);

    private CoapProxy proxy;
    private CoapServer proxyServer;
    private CoapServer ternOrigin;
    private Peers.Daemon libcoapOrigin;
    private int libcoapPort;

    @BeforeAll
    static void libcoapPresent() {
        Peers.requirePeer(Peers.onPath("coap-client-notls").isPresent() && Peers.onPath("coap-server-notls").isPresent(),
                "coap-client-notls and coap-server-notls (Debian package libcoap3-bin) are not on the PATH");
    }

    @BeforeEach
    void start() {
        libcoapPort = Peers.freeUdpPort();
        libcoapOrigin = Peers.startLibcoapServer(libcoapPort);
        ternOrigin = CoapServer.builder().port(0).bind("127.0.0.1").service(DemoResources.router()).build().start();
        proxy = CoapProxy.builder().allow("127.0.0.1").upstreamTransport(TcpTransports.client()).build();
        proxyServer = CoapServer.builder().port(0).bind("127.0.0.1").proxy(proxy.forward()).build().start();
    }

    @AfterEach
    void stop() {
        proxyServer.close();
        proxy.close();
        ternOrigin.close();
        libcoapOrigin.close();
    }

    private Peers.Result libcoapClientViaProxy(String target) {
        return Peers.run(PROCESS_TIMEOUT, List.of("coap-client-notls", "-B", "10",
                "-P", "coap://127.0.0.1:" + proxyServer.port(), target));
    }

    @Test
    void libcoapClientThroughTernToATernOrigin() {
        Peers.Result r = libcoapClientViaProxy("coap://127.0.0.1:" + ternOrigin.port() + "/hello");
        assertThat(r.out()).as(r.toString()).contains("Hello World!");
    }

    @Test
    void libcoapClientThroughTernToALibcoapOrigin() {
        Peers.Result r = libcoapClientViaProxy("coap://127.0.0.1:" + libcoapPort + "/");
        assertThat(r.out()).as(r.toString()).contains("libcoap");
    }

    @Test
    void ternClientThroughTernToALibcoapOriginThenFromTheCache() {
        try (CoapClient client = CoapClient.create()) {
            Request get = Request.get("coap://127.0.0.1:" + proxyServer.port())
                    .option(Option.ofString(OptionNumber.PROXY_URI, "coap://127.0.0.1:" + libcoapPort + "/"))
                    .timeout(Duration.ofSeconds(10)).build();
            Response first = client.call(get);
            assertThat(first.code()).isEqualTo(Code.CONTENT);
            assertThat(first.payloadString()).contains("libcoap");
            assertThat(proxy.cachedResponses()).isEqualTo(1);
            Response second = client.call(get);
            assertThat(second.payload()).isEqualTo(first.payload());
        }
    }

    /** RFC 8323 scheme translation: coap (downstream) to coap+tcp (libcoap's server listens on TCP too). */
    @Test
    void ternClientThroughTernToALibcoapCoapTcpOriginThenFromTheCache() {
        try (CoapClient client = CoapClient.create()) {
            Request get = Request.get("coap://127.0.0.1:" + proxyServer.port())
                    .option(Option.ofString(OptionNumber.PROXY_URI, "coap+tcp://127.0.0.1:" + libcoapPort + "/"))
                    .timeout(Duration.ofSeconds(10)).build();
            Response first = client.call(get);
            assertThat(first.code()).isEqualTo(Code.CONTENT);
            assertThat(first.payloadString()).contains("libcoap");
            assertThat(proxy.cachedResponses()).isEqualTo(1);
            assertThat(client.call(get).payload()).isEqualTo(first.payload());
        }
    }

    @Test
    void libcoapClientThroughTernToALibcoapCoapTcpOrigin() {
        Peers.Result r = libcoapClientViaProxy("coap+tcp://127.0.0.1:" + libcoapPort + "/");
        assertThat(r.out()).as(r.toString()).contains("libcoap");
    }

    /**
     * Observe /time of libcoap over coap+tcp through the proxy; killing libcoap ends the upstream
     * relation with its connection (RFC 8323 §7) and the downstream observer gets 5.02.
     */
    @Test
    void anObservationOfALibcoapCoapTcpOriginEndsWhenItsConnectionDrops() throws InterruptedException {
        List<String> seen = new CopyOnWriteArrayList<>();
        try (CoapClient client = CoapClient.create()) {
            Observation o = client.observe(Request.get("coap://127.0.0.1:" + proxyServer.port())
                    .option(Option.ofString(OptionNumber.PROXY_URI, "coap+tcp://127.0.0.1:" + libcoapPort + "/time"))
                    .timeout(Duration.ofSeconds(10)).build(), r -> seen.add(r.code().toString()));
            assertThat(o.registered().orTimeout(15, TimeUnit.SECONDS).join().options().observe()).isPresent();
            assertThat(proxy.upstreamObservations()).isEqualTo(1);
            libcoapOrigin.kill(); // no 4.04 on shutdown (SIGTERM would send one): the TCP connection just drops
            o.ended().orTimeout(15, TimeUnit.SECONDS).join();
            assertThat(seen).last().isEqualTo("5.02");
            assertThat(proxy.upstreamObservations()).isZero();
        }
    }
}
