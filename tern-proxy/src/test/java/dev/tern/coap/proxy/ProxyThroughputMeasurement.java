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
 * A fresh client per phase (one client may send 65 536 requests per EXCHANGE_LIFETIME to one server,
 * RFC 7252 §4.4), a warm-up round, then {@code -Dtern.rounds} (default 7) rounds in alternating
 * order and the median ratio; besides req/s, the process's CPU time per request (client and origin
 * direct, client and proxy for a hit: the origin is idle then), which other processes on a
 * shared machine blur less. Run with {@code -Dtern.measure=true}.
 */
@EnabledIfSystemProperty(named = "tern.measure", matches = "true")
class ProxyThroughputMeasurement {
    private static final int WINDOW = 32;
    private static final int REQUESTS = 20_000; // per phase and client: below the 65 536 Message IDs of EXCHANGE_LIFETIME

    @Test
    void cachedGetThroughTheProxyAgainstDirect() {
        // an origin that keeps no record of requests (Loopback.Origin's list would cost more than CoAP)
        try (CoapServer origin = CoapServer.builder().port(0).bind("127.0.0.1").service(dev.tern.coap.Router.builder()
                     .get("/hello", r -> Response.content("Hello World!")).build()).build().start();
             CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1").build();
             CoapServer server = Loopback.proxyServer(proxy, null)) {
            String uri = "coap://127.0.0.1:" + origin.port() + "/hello";
            Request direct = Request.get(uri).build();
            Request proxied = Loopback.viaProxy(server, uri).build();
            int rounds = Integer.getInteger("tern.rounds", 7);
            List<Double> ratios = new ArrayList<>();
            List<Double> cpuRatios = new ArrayList<>();
            for (int round = 0; round <= rounds; round++) {
                double[] d;
                double[] p;
                if (round % 2 == 0) {
                    d = rate(direct);
                    p = rate(proxied);
                } else {
                    p = rate(proxied);
                    d = rate(direct);
                }
                System.out.printf("round %d%s: direct %.0f req/s (%.1f us CPU/req), cached via proxy %.0f req/s"
                        + " (%.1f us CPU/req): %.2fx req/s, %.2fx CPU/req (direct/cached)%n",
                        round, round == 0 ? " (warm-up)" : "", d[0], d[1], p[0], p[1], p[0] / d[0], d[1] / p[1]);
                if (round > 0) {
                    ratios.add(p[0] / d[0]);
                    cpuRatios.add(d[1] / p[1]);
                }
            }
            ratios.sort(null);
            cpuRatios.sort(null);
            System.out.printf("median ratio %.2fx req/s, %.2fx CPU per request%n", ratios.get(ratios.size() / 2),
                    cpuRatios.get(cpuRatios.size() / 2));
        }
    }

    /** Requests per second and the process's CPU microseconds per request, with a fresh client. */
    private static double[] rate(Request request) {
        try (CoapClient client = CoapClient.builder()
                .config(EndpointConfig.clientDefaults().toBuilder().nstart(WINDOW).build()).build()) {
            long cpu = cpuNanos();
            double rps = rate(client, request);
            return new double[] {rps, (cpuNanos() - cpu) / 1000.0 / REQUESTS};
        }
    }

    private static long cpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
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
