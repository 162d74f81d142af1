package dev.tern.coap.proxy;

import static dev.tern.coap.proxy.Loopback.call;
import static dev.tern.coap.proxy.Loopback.viaProxy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The forward proxy (RFC 7252 §5.7.2) between a Tern client and a Tern origin over loopback UDP. */
class ForwardProxyTest {
    private final Loopback.Origin origin = new Loopback.Origin();
    private final CoapClient client = CoapClient.create();
    private CoapProxy proxy;
    private CoapServer proxyServer;

    @AfterEach
    void stop() {
        client.close();
        if (proxyServer != null) {
            proxyServer.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        origin.close();
    }

    private void start(CoapProxy.Builder builder) {
        proxy = builder.build();
        proxyServer = Loopback.proxyServer(proxy, null);
    }

    @Test
    void proxyUriGetReachesAnAllowedOriginAndTheAnswerComesBack() {
        start(CoapProxy.builder().allow("127.0.0.1"));
        Response r = call(client, viaProxy(proxyServer, origin.uri("/hello?a=1")));
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.payloadString()).isEqualTo("Hello [a=1]");
        assertThat(origin.count("/hello")).isEqualTo(1);
        Request upstream = origin.requests.get(0);
        assertThat(upstream.options().has(OptionNumber.PROXY_URI)).isFalse();
    }

    @Test
    void proxySchemeWithUriOptionsIsTheOtherFormOfTheTarget() {
        start(CoapProxy.builder().allow("127.0.0.1", origin.server.port()));
        Response r = call(client, Request.get("coap://127.0.0.1:" + proxyServer.port() + "/hello")
                .option(Option.ofString(OptionNumber.PROXY_SCHEME, "coap"))
                .options(b -> b.add(OptionNumber.URI_HOST, "127.0.0.1").add(OptionNumber.URI_PORT,
                        origin.server.port())));
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.payloadString()).isEqualTo("Hello []");
    }

    /** P1: a proxy built without an allow-list is no open relay (RFC 7252 §11.2). */
    @Test
    void p1_withoutAnAllowListEveryForwardIsRefusedAndNothingReachesTheOrigin() {
        start(CoapProxy.builder());
        Response r = call(client, viaProxy(proxyServer, origin.uri("/hello")));
        assertThat(r.code()).isEqualTo(Code.FORBIDDEN);
        assertThat(origin.requests).isEmpty();
    }

    /** P1: another port of an allowed host, and loopback under allowAny, are refused. */
    @Test
    void p1_targetsOffTheAllowListAreRefused() {
        start(CoapProxy.builder().allow("127.0.0.1", origin.server.port() + 1).allow("10.0.0.0/8"));
        assertThat(call(client, viaProxy(proxyServer, origin.uri("/hello"))).code()).isEqualTo(Code.FORBIDDEN);
        proxyServer.close();
        proxy.close();
        start(CoapProxy.builder().allowAny());
        assertThat(call(client, viaProxy(proxyServer, origin.uri("/hello"))).code()).isEqualTo(Code.FORBIDDEN);
        assertThat(call(client, viaProxy(proxyServer, "coap://224.0.1.187/hello")).code())
                .isEqualTo(Code.FORBIDDEN);
        assertThat(origin.requests).isEmpty();
    }

    /**
     * P1: what a reverse mapping fetched (and cached) is not served to a forward request for the
     * same origin when the allow-list does not admit it: the check comes before the cache.
     */
    @Test
    void p1_aCachedReverseResponseIsNotAWayAroundTheAllowList() {
        proxy = CoapProxy.builder().build();
        proxyServer = Loopback.proxyServer(proxy, Router.builder()
                .any("/r/**", proxy.reverse("/r", "coap://127.0.0.1:" + origin.server.port())).build());
        assertThat(call(client, Request.get("coap://127.0.0.1:" + proxyServer.port() + "/r/counter")).payloadString())
                .isEqualTo("count 1");
        assertThat(proxy.cachedResponses()).isEqualTo(1);
        Response forward = call(client, viaProxy(proxyServer, origin.uri("/counter")));
        assertThat(forward.code()).isEqualTo(Code.FORBIDDEN);
        assertThat(forward.payloadString()).doesNotContain("count");
    }

    @Test
    void p3_malformedProxyUriIs400AndAnotherSchemeIs505() {
        start(CoapProxy.builder().allowAny());
        assertThat(call(client, viaProxy(proxyServer, "coap://[::1/x")).code()).isEqualTo(Code.BAD_REQUEST);
        assertThat(call(client, viaProxy(proxyServer, "http://example.org/x")).code())
                .isEqualTo(Code.PROXYING_NOT_SUPPORTED);
        Response noHost = call(client, Request.get("coap://127.0.0.1:" + proxyServer.port() + "/hello")
                .option(Option.ofString(OptionNumber.PROXY_SCHEME, "coap")));
        assertThat(noHost.code()).isEqualTo(Code.BAD_REQUEST);
        assertThat(call(client, viaProxy(proxyServer, "coaps://127.0.0.1/hello")).code())
                .isEqualTo(Code.PROXYING_NOT_SUPPORTED); // no coaps upstream client configured
    }

    @Test
    void anUpstreamThatDoesNotAnswerIs504() {
        start(CoapProxy.builder().allow("127.0.0.1").upstreamTimeout(Duration.ofMillis(300)));
        Response r = call(client, viaProxy(proxyServer, origin.uri("/hold")));
        assertThat(r.code()).isEqualTo(Code.GATEWAY_TIMEOUT);
    }

    /** P4: an upstream that answers every request with RST, or with garbage. */
    @Test
    void p4_anUpstreamThatResetsIs502AndOneThatSendsGarbageIs504() throws Exception {
        start(CoapProxy.builder().allow("127.0.0.1").upstreamTimeout(Duration.ofSeconds(1)));
        try (DatagramSocket rst = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket garbage = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread a = answer(rst, true);
            Thread b = answer(garbage, false);
            assertThat(call(client, viaProxy(proxyServer, "coap://127.0.0.1:" + rst.getLocalPort() + "/x")).code())
                    .isEqualTo(Code.BAD_GATEWAY);
            assertThat(call(client, viaProxy(proxyServer, "coap://127.0.0.1:" + garbage.getLocalPort() + "/x"))
                    .code()).isEqualTo(Code.GATEWAY_TIMEOUT);
            a.interrupt();
            b.interrupt();
        }
        assertThat(call(client, viaProxy(proxyServer, origin.uri("/hello"))).code()).isEqualTo(Code.CONTENT);
    }

    /** Answers each datagram with an RST carrying its Message ID, or with random bytes. */
    private static Thread answer(DatagramSocket socket, boolean reset) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[2048];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    byte[] out = reset ? new byte[] {0x70, 0, buf[2], buf[3]}
                            : new byte[] {(byte) 0xFF, 0x13, 0x37, 0x42, 0x00, (byte) 0xC0};
                    socket.send(new DatagramPacket(out, out.length, p.getSocketAddress()));
                } catch (java.io.IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Test
    void reverseProxyMapsAPathPrefixToTheOrigin() {
        proxy = CoapProxy.builder().build(); // no allow-list: the reverse origin is the operator's
        proxyServer = Loopback.proxyServer(proxy, Router.builder()
                .any("/r/**", proxy.reverse("/r", "coap://127.0.0.1:" + origin.server.port())).build());
        Response r = call(client, Request.get("coap://127.0.0.1:" + proxyServer.port() + "/r/hello?q=2"));
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.payloadString()).isEqualTo("Hello [q=2]");
        assertThat(call(client, Request.get("coap://127.0.0.1:" + proxyServer.port() + "/r/missing")).code())
                .isEqualTo(Code.NOT_FOUND);
    }

    @Test
    void hopLimitIsInsertedAt16AndDecremented() {
        start(CoapProxy.builder().allow("127.0.0.1"));
        assertThat(call(client, viaProxy(proxyServer, origin.uri("/hops"))).payloadString()).isEqualTo("hops 16");
        // another query each time: the same URI would be a cache hit (Hop-Limit is not in the cache key)
        assertThat(call(client, viaProxy(proxyServer, origin.uri("/hops?2")).options(b -> b.hopLimit(5)))
                .payloadString()).isEqualTo("hops 4");
        Response last = call(client, viaProxy(proxyServer, origin.uri("/hops?3")).options(b -> b.hopLimit(1)));
        assertThat(last.code()).isEqualTo(Code.HOP_LIMIT_REACHED);
        assertThat(origin.count("/hops")).isEqualTo(2);
    }
}
