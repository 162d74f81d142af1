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
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CoAP-to-HTTP through the forward proxy (RFC 7252 §10.1), with Tern's own HTTP gateway (RFC 8075)
 * in front of a CoAP origin as the HTTP server: CoAP client, proxy, HTTP, gateway, CoAP origin.
 */
class HttpUpstreamTest {
    private final Loopback.Origin origin = new Loopback.Origin();
    private final CoapProxy front = CoapProxy.builder().allow("127.0.0.1").build();
    private final HttpGateway gateway = HttpGateway.builder(front).build().start();
    private final CoapClient client = CoapClient.create();
    private CoapProxy proxy;
    private CoapServer server;

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.close();
            proxy.close();
        }
        gateway.close();
        front.close();
        origin.close();
    }

    private void start(CoapProxy.Builder b) {
        proxy = b.build();
        server = Loopback.proxyServer(proxy, null);
    }

    private String web(String coapPath) {
        return "http://127.0.0.1:" + gateway.port() + "/hc/" + origin.uri(coapPath);
    }

    @Test
    void httpTargetsAre505UnlessEnabled() {
        start(CoapProxy.builder().allow("127.0.0.1"));
        assertThat(call(client, viaProxy(server, web("/hello"))).code()).isEqualTo(Code.PROXYING_NOT_SUPPORTED);
        assertThat(origin.requests).isEmpty();
    }

    @Test
    void getPostAndErrorsMapBackToCoap() {
        start(CoapProxy.builder().allow("127.0.0.1").proxyHttp(true));
        Response hello = call(client, viaProxy(server, web("/hello?x=1")));
        assertThat(hello.code()).isEqualTo(Code.CONTENT);
        assertThat(hello.payloadString()).isEqualTo("Hello [x=1]");
        assertThat(hello.contentFormat()).hasValue(0);
        assertThat(hello.options().maxAge()).hasValue(60);
        Response tagged = call(client, viaProxy(server, web("/tagged")));
        assertThat(tagged.options().etag().map(e -> e.utf8())).hasValue("v1");

        Request.Builder post = Request.post("coap://127.0.0.1:" + server.port())
                .option(Option.ofString(OptionNumber.PROXY_URI, web("/store"))).payload("new");
        Response created = call(client, post);
        assertThat(created.code()).isEqualTo(Code.CREATED);
        assertThat(call(client, viaProxy(server, web("/missing"))).code()).isEqualTo(Code.NOT_FOUND);
        // Proxy-Scheme with Uri-Host/Uri-Port/Uri-Path (RFC 7252 §5.10.2)
        Request.Builder scheme = Request.get("coap://127.0.0.1:" + server.port() + "/hc")
                .options(o -> o.set(OptionNumber.PROXY_SCHEME, "http").set(OptionNumber.URI_HOST, "127.0.0.1")
                        .set(OptionNumber.URI_PORT, gateway.port()));
        assertThat(call(client, scheme).code()).isEqualTo(Code.BAD_REQUEST); // it reached the gateway: no target after /hc
    }

    /** H9: an http target off the allow-list is 4.03; a redirect is not followed (5.02), so it cannot leave the list. */
    @Test
    void h9_httpTargetsStayOnTheAllowList() throws Exception {
        AtomicInteger secretConnections = new AtomicInteger();
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket secret = cannedServer("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret", secretConnections);
             ServerSocket redirector = cannedServer("HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:"
                     + secret.getLocalPort() + "/\r\nContent-Length: 0\r\n\r\n", connections)) {
            start(CoapProxy.builder().allow("127.0.0.1", redirector.getLocalPort()).proxyHttp(true));
            assertThat(call(client, viaProxy(server, web("/hello"))).code()).isEqualTo(Code.FORBIDDEN); // other port
            assertThat(call(client, viaProxy(server, "http://192.0.2.1/x")).code()).isEqualTo(Code.FORBIDDEN);
            assertThat(call(client, viaProxy(server, "http://127.0.0.1:" + secret.getLocalPort() + "/")).code())
                    .isEqualTo(Code.FORBIDDEN);
            Response r = call(client, viaProxy(server, "http://127.0.0.1:" + redirector.getLocalPort() + "/go"));
            assertThat(r.code()).isEqualTo(Code.BAD_GATEWAY);
            assertThat(connections.get()).isEqualTo(1);
            assertThat(secretConnections.get()).as("the redirect was followed off the allow-list").isZero();
        }
        assertThat(origin.requests).isEmpty();
    }

    /** H10: an HTTP upstream body beyond maxHttpBodyBytes is 5.02, never buffered whole. */
    @Test
    void h10_hugeHttpBodiesAre502() throws Exception {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 50000000\r\n\r\n";
        try (ServerSocket flood = cannedServer(head + "x".repeat(200_000), new AtomicInteger())) {
            start(CoapProxy.builder().allow("127.0.0.1").proxyHttp(true).maxHttpBodyBytes(4096));
            Response r = call(client, viaProxy(server, "http://127.0.0.1:" + flood.getLocalPort() + "/big"));
            assertThat(r.code()).isEqualTo(Code.BAD_GATEWAY);
            assertThat(r.payloadString()).contains("4096");
        }
    }

    /** A server on loopback that reads a request head and answers {@code response} on every connection. */
    private static ServerSocket cannedServer(String response, AtomicInteger connections) throws IOException {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!ss.isClosed()) {
                try (Socket s = ss.accept()) {
                    connections.incrementAndGet();
                    InputStream in = s.getInputStream();
                    int state = 0;
                    while (state < 4) {
                        int c = in.read();
                        if (c < 0) {
                            break;
                        }
                        state = (c == '\r' && state % 2 == 0) || (c == '\n' && state % 2 == 1) ? state + 1 : 0;
                    }
                    OutputStream out = s.getOutputStream();
                    out.write(response.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    // closed, or the client went away
                }
            }
        }, "canned-http");
        t.setDaemon(true);
        t.start();
        return ss;
    }
}
