package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapServer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code tern observe} against the plugtest {@code /obs} resources over loopback UDP. */
class ObserveCommandTest {
    private static CoapServer plugtest;

    @BeforeAll
    static void start() {
        plugtest = CoapServer.builder().port(0).bind("127.0.0.1").service(PlugtestResources.router()).build().start();
    }

    @AfterAll
    static void stop() {
        plugtest.close();
    }

    private static String uri(String path) {
        return "coap://127.0.0.1:" + plugtest.port() + path;
    }

    @Test
    void countStopsAfterNNotificationsAndDeregisters() {
        Captured c = new Captured(false);
        long start = System.nanoTime();
        assertThat(c.run("observe", "--count", "2", uri("/obs"))).isZero();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String[] lines = c.out().split("\n");
        assertThat(lines).hasSize(2).allMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d"));
        assertThat(took).isLessThan(ObservePlugtest.PERIOD.multipliedBy(3)); // one change is enough
    }

    @Test
    void jsonLinesCarryTheObserveOption() {
        Captured c = new Captured(false);
        assertThat(c.run("observe", "-c", "1", "--format", "json", uri("/obs-non"))).isZero();
        assertThat(c.out().trim()).startsWith("{\"code\":\"2.05\"").contains("\"name\":\"Observe\"");
    }

    @Test
    void durationEndsObservation() {
        Captured c = new Captured(false);
        assertThat(c.run("observe", "-d", "500ms", uri("/obs"))).isZero();
        // The registration response, and at most one periodic change within 0.5 s.
        assertThat(c.out().split("\n")).hasSizeBetween(1, 2);
    }

    @Test
    void notFoundExits4() {
        Captured c = new Captured(false);
        assertThat(c.run("observe", "-c", "1", uri("/nope"))).isEqualTo(4);
    }

    @Test
    void badDurationIsUsageError() {
        Captured c = new Captured(false);
        assertThat(c.run("observe", "-d", "soon", uri("/obs"))).isEqualTo(2);
    }

    @Test
    void demoTimeTicksOutOfTheBox() {
        try (CoapServer demo = CoapServer.builder().port(0).bind("127.0.0.1").service(DemoResources.router())
                .build().start()) {
            Captured c = new Captured(false);
            long start = System.nanoTime();
            assertThat(c.run("observe", "--count", "3", "coap://127.0.0.1:" + demo.port() + "/time")).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            String[] lines = c.out().split("\n");
            assertThat(lines).hasSize(3).doesNotHaveDuplicates();
            for (String line : lines) {
                assertThat(Instant.parse(line)).isNotNull();
            }
        }
    }

    @Test
    void obsAfterDeleteEndsTheObservationWith404AndComesBack() {
        try (CoapServer own = CoapServer.builder().port(0).bind("127.0.0.1").service(PlugtestResources.router())
                .build().start()) {
            String obs = "coap://127.0.0.1:" + own.port() + "/obs";
            Captured observer = new Captured(false);
            CompletableFuture<Integer> observing = CompletableFuture.supplyAsync(
                    () -> observer.run("observe", "--count", "100", obs));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !observer.out().isEmpty());
            assertThat(new Captured(false).run("delete", obs)).isZero();
            assertThat(observing).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(4); // 4.04 ends it
            // The next periodic change (within 2 s) brings /obs back, and a new observer gets notifications.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> new Captured(false).run("get", obs) == 0);
            Captured again = new Captured(false);
            assertThat(again.run("observe", "--count", "2", obs)).isZero();
        }
    }
}
