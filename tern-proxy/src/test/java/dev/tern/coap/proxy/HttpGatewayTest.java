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
}
