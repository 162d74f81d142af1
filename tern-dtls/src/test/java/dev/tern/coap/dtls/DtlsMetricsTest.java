package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapSecurityException;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.spi.EndpointMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a DTLS layer tells the endpoint's {@link EndpointMetrics}: handshakes by kind and alert, sessions. */
class DtlsMetricsTest {
    private final Recorder serverMetrics = new Recorder();
    private final Recorder clientMetrics = new Recorder();
    private CoapServer server;

    @BeforeEach
    void start() {
        server = CoapServer.builder().port(0).bind("127.0.0.1")
                .security(Dtls.server(DtlsConfig.server().pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8))
                        .build()))
                .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build())
                .metrics(serverMetrics).build().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String uri() {
        return "coaps://127.0.0.1:" + server.port() + "/hello";
    }

    @Test
    void fullThenAbbreviatedHandshakeAndSessions() {
        DtlsLayer clientLayer = Dtls.client(DtlsConfig.client().psk("dev1", "secret").build());
        try (CoapClient c = CoapClient.builder().security(clientLayer).metrics(clientMetrics).build()) {
            assertThat(c.get(uri()).payloadString()).isEqualTo("Hello World!");
            assertThat(clientMetrics.sessions.get()).isEqualTo(1);
        }
        assertThat(clientMetrics.sessions.get()).isZero(); // closed with the client
        try (CoapClient c = CoapClient.builder().security(clientLayer).metrics(clientMetrics).build()) {
            assertThat(c.get(uri()).payloadString()).isEqualTo("Hello World!");
        }
        assertThat(clientMetrics.events).containsExactly("full", "abbreviated");
        await().atMost(Duration.ofSeconds(5)).until(() -> serverMetrics.events.size() == 2);
        assertThat(serverMetrics.events).containsExactly("full", "abbreviated");
        // each client's close_notify ends its session on the server too
        await().atMost(Duration.ofSeconds(5)).until(() -> serverMetrics.sessions.get() == 0);
    }

    @Test
    void failedHandshakeByAlert() {
        DtlsLayer wrong = Dtls.client(DtlsConfig.client().psk("dev1", "wrong").build());
        try (CoapClient c = CoapClient.builder().security(wrong).metrics(clientMetrics).build()) {
            assertThatThrownBy(() -> c.get(uri())).isInstanceOf(CoapSecurityException.class);
        }
        assertThat(clientMetrics.events).hasSize(1);
        assertThat(clientMetrics.events.get(0)).startsWith("failed ").doesNotContain("other");
        await().atMost(Duration.ofSeconds(5)).until(() -> !serverMetrics.events.isEmpty());
        assertThat(serverMetrics.events.get(0)).isEqualTo("failed decrypt_error");
        assertThat(serverMetrics.sessions.get()).isZero();
    }

    private static final class Recorder implements EndpointMetrics {
        final List<String> events = new CopyOnWriteArrayList<>();
        final AtomicInteger sessions = new AtomicInteger();

        @Override
        public void handshakeCompleted(boolean resumed) {
            events.add(resumed ? "abbreviated" : "full");
        }

        @Override
        public void handshakeFailed(String reason) {
            events.add("failed " + reason);
        }

        @Override
        public void sessionOpened() {
            sessions.incrementAndGet();
        }

        @Override
        public void sessionClosed() {
            sessions.decrementAndGet();
        }
    }
}
