package dev.tern.coap.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** HTTP-to-CoAP through the gateway (RFC 8075) against a Tern origin on loopback. */
class HttpGatewayTest {
    private final Loopback.Origin origin = new Loopback.Origin();
    private final CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1").upstreamTimeout(Duration.ofSeconds(3)).build();
    private final HttpGateway gateway = HttpGateway.builder(proxy).build().start();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void stop() {
        gateway.close();
        proxy.close();
        origin.close();
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws IOException, InterruptedException {
        return http.send(b.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder at(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + pathAndQuery));
    }

    @Test
    void getMapsTheDefaultUriAndTheContent() throws Exception {
        HttpResponse<String> r = send(at("/hc/" + origin.uri("/hello") + "?a=1"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("Hello [a=1]");
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain;charset=utf-8");
        HttpResponse<String> head = send(at("/hc/" + origin.uri("/hello")).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("content-length")).hasValue("8"); // "Hello []", left out
        assertThat(send(at("/hc/" + origin.uri("/hello"))).body()).isEqualTo("Hello []"); // the connection is still in step
    }

    @Test
    void targetUriFormIsTheSame() throws Exception {
        String encoded = java.net.URLEncoder.encode(origin.uri("/hello"), java.nio.charset.StandardCharsets.UTF_8);
        HttpResponse<String> r = send(at("/hc/?target_uri=" + encoded));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("Hello []");
    }

    @Test
    void notFoundAndMaxAgeAndEtagAreMapped() throws Exception {
        assertThat(send(at("/hc/" + origin.uri("/missing"))).statusCode()).isEqualTo(404);
        HttpResponse<String> counter = send(at("/hc/" + origin.uri("/counter")));
        assertThat(counter.headers().firstValue("cache-control")).hasValue("max-age=30");
        HttpResponse<String> tagged = send(at("/hc/" + origin.uri("/tagged")));
        String etag = tagged.headers().firstValue("etag").orElseThrow();
        assertThat(etag).isEqualTo("\"7631\""); // "v1" in hex
        HttpResponse<String> revalidated = send(at("/hc/" + origin.uri("/tagged")).header("If-None-Match", etag));
        assertThat(revalidated.statusCode()).isEqualTo(304);
    }

    @Test
    void upstreamTimeoutIs504() throws Exception {
        HttpResponse<String> r = send(at("/hc/" + origin.uri("/hold")));
        assertThat(r.statusCode()).isEqualTo(504);
    }

    @Test
    void putPostDeleteAndMediaTypesRoundTrip() throws Exception {
        String store = "/hc/" + origin.uri("/store");
        HttpResponse<String> put = send(at(store).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"a\":1}")));
        assertThat(put.statusCode()).isEqualTo(204); // 2.04 without payload
        assertThat(origin.storedFormat).isEqualTo(50);
        HttpResponse<String> get = send(at(store));
        assertThat(get.body()).isEqualTo("{\"a\":1}");
        assertThat(get.headers().firstValue("content-type")).hasValue("application/json");

        send(at(store).header("Content-Type", "application/x-unknown").PUT(HttpRequest.BodyPublishers.ofString("x")));
        assertThat(origin.storedFormat).isEqualTo(42); // unknown media type: application/octet-stream (RFC 8075 §6.2)
        send(at(store).header("Content-Type", "application/coap-payload; cf=11050").PUT(HttpRequest.BodyPublishers.ofString("y")));
        assertThat(origin.storedFormat).isEqualTo(11050);
        assertThat(send(at(store)).headers().firstValue("content-type")).hasValue("application/coap-payload; cf=11050");

        HttpResponse<String> post = send(at(store).POST(HttpRequest.BodyPublishers.ofString("new")));
        assertThat(post.statusCode()).isEqualTo(201);
        assertThat(post.headers().firstValue("location")).hasValue("/hc/" + origin.uri("/store/1"));
        assertThat(send(at(store).DELETE()).statusCode()).isEqualTo(204);
    }

    @Test
    void largeBodiesGoBlockWiseBothWays() throws Exception {
        String big = "0123456789abcdef".repeat(1250); // 20 000 bytes: Block1 up, Block2 down (RFC 7959)
        String store = "/hc/" + origin.uri("/store");
        HttpResponse<String> put = send(at(store).header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString(big)));
        assertThat(put.statusCode()).isEqualTo(204);
        assertThat(origin.stored.length()).isEqualTo(20_000);
        HttpResponse<String> get = send(at(store));
        assertThat(get.body()).isEqualTo(big);
    }

    @Test
    void malformedTargetsAre400AndOtherMethods405() throws Exception {
        assertThat(send(at("/hc/coap://127.0.0.1:99999/x")).statusCode()).isEqualTo(400);
        assertThat(send(at("/hc/http://127.0.0.1/x")).statusCode()).isEqualTo(400);
        assertThat(send(at("/hc/")).statusCode()).isEqualTo(400);
        assertThat(RawHttp.exchange(gateway.port(), "GET /hc/coap://h/x%zz HTTP/1.1\r\nHost: x\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(RawHttp.exchange(gateway.port(), "GET /hc/coap://h/a\u0001b HTTP/1.1\r\nHost: x\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
        assertThat(send(at("/hc?target_uri=coap%3A%2F%2F%5B%3A%3A1")).statusCode()).isEqualTo(400);
        HttpResponse<String> options = send(at("/hc/" + origin.uri("/hello")).method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(options.statusCode()).isEqualTo(405);
        assertThat(options.headers().firstValue("allow")).isPresent();
    }

    @Test
    void consoleFilesOrNotFoundOutsideTheMapping() throws Exception {
        HttpResponse<String> r = send(at("/../../etc/passwd"));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(send(at("/nothing.html")).statusCode()).isEqualTo(404);
        // a test page beside the console's files (its own name, so the real console's index.html is not shadowed)
        HttpResponse<String> index = send(at("/gateway-test-page.html?x=1"));
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(index.body()).contains("test console");
    }
}
