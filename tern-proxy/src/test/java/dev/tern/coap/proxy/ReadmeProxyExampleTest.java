package dev.tern.coap.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The proxy example of README.md ("Proxy"), compiled and run. Keep the two in step. */
class ReadmeProxyExampleTest {
    @Test
    void forwardAndReverseProxy() {
        try (CoapServer device = CoapServer.builder().port(0).bind("127.0.0.1")
                .service(Router.builder().get("/temp", r -> Response.content("21.5")).build()).build().start()) {
            String deviceUri = "coap://127.0.0.1:" + device.port();

            // --- README: proxy ---
            CoapProxy proxy = CoapProxy.builder()
                    .allow("127.0.0.1")                    // never an open relay: list the upstreams
                    .maxCacheEntries(1000)                 // Max-Age freshness, ETag validation
                    .upstreamTimeout(Duration.ofSeconds(10))
                    .build();
            CoapServer server = CoapServer.builder()
                    .port(0)
                    .proxy(proxy.forward())                // Proxy-Uri / Proxy-Scheme requests
                    .service(Router.builder()
                            .any("/device/**", proxy.reverse("/device", deviceUri))   // reverse proxy
                            .build())
                    .build()
                    .start();

            try (CoapClient client = CoapClient.create()) {
                String proxyUri = "coap://127.0.0.1:" + server.port();   // a literal: no Uri-Host
                Response forwarded = client.call(Request.get(proxyUri)
                        .option(Option.ofString(OptionNumber.PROXY_URI, deviceUri + "/temp")).build());
                Response reversed = client.get(proxyUri + "/device/temp");
                // --- end ---
                assertThat(forwarded.payloadString()).isEqualTo("21.5");
                assertThat(reversed.payloadString()).isEqualTo("21.5");
            } finally {
                server.close();
                proxy.close();
            }
        }
    }
}
