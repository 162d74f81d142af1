package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.spi.ClientObservationListener;
import dev.tern.coap.spi.ClientObservationState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client observation SPI: an event when an observation is established (RFC 7641 §3.1) and
 * when it ends, none for a GET the server answered without Observe, and cancelling one by token
 * from outside (§3.6: the server drops the observer).
 */
class ClientObservationListenerTest {
    private final ObservableResource res = ObservableResource.create();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicReference<ClientObservationListener.Canceller> canceller = new AtomicReference<>();
    private CoapServer server;
    private CoapClient client;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .get("/obs", res.handler(req -> Response.content("x")), RouteOptions.create().observable())
                .get("/plain", req -> Response.content("y")).build();
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(router).build().start();
        client = CoapClient.builder().observationListener(new ClientObservationListener() {
            @Override
            public void added(ClientObservationState o) {
                events.add("+" + o.request().path() + " " + o.token().hex() + " " + o.server().getPort());
            }

            @Override
            public void removed(ClientObservationState o) {
                events.add("-" + o.request().path() + " " + o.token().hex());
            }

            @Override
            public void started(Canceller c) {
                canceller.set(c);
            }
        }).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private String uri(String path) {
        return "coap://127.0.0.1:" + server.port() + path;
    }

    @Test
    void anEstablishedObservationIsToldAndCancelledByToken() throws Exception {
        Observation o = client.observe(Request.get(uri("/obs")).build(), r -> { });
        o.registered().get(5, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
        String[] added = events.get(0).split(" ");
        assertThat(added[0]).isEqualTo("+/obs");
        assertThat(added[1]).hasSize(16); // the client's own 8-byte token, known before sending
        assertThat(added[2]).isEqualTo(Integer.toString(server.port()));
        res.changed(); // a notification is no event
        assertThat(canceller.get().cancel(Bytes.fromHex("0102")).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isFalse();
        assertThat(canceller.get().cancel(Bytes.fromHex(added[1])).toCompletableFuture().get(5, TimeUnit.SECONDS))
                .isTrue();
        assertThat(o.isActive()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> res.observerCount() == 0); // GET with Observe=1 (§3.6)
        assertThat(events).containsExactly(events.get(0), "-/obs " + added[1]);
    }

    @Test
    void aGetAnsweredWithoutObserveIsNoObservation() throws Exception {
        Observation o = client.observe(Request.get(uri("/plain")).build(), r -> { });
        o.registered().get(5, TimeUnit.SECONDS);
        o.ended().get(5, TimeUnit.SECONDS);
        assertThat(events).isEmpty();
    }
}
