package dev.tern.coap.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What the browser console reads beyond the RFC 8075 mapping: the CoAP code and options, and the console's CSP. */
class ConsoleHeadersTest {
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

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void responsesCarryTheCoapCodeAndOptions() throws Exception {
        HttpResponse<String> tagged = get("/hc/" + origin.uri("/tagged"));
        assertThat(tagged.headers().firstValue(CoapHeaders.CODE)).hasValue("2.05 Content");
        assertThat(tagged.headers().firstValue(CoapHeaders.OPTIONS)).hasValue("ETag=0x7631, Max-Age=30");
        HttpResponse<String> missing = get("/hc/" + origin.uri("/missing"));
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.headers().firstValue(CoapHeaders.CODE)).hasValue("4.04 Not Found");
        HttpResponse<String> timeout = get("/hc/" + origin.uri("/hold"));
        assertThat(timeout.headers().firstValue(CoapHeaders.CODE)).hasValue("5.04 Gateway Timeout");
    }

    @Test
    void optionValuesStayOneLineOfAsciiAndBounded() {
        Options options = Options.of(Option.ofString(OptionNumber.LOCATION_PATH, "a\"b\r\nc\u00e9"),
                Option.ofEmpty(OptionNumber.IF_NONE_MATCH), Option.ofUint(OptionNumber.CONTENT_FORMAT, 60),
                new Option(65001, Bytes.wrap(new byte[] {1, 2})));
        assertThat(CoapHeaders.describe(options)).isEqualTo(
                "If-None-Match, Location-Path=\"a\\x22b\\x0d\\x0ac\\xc3\\xa9\", Content-Format=60, Option-65001=0x0102");
        Option big = Option.ofString(OptionNumber.LOCATION_PATH, "x".repeat(255));
        Options many = Options.of(java.util.Collections.nCopies(40, big));
        String described = CoapHeaders.describe(many);
        assertThat(described.length()).isLessThanOrEqualTo(CoapHeaders.MAX_CHARS + 5);
        assertThat(described).endsWith(", ...");
    }

    @Test
    void consoleFilesComeWithAContentSecurityPolicy() throws Exception {
        HttpResponse<String> index = get("/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("content-security-policy")).hasValue(StaticFiles.CONTENT_SECURITY_POLICY);
        assertThat(StaticFiles.CONTENT_SECURITY_POLICY).contains("connect-src 'self'").contains("script-src 'self'")
                .doesNotContain("unsafe");
        assertThat(index.headers().firstValue("x-frame-options")).hasValue("DENY");
        assertThat(index.headers().firstValue("access-control-allow-origin")).isEmpty();
    }
}
