package dev.tern.coap.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A rough figure for BENCHMARKS.md, not a regression test: GETs per second from one client with 32
 * requests outstanding, direct to the origin and through the proxy with every answer a cache hit.
 * Run with {@code -Dtern.measure=true}.
 */
@EnabledIfSystemProperty(named = "tern.measure", matches = "true")
class ProxyThroughputMeasurement {
    private static final int WINDOW = 32;
    private static final int REQUESTS = 20_000; // 3 rounds stay below the 65 536 Message IDs of EXCHANGE_LIFETIME

    @Test
    void cachedGetThroughTheProxyAgainstDirect() {
        // an origin that keeps no record of requests (Loopback.Origin's list would cost more than CoAP)
        try (CoapServer origin = CoapServer.builder().port(0).bind("127.0.0.1").service(dev.tern.coap.Router.builder()
                     .get("/hello", r -> Response.content("Hello World!")).build()).build().start();
             CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1").build();
             CoapServer server = Loopback.proxyServer(proxy, null);
             CoapClient client = CoapClient.builder()
                     .config(EndpointConfig.clientDefaults().toBuilder().nstart(WINDOW).build()).build()) {
            String uri = "coap://127.0.0.1:" + origin.port() + "/hello";
            Request direct = Request.get(uri).build();
            Request proxied = Loopback.viaProxy(server, uri).build();
            for (int round = 0; round < 3; round++) {
                double d = rate(client, direct);
                double p = rate(client, proxied);
                System.out.printf("round %d: direct %.0f req/s, cached via proxy %.0f req/s (%.2fx)%n",
                        round, d, p, p / d);
            }
        }
    }

    private static double rate(CoapClient client, Request request) {
        long start = System.nanoTime();
        List<CompletableFuture<Response>> window = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            window.add(client.send(request));
            if (window.size() == WINDOW) {
                window.forEach(f -> assertThat(f.orTimeout(60, TimeUnit.SECONDS).join().code()).isEqualTo(Code.CONTENT));
                window.clear();
            }
        }
        window.forEach(f -> f.orTimeout(60, TimeUnit.SECONDS).join());
        return REQUESTS / ((System.nanoTime() - start) / 1e9);
    }
}
