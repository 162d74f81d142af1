package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.spi.EncryptedStateFile;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restarted client application takes back its observations (issue 10 part 2, RFC 7641 §3): the
 * notifications of the saved token reach the new client's listener (no RST, which would end the
 * relation, §3.6), and it can cancel the observation (§3.6: GET with Observe=1 and the same token).
 * An observation listener hears of the restored observation once its first notification arrives.
 */
class ClientRestartTest {
    private static final byte[] KEY = "client state key, 32 bytes long!".getBytes(StandardCharsets.US_ASCII);
    private final AtomicInteger value = new AtomicInteger();

    @TempDir
    Path dir;

    @Test
    void restartedClientStillReceivesAndCancels() throws Exception {
        ObservableResource obs = ObservableResource.create();
        Router router = Router.builder().get("/obs", obs.handler(r -> Response.content("v" + value.get())),
                RouteOptions.create().observable()).build();
        try (CoapServer server = CoapServer.builder().bind("127.0.0.1").port(0).service(router).build().start()) {
            String uri = "coap://127.0.0.1:" + server.port() + "/obs";
            int localPort;
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                localPort = s.getLocalPort();
            }
            InetSocketAddress local = new InetSocketAddress("127.0.0.1", localPort);

            EncryptedStateFile store1 = EncryptedStateFile.open(dir, KEY);
            List<String> seen1 = new CopyOnWriteArrayList<>();
            CoapClient first = CoapClient.builder().bind(local).state(store1, r -> null).build();
            Observation o1 = first.observe(Request.get(uri).build(), r -> seen1.add(r.payloadString()));
            o1.registered().get(5, TimeUnit.SECONDS);
            value.set(1);
            obs.changed();
            await().atMost(Duration.ofSeconds(5)).until(() -> seen1.contains("v1"));
            first.close(); // saves the observation; sends nothing: the server keeps the relation
            store1.close();
            assertThat(obs.observerCount()).isEqualTo(1);

            EncryptedStateFile store2 = EncryptedStateFile.open(dir, KEY);
            List<String> seen2 = new CopyOnWriteArrayList<>();
            List<Request> offered = new CopyOnWriteArrayList<>();
            List<String> told = new CopyOnWriteArrayList<>(); // what a cluster mirror would learn
            try (CoapClient second = CoapClient.builder().bind(local).state(store2, r -> {
                offered.add(r);
                return resp -> seen2.add(resp.payloadString());
            }).observationListener(new dev.tern.coap.spi.ClientObservationListener() {
                @Override
                public void added(dev.tern.coap.spi.ClientObservationState o) {
                    told.add("+" + o.request().path());
                }

                @Override
                public void removed(dev.tern.coap.spi.ClientObservationState o) {
                    told.add("-" + o.request().path());
                }
            }).build()) {
                assertThat(offered).singleElement().satisfies(r -> assertThat(r.path()).isEqualTo("/obs"));
                Map<Request, Observation> restored = second.restoredObservations();
                assertThat(restored).hasSize(1);
                Observation o2 = restored.values().iterator().next();
                value.set(2);
                obs.changed();
                await().atMost(Duration.ofSeconds(5)).until(() -> seen2.contains("v2"));
                assertThat(o2.registered().get(1, TimeUnit.SECONDS).payloadString()).isEqualTo("v2");
                await().atMost(Duration.ofSeconds(5)).until(() -> told.equals(List.of("+/obs")));
                assertThat(obs.observerCount()).isEqualTo(1);
                o2.cancel();
                o2.ended().get(5, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(5)).until(() -> obs.observerCount() == 0);
                await().atMost(Duration.ofSeconds(5)).until(() -> told.equals(List.of("+/obs", "-/obs")));
            } finally {
                store2.close();
            }
        }
    }
}
