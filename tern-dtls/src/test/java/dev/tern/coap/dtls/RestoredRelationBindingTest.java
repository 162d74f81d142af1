package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.spi.EncryptedStateFile;
import dev.tern.coap.spi.EndpointMetrics;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FAULTS.md S8: after a restart, a restored observe relation of a DTLS peer belongs to the identity
 * that registered it (RFC 7252 §9.1), not to its address. Another PSK identity that takes the
 * observer's address and port gets none of its notifications; the observer, back with a session of
 * its own identity, gets them again. (Here the observer's handed-over session is taken out of the
 * state, as if it had expired: a session that is restored carries its relation on by itself.)
 */
class RestoredRelationBindingTest {
    private static final byte[] STATE_KEY = "binding test key, 32 bytes long!".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private static final class Sent implements EndpointMetrics {
        final AtomicInteger notifications = new AtomicInteger();

        @Override
        public void notificationSent(boolean confirmable) {
            notifications.incrementAndGet();
        }
    }

    private static CoapServer server(int port, ObservableResource obs, EncryptedStateFile store, Sent sent) {
        DtlsLayer layer = Dtls.server(DtlsConfig.server().pskStore(id -> switch (id) {
            case "dev1" -> "secret1".getBytes(StandardCharsets.UTF_8);
            case "dev2" -> "secret2".getBytes(StandardCharsets.UTF_8);
            default -> null;
        }).build());
        Router router = Router.builder()
                .get("/obs", obs.handler(r -> Response.content("state")), RouteOptions.create().observable())
                .get("/hello", r -> Response.content("hi")).build();
        return CoapServer.builder().bind("127.0.0.1").port(port).security(layer).state(store).metrics(sent)
                .executor(Runnable::run).service(router).build().start();
    }

    private void dropHandedOverSessions() throws Exception {
        try (EncryptedStateFile store = EncryptedStateFile.open(dir, STATE_KEY)) {
            java.util.Map<dev.tern.coap.Bytes, byte[]> records = new java.util.HashMap<>(store.load("dtls.resumption"));
            assertThat(records.keySet().removeIf(k -> k.get(0) == 'E')).isTrue();
            store.save("dtls.resumption", records);
            store.flush();
        }
    }

    private static CoapClient client(InetSocketAddress local, String identity, String key) {
        return CoapClient.builder().bind(local).security(Dtls.client(DtlsConfig.client().psk(identity, key).build()))
                .build();
    }

    @Test
    void s8AnotherIdentityAtTheObserversAddressGetsNoRestoredNotifications() throws Exception {
        InetSocketAddress local;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            local = new InetSocketAddress("127.0.0.1", s.getLocalPort());
        }
        ObservableResource obs1 = ObservableResource.create();
        EncryptedStateFile store1 = EncryptedStateFile.open(dir, STATE_KEY);
        CoapServer first = server(0, obs1, store1, new Sent());
        int port = first.port();
        String base = "coaps://127.0.0.1:" + port;
        CoapClient observer = client(local, "dev1", "secret1");
        observer.observe(Request.get(base + "/obs").build(), r -> { }).registered().get(10, TimeUnit.SECONDS);
        first.close(); // saves the relation of dev1 at local, and hands its session over
        store1.close();
        observer.close();
        dropHandedOverSessions(); // as if the session had expired: the relation is restored unbound

        ObservableResource obs2 = ObservableResource.create();
        Sent sent = new Sent();
        EncryptedStateFile store2 = EncryptedStateFile.open(dir, STATE_KEY);
        try (CoapServer second = server(port, obs2, store2, sent)) {
            assertThat(second.port()).isEqualTo(port);
            await().atMost(Duration.ofSeconds(5)).until(() -> obs2.observerCount() == 1);
            try (CoapClient intruder = client(local, "dev2", "secret2")) {
                assertThat(intruder.get(base + "/hello").payloadString()).isEqualTo("hi");
                obs2.changed();
                assertThat(intruder.get(base + "/hello").payloadString()).isEqualTo("hi");
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                        .until(() -> sent.notifications.get() == 0);
            }
            try (CoapClient back = client(local, "dev1", "secret1")) {
                assertThat(back.get(base + "/hello").payloadString()).isEqualTo("hi");
                obs2.changed();
                await().atMost(Duration.ofSeconds(5)).until(() -> sent.notifications.get() >= 1);
            }
        } finally {
            store2.close();
        }
    }
}
