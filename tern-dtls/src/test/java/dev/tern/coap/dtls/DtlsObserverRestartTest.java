package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.spi.EncryptedStateFile;
import dev.tern.coap.spi.EndpointMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Tern observer over DTLS across a graceful restart of the server (issue 10 part 2): the device's
 * session is handed over through the state file, so the restored relation binds to it at once and
 * notifies with no handshake, and the Observe numbers go on above those sent before the restart
 * (RFC 7641 §4.4), so the client takes every notification as fresh.
 */
class DtlsObserverRestartTest {
    private static final byte[] KEY = "dtls observer restart key 32 b!!".getBytes(StandardCharsets.US_ASCII);
    private final AtomicInteger value = new AtomicInteger();

    @TempDir
    Path dir;

    private static final class Handshakes implements EndpointMetrics {
        final AtomicInteger full = new AtomicInteger();
        final AtomicInteger abbreviated = new AtomicInteger();

        @Override
        public void handshakeCompleted(boolean resumed) {
            (resumed ? abbreviated : full).incrementAndGet();
        }
    }

    private CoapServer server(int port, ObservableResource obs, EncryptedStateFile store, Handshakes h) {
        Router router = Router.builder().get("/obs", obs.handler(r -> Response.builder(dev.tern.coap.Code.CONTENT)
                .payload("v" + value.get()).maxAge(1).build()), RouteOptions.create().observable()).build();
        return CoapServer.builder().bind("127.0.0.1").port(port).executor(Runnable::run).metrics(h).state(store)
                .security(Dtls.server(DtlsConfig.server().pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8))
                        .build()))
                .service(router).build().start();
    }

    @Test
    void dtlsObserverGoesOnWithLargerObserveNumbersWithoutAHandshake() throws Exception {
        ObservableResource obs1 = ObservableResource.create();
        EncryptedStateFile store1 = EncryptedStateFile.open(dir, KEY);
        CoapServer first = server(0, obs1, store1, new Handshakes());
        int port = first.port();
        List<Response> seen = new CopyOnWriteArrayList<>();
        try (CoapClient client = CoapClient.builder()
                .security(Dtls.client(DtlsConfig.client().psk("dev1", "secret").build())).build()) {
            Observation o = client.observe(Request.get("coaps://127.0.0.1:" + port + "/obs").build(), seen::add);
            o.registered().get(10, TimeUnit.SECONDS);
            value.set(1);
            obs1.changed();
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream().anyMatch(r -> r.payloadString().equals("v1")));
            int before = seen.get(seen.size() - 1).options().observe().orElseThrow();
            first.close();
            store1.close();

            ObservableResource obs2 = ObservableResource.create();
            Handshakes after = new Handshakes();
            EncryptedStateFile store2 = EncryptedStateFile.open(dir, KEY);
            value.set(2);
            try (CoapServer second = server(port, obs2, store2, after)) {
                assertThat(second.port()).isEqualTo(port);
                // the restored relation's first notification goes out under the handed-over session
                await().atMost(Duration.ofSeconds(15)).until(() -> seen.stream().anyMatch(r -> r.payloadString().equals("v2")));
                value.set(3);
                obs2.changed();
                await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream().anyMatch(r -> r.payloadString().equals("v3")));
                Response v2 = seen.stream().filter(r -> r.payloadString().equals("v2")).findFirst().orElseThrow();
                Response v3 = seen.stream().filter(r -> r.payloadString().equals("v3")).findFirst().orElseThrow();
                assertThat(v2.options().observe().orElseThrow()).isGreaterThan(before);
                assertThat(v3.options().observe().orElseThrow()).isGreaterThan(v2.options().observe().orElseThrow());
                assertThat(o.isActive()).isTrue();
                assertThat(obs2.observerCount()).isEqualTo(1);
                assertThat(after.full.get()).as("full handshakes after the restart").isZero();
                assertThat(after.abbreviated.get()).as("abbreviated handshakes after the restart").isZero();
            } finally {
                store2.close();
            }
        }
    }
}
