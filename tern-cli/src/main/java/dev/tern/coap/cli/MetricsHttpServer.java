package dev.tern.coap.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tern.coap.micrometer.TernMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * {@code tern serve --metrics PORT}: Prometheus text on {@code http://ADDR:PORT/metrics} (the
 * server's {@link TernMetrics} and a few JVM meters) and {@code /health} (200 {@code UP} while the
 * CoAP endpoints run, else 503 {@code DOWN}), on the JDK's HTTP server with one thread.
 */
final class MetricsHttpServer implements AutoCloseable {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Every request timed: over a socket its two clock reads are a few per cent of a request. */
    private final TernMetrics metrics = TernMetrics.builder(registry).latencySampling(1).build();
    private final HttpServer http;

    /** Binds {@code address} (throws {@link IOException} when it cannot); serves once {@link #start()}ed. */
    MetricsHttpServer(InetSocketAddress address, BooleanSupplier up) throws IOException {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        http = HttpServer.create(address, 16);
        http.createContext("/metrics", exchange -> {
            if (allowed(exchange)) {
                reply(exchange, 200, PROMETHEUS_TEXT, registry.scrape());
            }
        });
        http.createContext("/health", exchange -> {
            if (allowed(exchange)) {
                boolean ok = up.getAsBoolean();
                reply(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? "UP\n" : "DOWN\n");
            }
        });
    }

    /** What the CoAP servers report to. */
    TernMetrics metrics() {
        return metrics;
    }

    /** Starts answering HTTP requests. */
    MetricsHttpServer start() {
        http.start();
        return this;
    }

    /** The bound address. */
    InetSocketAddress address() {
        return http.getAddress();
    }

    @Override
    public void close() {
        http.stop(0);
        registry.close();
    }

    /** GET and HEAD on the exact path; anything else 405 or 404. */
    private static boolean allowed(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (!exchange.getRequestURI().getPath().equals(exchange.getHttpContext().getPath())) {
            reply(exchange, 404, "text/plain; charset=utf-8", "not found\n");
            return false;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            reply(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
            return false;
        }
        return true;
    }

    private static void reply(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }
}
