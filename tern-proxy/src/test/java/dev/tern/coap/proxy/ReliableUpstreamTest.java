package dev.tern.coap.proxy;

import static dev.tern.coap.proxy.Loopback.call;
import static dev.tern.coap.proxy.Loopback.viaProxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Observation;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.spi.ConnectionTransport;
import dev.tern.coap.tcp.TcpTransports;
import dev.tern.coap.tcp.WebSocketTransports;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The reliable schemes of RFC 8323 (coap+tcp, coap+ws) as the proxy's and the gateway's upstream
 * (RFC 7252 §5.7.2 scheme translation), and a proxy that is itself reached over coap+tcp.
 */
class ReliableUpstreamTest {
    private static CoapProxy.Builder proxy() {
        return CoapProxy.builder().allow("127.0.0.1").observeLinger(Duration.ofMillis(100))
                .upstreamTransport(TcpTransports.client()).upstreamTransport(WebSocketTransports.client());
    }

    private static ConnectionTransport tcpServer() {
        return TcpTransports.builder().port(0).bind(InetAddress.getLoopbackAddress()).buildServer();
    }

    private static ConnectionTransport wsServer() {
        return WebSocketTransports.builder().port(0).bind(InetAddress.getLoopbackAddress()).buildServer();
    }

    @Test
    void aUdpClientReachesACoapTcpOriginThroughTheProxyAndTheCacheAnswersTheSecondGet() {
        try (Loopback.Origin origin = new Loopback.Origin(tcpServer());
             CoapProxy proxy = proxy().build();
             CoapServer server = Loopback.proxyServer(proxy, null);
             CoapClient client = CoapClient.create()) {
            assertThat(origin.uri("/hello")).startsWith("coap+tcp://");
            Response r = call(client, viaProxy(server, origin.uri("/hello?x=1")));
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isEqualTo("Hello [x=1]");
            assertThat(call(client, viaProxy(server, origin.uri("/counter"))).payloadString()).isEqualTo("count 1");
            assertThat(call(client, viaProxy(server, origin.uri("/counter"))).payloadString()).isEqualTo("count 1");
            assertThat(origin.count("/counter")).as("the second GET is a cache hit").isEqualTo(1);
            assertThat(call(client, viaProxy(server, origin.uri("/hops"))).payloadString())
                    .as("Hop-Limit goes upstream over TCP too").isEqualTo("hops 16");
        }
    }

    /** The cache key holds the scheme: coap:// and coap+tcp:// on the same host and port are two resources. */
    @Test
    void theCacheKeepsCoapAndCoapTcpTargetsApart() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // free on TCP a moment ago; UDP is a separate port space
        }
        AtomicInteger hits = new AtomicInteger();
        try (CoapServer origin = CoapServer.builder().port(port).bind("127.0.0.1")
                     .service(r -> CompletableFuture.completedFuture(Response.builder(Code.CONTENT)
                             .maxAge(60).payload("hit " + hits.incrementAndGet()).build()))
                     .listener(TcpTransports.builder().port(port).bind(InetAddress.getLoopbackAddress()).buildServer())
                     .build().start();
             CoapProxy proxy = proxy().build();
             CoapServer server = Loopback.proxyServer(proxy, null);
             CoapClient client = CoapClient.create()) {
            assertThat(origin.localAddress("coap+tcp").getPort()).as("one port number, two transports").isEqualTo(port);
            String udp = "coap://127.0.0.1:" + port + "/r";
            String tcp = "coap+tcp://127.0.0.1:" + port + "/r";
            assertThat(call(client, viaProxy(server, udp)).payloadString()).isEqualTo("hit 1");
            assertThat(call(client, viaProxy(server, tcp)).payloadString()).isEqualTo("hit 2");
            assertThat(call(client, viaProxy(server, udp)).payloadString()).isEqualTo("hit 1");
            assertThat(call(client, viaProxy(server, tcp)).payloadString()).isEqualTo("hit 2");
            assertThat(hits).hasValue(2);
            assertThat(proxy.cachedResponses()).isEqualTo(2);
        }
    }

    @Test
    void theLastObserverLeavingCancelsTheRelationOverTcp() {
        try (Loopback.Origin origin = new Loopback.Origin(tcpServer());
             CoapProxy proxy = proxy().build();
             CoapServer server = Loopback.proxyServer(proxy, null);
             CoapClient client = CoapClient.create()) {
            Observation o = observe(client, server, origin, new CopyOnWriteArrayList<>());
            assertThat(origin.observable.observerCount()).isEqualTo(1);
            o.cancel();
            o.ended().orTimeout(10, TimeUnit.SECONDS).join();
            await().atMost(Duration.ofSeconds(10)).until(() -> origin.observable.observerCount() == 0);
            assertThat(proxy.upstreamObservations()).isZero();
        }
    }

    @Test
    void proxySchemeCoapTcpWithUriOptionsIsForwarded() {
        try (Loopback.Origin origin = new Loopback.Origin(tcpServer());
             CoapProxy proxy = proxy().build();
             CoapServer server = Loopback.proxyServer(proxy, null);
             CoapClient client = CoapClient.create()) {
            Response r = call(client, Request.get("coap://127.0.0.1:" + server.port() + "/hello?p=2")
                    .option(Option.ofString(OptionNumber.PROXY_SCHEME, "coap+tcp"))
                    .option(Option.ofString(OptionNumber.URI_HOST, "127.0.0.1"))
                    .option(Option.ofUint(OptionNumber.URI_PORT, origin.port())));
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isEqualTo("Hello [p=2]");
        }
    }

    @Test
    void aUdpClientReachesACoapWsOriginThroughTheProxy() {
        try (Loopback.Origin origin = new Loopback.Origin(wsServer());
             CoapProxy proxy = proxy().build();
             CoapServer server = Loopback.proxyServer(proxy, null);
             CoapClient client = CoapClient.create()) {
            assertThat(origin.uri("/hello")).startsWith("coap+ws://");
            Response r = call(client, viaProxy(server, origin.uri("/hello")));
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isEqualTo("Hello []");
            Response put = call(client, Request.put("coap://127.0.0.1:" + server.port()).payload("stored")
                    .option(Option.ofString(OptionNumber.PROXY_URI, origin.uri("/store"))));
            assertThat(put.code()).isEqualTo(Code.CHANGED);
            assertThat(origin.stored.utf8()).isEqualTo("stored");
        }
    }

    @Test
    void aReverseMappingReachesACoapTcpOrigin() {
        try (Loopback.Origin origin = new Loopback.Origin(tcpServer());
             CoapProxy proxy = proxy().build();
             CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1")
                     .service(proxy.reverse("/dev", origin.uri(""))).build().start();
             CoapClient client = CoapClient.create()) {
            Response r = call(client, Request.get("coap://127.0.0.1:" + server.port() + "/dev/hello?q=3"));
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isEqualTo("Hello [q=3]");
        }
    }

    @Test
    void aSchemeWithoutAnUpstreamClientIs505AndAReliableTargetOffTheAllowListIs403() {
        try (Loopback.Origin origin = new Loopback.Origin(tcpServer());
             CoapProxy bare = CoapProxy.builder().allow("127.0.0.1").build();
             CoapServer plain = Loopback.proxyServer(bare, null);
             CoapProxy closed = CoapProxy.builder().allow("192.0.2.1").upstreamTransport(TcpTransports.client()).build();
             CoapServer guarded = Loopback.proxyServer(closed, null);
             CoapClient client = CoapClient.create()) {
            assertThat(call(client, viaProxy(plain, origin.uri("/hello"))).code()).isEqualTo(Code.PROXYING_NOT_SUPPORTED);
            assertThat(call(client, viaProxy(plain, "coaps+ws://127.0.0.1/hello")).code())
                    .isEqualTo(Code.PROXYING_NOT_SUPPORTED);
            assertThat(call(client, viaProxy(guarded, origin.uri("/hello"))).code()).isEqualTo(Code.FORBIDDEN);
            assertThat(origin.requests).isEmpty();
        }
    }

    @Test
    void aClientReachesTheProxyOverCoapTcp() {
        try (Loopback.Origin udp = new Loopback.Origin();
             Loopback.Origin tcp = new Loopback.Origin(tcpServer());
             CoapProxy proxy = proxy().build();
             CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").proxy(proxy.forward())
                     .listener(tcpServer())
                     .build().start();
             CoapClient client = CoapClient.builder().transport(TcpTransports.client()).build()) {
            String at = "coap+tcp://127.0.0.1:" + server.localAddress("coap+tcp").getPort();
            for (String target : List.of(udp.uri("/hello"), tcp.uri("/hello"))) {
                Response r = call(client, Request.get(at).option(Option.ofString(OptionNumber.PROXY_URI, target)));
                assertThat(r.code()).as(target).isEqualTo(Code.CONTENT);
                assertThat(r.payloadString()).isEqualTo("Hello []");
            }
        }
    }

    /** RFC 8323 §7: the upstream relation ends with its connection; the downstream observers get 5.02. */
    @Test
    void observersOfATcpOriginShareOneRelationAndLearnWhenItsConnectionDrops() {
        Loopback.Origin origin = new Loopback.Origin(tcpServer());
        try (CoapProxy proxy = proxy().build();
             CoapServer server = Loopback.proxyServer(proxy, null);
             CoapClient alice = CoapClient.create();
             CoapClient bob = CoapClient.create()) {
            List<String> a = new CopyOnWriteArrayList<>();
            List<String> b = new CopyOnWriteArrayList<>();
            Observation first = observe(alice, server, origin, a);
            Observation second = observe(bob, server, origin, b);
            assertThat(origin.observable.observerCount()).isEqualTo(1);
            assertThat(origin.count("/obs")).isEqualTo(1);
            origin.value.set(1);
            origin.observable.changed();
            await().atMost(Duration.ofSeconds(10)).until(() -> a.contains("2.05 state 1") && b.contains("2.05 state 1"));

            origin.close(); // the TCP connection to the proxy drops
            first.ended().orTimeout(10, TimeUnit.SECONDS).join();
            second.ended().orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(a).last().isEqualTo("5.02 ");
            assertThat(b).last().isEqualTo("5.02 ");
            assertThat(proxy.upstreamObservations()).isZero();
        } finally {
            origin.close();
        }
    }

    private static Observation observe(CoapClient client, CoapServer server, Loopback.Origin origin, List<String> seen) {
        Observation o = client.observe(viaProxy(server, origin.uri("/obs")).build(),
                r -> seen.add(r.code() + " " + r.payloadString()));
        Response first = o.registered().orTimeout(15, TimeUnit.SECONDS).join();
        assertThat(first.options().observe()).as("registered at the proxy").isPresent();
        return o;
    }

    @Test
    void theGatewayMapsCoapTcpAndCoapWsTargets() throws Exception {
        try (Loopback.Origin tcp = new Loopback.Origin(tcpServer());
             Loopback.Origin ws = new Loopback.Origin(wsServer());
             CoapProxy proxy = proxy().build();
             CoapProxy bare = CoapProxy.builder().allow("127.0.0.1").build();
             HttpGateway gateway = HttpGateway.builder(proxy).build().start();
             HttpGateway without = HttpGateway.builder(bare).build().start()) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> r = get(http, gateway, "/hc/" + tcp.uri("/hello") + "?a=1");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("Hello [a=1]");
            String encoded = URLEncoder.encode(ws.uri("/hello"), StandardCharsets.UTF_8);
            assertThat(encoded).contains("%2B");
            HttpResponse<String> viaQuery = get(http, gateway, "/hc/?target_uri=" + encoded);
            assertThat(viaQuery.statusCode()).isEqualTo(200);
            assertThat(viaQuery.body()).isEqualTo("Hello []");
            assertThat(get(http, gateway, "/hc/" + encoded).body()).as("the whole URI encoded").isEqualTo("Hello []");
            assertThat(get(http, without, "/hc/" + tcp.uri("/hello")).statusCode())
                    .as("no coap+tcp client: 5.05 -> 502").isEqualTo(502);
            assertThat(tcp.count("/hello")).isEqualTo(1);
        }
    }

    /** Observe as Server-Sent Events (the gateway's EventStream) from a coap+tcp origin. */
    @Test
    void anEventStreamFromACoapTcpOrigin() throws Exception {
        try (Loopback.Origin origin = new Loopback.Origin(tcpServer());
             CoapProxy proxy = proxy().build();
             HttpGateway gateway = HttpGateway.builder(proxy).build().start()) {
            try (Socket s = RawHttp.open(gateway.port())) {
                s.getOutputStream().write(("GET /hc/" + origin.uri("/obs") + " HTTP/1.1\r\nHost: gw\r\n"
                        + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                        StandardCharsets.UTF_8));
                assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
                assertThat(dataLine(in)).isEqualTo("data: state 0");
                origin.value.set(1);
                origin.observable.changed();
                assertThat(dataLine(in)).isEqualTo("data: state 1");
                assertThat(origin.observable.observerCount()).isEqualTo(1);
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> origin.observable.observerCount() == 0);
        }
    }

    private static String dataLine(BufferedReader in) throws IOException {
        for (int i = 0; i < 50; i++) {
            String line = in.readLine();
            if (line == null || line.startsWith("data: ")) {
                return line;
            }
        }
        return null;
    }

    private static HttpResponse<String> get(HttpClient http, HttpGateway gateway, String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theBuilderTakesCoapSchemesOnly() {
        CoapProxy.Builder b = CoapProxy.builder();
        try (CoapClient client = CoapClient.create()) {
            assertThatThrownBy(() -> b.upstreamClient("http", client)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> b.upstreamTransport(null)).isInstanceOf(NullPointerException.class);
    }
}
