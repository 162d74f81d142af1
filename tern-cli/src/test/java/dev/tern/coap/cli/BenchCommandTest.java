package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code tern bench} against a server in this JVM, and its latency histogram. */
class BenchCommandTest {
    private static CoapServer server;

    @BeforeAll
    static void start() {
        server = CoapServer.builder().port(0).bind("127.0.0.1")
                .service(Router.builder().get("/hello", req -> Response.content("hello")).build())
                .build().start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String hello() {
        return "coap://127.0.0.1:" + server.port() + "/hello";
    }

    @Test
    void reportsThroughputAndPercentiles() {
        Captured c = new Captured(false);
        assertThat(c.run("bench", hello(), "-d", "1s", "--warmup", "200ms", "-c", "2", "-w", "8")).isZero();
        String out = c.out();
        Matcher rps = Pattern.compile("(?m)^requests/s +([0-9.]+)$").matcher(out);
        assertThat(rps.find()).as(out).isTrue();
        assertThat(Double.parseDouble(rps.group(1))).isPositive();
        assertThat(out).contains("2 clients, 8 outstanding, CON");
        for (String p : new String[] {"p50", "p90", "p99", "p99.9", "max"}) {
            Matcher m = Pattern.compile("(?m)^latency " + Pattern.quote(p) + " +([0-9.]+) ms$").matcher(out);
            assertThat(m.find()).as(p + " in " + out).isTrue();
            assertThat(Double.parseDouble(m.group(1))).as(p).isPositive();
        }
        assertThat(c.err()).isEmpty();
    }

    @Test
    void jsonIsOneObjectAndNonWorks() {
        Captured c = new Captured(false);
        assertThat(c.run("bench", hello(), "-d", "500ms", "--warmup", "100ms", "-c", "3", "-w", "2", "--non",
                "--format", "json")).isZero();
        String out = c.out().strip();
        assertThat(out).startsWith("{").endsWith("}}").doesNotContain("\n")
                .contains("\"type\":\"NON\"", "\"clients\":3", "\"latency_us\":{\"p50\":");
        Matcher rps = Pattern.compile("\"requests_per_s\":([0-9.]+)").matcher(out);
        assertThat(rps.find()).isTrue();
        assertThat(Double.parseDouble(rps.group(1))).isPositive();
    }

    @Test
    void silentPortExitsWithTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Captured c = new Captured(false);
            int status = c.run("bench", "coap://127.0.0.1:" + silent.getLocalPort() + "/hello",
                    "-d", "300ms", "--warmup", "100ms", "-c", "1", "-w", "1");
            assertThat(status).isEqualTo(ExitCodes.TIMEOUT);
            assertThat(c.out()).contains("ok (2.xx)");
            assertThat(c.err()).contains("no response");
        }
    }

    @Test
    void badArgumentsAreUsageErrors() {
        assertThat(new Captured(false).run("bench", hello(), "-c", "0")).isEqualTo(ExitCodes.USAGE);
        assertThat(new Captured(false).run("bench", hello(), "-d", "soon")).isEqualTo(ExitCodes.USAGE);
        assertThat(new Captured(false).run("bench", "http://x/")).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void histogramPercentilesAreWithinTwoPercent() {
        Random random = new Random(7);
        long[] samples = new long[200_000];
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < samples.length; i++) {
            // log-uniform from 1 µs to 10 s, in nanoseconds
            samples[i] = Math.round(Math.pow(10, 3 + 7 * random.nextDouble()));
            h.record(samples[i]);
        }
        Arrays.sort(samples);
        for (double p : new double[] {1, 10, 50, 90, 99, 99.9, 99.99, 100}) {
            long exact = samples[(int) Math.ceil(p / 100 * samples.length) - 1];
            assertThat((double) h.percentile(p)).as("p" + p).isCloseTo(exact, within(exact * 0.02));
        }
        assertThat(h.count()).isEqualTo(samples.length);
        assertThat(h.max()).isEqualTo(samples[samples.length - 1]);
    }

    @Test
    void histogramIsExactForSmallValuesAndMerges() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        for (int v = 1; v <= 100; v++) {
            (v % 2 == 0 ? a : b).record(v);
        }
        a.add(b);
        assertThat(a.count()).isEqualTo(100);
        assertThat(a.percentile(50)).isEqualTo(50);
        assertThat(a.percentile(99)).isEqualTo(99);
        assertThat(a.max()).isEqualTo(100);
        assertThat(a.mean()).isEqualTo(50.5);
        assertThat(new LatencyHistogram().percentile(50)).isZero();
        for (long v : new long[] {127, 128, 129, 255, 256, 1_000_003, Long.MAX_VALUE / 3}) {
            long mid = LatencyHistogram.middle(LatencyHistogram.index(v));
            assertThat((double) mid).as("v=" + v).isCloseTo(v, within(v * 0.005));
        }
    }
}
