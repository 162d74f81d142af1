package dev.tern.coap.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Observe (RFC 7641) as Server-Sent Events through the HTTP gateway. */
class HttpEventStreamTest {
    private final Loopback.Origin origin = new Loopback.Origin();
    private final CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1").build();
    private final HttpGateway gateway = HttpGateway.builder(proxy).maxEventStreams(2).build().start();

    @AfterEach
    void stop() {
        gateway.close();
        proxy.close();
        origin.close();
    }

    private Socket subscribe(String target) throws IOException {
        Socket s = RawHttp.open(gateway.port());
        s.getOutputStream().write(("GET /hc/" + target + " HTTP/1.1\r\nHost: gw\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    /** Reads until {@code count} events have arrived; returns the id and data lines. */
    private static List<String> events(BufferedReader in, int count) throws IOException {
        List<String> lines = new ArrayList<>();
        int events = 0;
        String line;
        while (events < count && (line = in.readLine()) != null) {
            if (line.startsWith("id: ") || line.startsWith("data: ") || line.startsWith("event: ")) {
                lines.add(line);
            } else if (line.isEmpty() && !lines.isEmpty() && !lines.get(lines.size() - 1).isEmpty()) {
                lines.add("");
                events++;
            }
        }
        return lines;
    }

    @Test
    void notificationsArriveAsEventsAndClosingCancelsTheObservation() throws Exception {
        try (Socket s = subscribe(origin.uri("/obs"))) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
            List<String> first = events(in, 1);
            assertThat(first).contains("data: state 0");
            assertThat(origin.observable.observerCount()).isEqualTo(1);
            origin.value.set(1);
            origin.observable.changed();
            assertThat(events(in, 1)).contains("data: state 1");
            origin.value.set(2);
            origin.observable.changed();
            List<String> third = events(in, 1);
            assertThat(third).contains("data: state 2");
            assertThat(third.get(0)).startsWith("id: "); // the Observe number
            assertThat(gateway.eventStreams()).isEqualTo(1);
        }
        // RFC 7641 §3.6: the HTTP client left, the CoAP observation is cancelled
        await().atMost(Duration.ofSeconds(15)).until(() -> origin.observable.observerCount() == 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.eventStreams() == 0);
    }

    @Test
    void aResourceThatIsNotObservableGetsAnOrdinaryResponse() throws Exception {
        try (Socket s = subscribe(origin.uri("/hello"))) {
            String answer = RawHttp.readUntilClosedOrResponse(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 200").contains("Hello []").doesNotContain("event-stream");
        }
        try (Socket s = subscribe(origin.uri("/missing"))) {
            assertThat(RawHttp.readUntilClosedOrResponse(s.getInputStream())).startsWith("HTTP/1.1 404");
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.eventStreams() == 0);
    }

    /** H6: event streams beyond maxEventStreams get 503 at once, and no upstream observation. */
    @Test
    void h6_streamsBeyondTheBoundGet503() throws Exception {
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Socket s = subscribe(origin.uri("/obs"));
                open.add(s);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
            }
            for (int i = 0; i < 5; i++) {
                try (Socket s = subscribe(origin.uri("/obs"))) {
                    assertThat(RawHttp.readUntilClosedOrResponse(s.getInputStream())).startsWith("HTTP/1.1 503");
                }
            }
            assertThat(gateway.eventStreams()).isEqualTo(2);
            assertThat(origin.observable.observerCount()).isEqualTo(1); // the two streams share one observation
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> origin.observable.observerCount() == 0);
    }

    @Test
    void aTargetOffTheAllowListGets403WithoutAnObservation() throws Exception {
        try (Socket s = subscribe("coap://192.0.2.1/obs")) {
            assertThat(RawHttp.readUntilClosedOrResponse(s.getInputStream())).startsWith("HTTP/1.1 403");
        }
        assertThat(gateway.eventStreams()).isZero();
    }

    /** RFC 7641 §5: two event streams for one resource share one observation; the last to leave cancels it. */
    @Test
    void twoStreamsShareOneObservation() throws Exception {
        Socket first = subscribe(origin.uri("/obs"));
        BufferedReader a = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8));
        assertThat(a.readLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(events(a, 1)).contains("data: state 0");
        origin.value.set(1);
        origin.observable.changed();
        assertThat(events(a, 1)).contains("data: state 1");
        long registrations = origin.count("/obs");
        try (Socket second = subscribe(origin.uri("/obs"))) {
            BufferedReader b = new BufferedReader(new InputStreamReader(second.getInputStream(), StandardCharsets.UTF_8));
            assertThat(b.readLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(events(b, 1)).contains("data: state 1"); // the latest state, from the shared relation
            assertThat(origin.observable.observerCount()).isEqualTo(1);
            assertThat(origin.count("/obs")).as("the second stream sent nothing upstream").isEqualTo(registrations);
            origin.value.set(2);
            origin.observable.changed();
            assertThat(events(a, 1)).contains("data: state 2");
            assertThat(events(b, 1)).contains("data: state 2");
            first.close();
            origin.value.set(3);
            origin.observable.changed();
            assertThat(events(b, 1)).contains("data: state 3"); // the second stream keeps the relation
            assertThat(origin.observable.observerCount()).isEqualTo(1);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> origin.observable.observerCount() == 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.eventStreams() == 0);
    }
}
