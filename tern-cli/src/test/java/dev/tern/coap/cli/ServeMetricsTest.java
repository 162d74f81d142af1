package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code tern serve --metrics PORT}: known traffic over UDP on loopback, then {@code /metrics}
 * scraped with {@link HttpClient} (Prometheus text) and {@code /health}.
 */
class ServeMetricsTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> fetch(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void scrapeAfterKnownTrafficAndHealth() throws Exception {
        int metricsPort = freePort();
        Captured c = new Captured(false);
        CommandLine cl = Main.commandLine(c.io);
        ServeCommand serve = (ServeCommand) cl.getSubcommands().get("serve").getCommand();
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> cl.execute("serve", "--port", "0",
                "--bind", "127.0.0.1", "--metrics", Integer.toString(metricsPort)));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> serve.address() != null);
        int port = serve.address().getPort();
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(
                () -> c.err().contains("tern: metrics on http://127.0.0.1:" + metricsPort + "/metrics"));

        HttpResponse<String> health = fetch(metricsPort, "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("UP\n");

        for (int i = 0; i < 3; i++) {
            Captured get = new Captured(false);
            assertThat(get.run("get", "-B", "5", "coap://127.0.0.1:" + port + "/hello")).isZero();
        }
        assertThat(new Captured(false).run("get", "-B", "5", "coap://127.0.0.1:" + port + "/nope")).isEqualTo(4);
        // the same CON GET /hello twice (RFC 7252 §4.5): one request, one duplicate
        byte[] datagram = {0x40, 0x01, 0x77, 0x01, (byte) 0xB5, 'h', 'e', 'l', 'l', 'o'};
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            peer.setSoTimeout(5000);
            for (int i = 0; i < 2; i++) {
                peer.send(new DatagramPacket(datagram, datagram.length, serve.address()));
                peer.receive(new DatagramPacket(new byte[1500], 1500));
            }
        }

        HttpResponse<String> scrape = fetch(metricsPort, "/metrics");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        String text = scrape.body();
        assertThat(text).contains("coap_requests_total{code=\"2.05\",method=\"GET\",route=\"/hello\"} 4.0")
                .contains("coap_requests_total{code=\"4.04\",method=\"GET\",route=\"none\"} 1.0")
                .contains("coap_duplicates_total 1.0")
                .contains("coap_handler_latency_seconds_count{method=\"GET\",route=\"/hello\"} 4")
                .contains("coap_handler_latency_seconds_bucket{method=\"GET\",route=\"/hello\",le=\"")
                .contains("coap_observers 0.0")
                .contains("coap_datagrams_dropped_total{reason=\"malformed\"} 0.0")
                .contains("coap_dtls_sessions 0.0")
                .contains("jvm_memory_used_bytes");
        assertThat(fetch(metricsPort, "/metrics/x").statusCode()).isEqualTo(404);

        serve.stop();
        assertThat(status.get(10, TimeUnit.SECONDS)).isZero();
        assertThatThrownBy(() -> fetch(metricsPort, "/health")).isInstanceOf(ConnectException.class);
    }

    @Test
    void busyMetricsPortFailsBeforeServing() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Captured c = new Captured(false);
            assertThat(c.run("serve", "--port", "0", "--bind", "127.0.0.1", "--metrics",
                    Integer.toString(busy.getLocalPort()))).isEqualTo(1);
            assertThat(c.err()).startsWith("tern: cannot serve metrics on 127.0.0.1 port " + busy.getLocalPort());
        }
    }

    @Test
    void metricsPortOutOfRangeIsAUsageError() {
        Captured c = new Captured(false);
        assertThat(c.run("serve", "--metrics", "70000")).isEqualTo(2);
        assertThat(c.err()).contains("--metrics port must be 0..65535");
    }
}
