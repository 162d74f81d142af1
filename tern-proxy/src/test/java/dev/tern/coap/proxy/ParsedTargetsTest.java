package dev.tern.coap.proxy;

import static dev.tern.coap.proxy.Loopback.call;
import static dev.tern.coap.proxy.Loopback.viaProxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.Code;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Targets parsed once and kept per request string ({@link CoapProxy.Builder#maxParsedTargets}),
 * the allow-list still deciding every request, and the gateway answering pipelined HTTP requests in
 * order without pausing reads between unpipelined ones.
 */
class ParsedTargetsTest {
    private final Loopback.Origin origin = new Loopback.Origin();
    private final CoapClient client = CoapClient.builder().build();
    private CoapProxy proxy;
    private CoapServer server;
    private HttpGateway gateway;

    @AfterEach
    void stop() {
        client.close();
        if (gateway != null) {
            gateway.close();
        }
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        origin.close();
    }

    private void start(CoapProxy.Builder b) {
        proxy = b.allow("127.0.0.1").upstreamTimeout(Duration.ofSeconds(5)).build();
        server = Loopback.proxyServer(proxy, null);
    }

    /** T1: 300 distinct Proxy-Uris keep at most maxParsedTargets parsed targets, and every one is answered. */
    @Test
    void t1_distinctTargetsStayWithinTheBound() {
        start(CoapProxy.builder().maxParsedTargets(16).maxCacheEntries(0));
        for (int i = 0; i < 300; i++) {
            assertThat(call(client, viaProxy(server, origin.uri("/hello?n=" + i))).payload().utf8())
                    .isEqualTo("Hello [n=" + i + "]");
            assertThat(proxy.parsedTargets()).isLessThanOrEqualTo(16);
        }
    }

    /** T2: a kept target off the allow-list is refused every time; an allowed one is parsed once. */
    @Test
    void t2_theAllowListDecidesEveryRequestOfAKeptTarget() {
        start(CoapProxy.builder().maxCacheEntries(0));
        String off = "coap://127.0.0.2:" + origin.server.port() + "/hello";
        for (int i = 0; i < 3; i++) {
            assertThat(call(client, viaProxy(server, off)).code()).isEqualTo(Code.FORBIDDEN);
            Response ok = call(client, viaProxy(server, origin.uri("/hello")));
            assertThat(ok.payload().utf8()).isEqualTo("Hello []");
        }
        assertThat(proxy.parsedTargets()).isEqualTo(2);
        assertThat(origin.count("/hello")).isEqualTo(3);
    }

    /** T3: pipelined HTTP requests get their responses in order, the slow CoAP one first. */
    @Test
    void t3_pipelinedResponsesStayInOrder() throws Exception {
        proxy = CoapProxy.builder().allow("127.0.0.1").upstreamTimeout(Duration.ofSeconds(5)).build();
        gateway = HttpGateway.builder(proxy).build().start();
        String held = "GET /hc/" + origin.uri("/hold") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        String hello = "GET /hc/" + origin.uri("/hello?b") + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        String missing = "GET /nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        try (Socket s = RawHttp.open(gateway.port())) {
            OutputStream out = s.getOutputStream();
            out.write((held + hello + missing).getBytes(StandardCharsets.US_ASCII)); // one segment: pipelined
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> origin.held.size() == 1);
            origin.held.get(0).complete(Response.content("released"));
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            assertThat(readOne(in)).startsWith("HTTP/1.1 200").endsWith("released");
            assertThat(readOne(in)).startsWith("HTTP/1.1 200").endsWith("Hello [b]");
            assertThat(readOne(in)).startsWith("HTTP/1.1 404");
        }
    }

    /**
     * T4: 100 GETs pipelined in one write are all answered, in order, on the one connection; past
     * 128 unanswered ones Netty's decoder (maxPipelineDepth) ends the connection, which bounds the
     * requests that wait.
     */
    @Test
    void t4_aPipelinedFloodIsAnsweredInOrder() throws Exception {
        proxy = CoapProxy.builder().allow("127.0.0.1").upstreamTimeout(Duration.ofSeconds(5)).build();
        gateway = HttpGateway.builder(proxy).build().start();
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            all.append("GET /hc/").append(origin.uri("/hello?n=" + i)).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        }
        try (Socket s = RawHttp.open(gateway.port())) {
            s.getOutputStream().write(all.toString().getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            for (int i = 0; i < 100; i++) {
                String r = readOne(in);
                assertThat(r).as("response %d", i).startsWith("HTTP/1.1 200").endsWith("Hello [n=" + i + "]");
            }
        }
    }

    /** Reads exactly one response (head, then Content-Length bytes of body). */
    private static String readOne(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return head.toString();
            }
            head.append((char) c);
        }
        String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
        int cl = lower.indexOf("content-length:");
        int length = Integer.parseInt(lower.substring(cl + 15, lower.indexOf('\r', cl)).trim());
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }
}
