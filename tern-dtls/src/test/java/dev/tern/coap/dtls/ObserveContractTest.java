package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.Code;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client's observe contract (RFC 7641 §3, issue 16), the same on coap and coaps:
 * {@code registered()} completes (and runs its dependent stages) BEFORE the consumer sees the
 * first response; a registration answered without Observe gives the consumer that one response
 * and ends the observation, as does a 4.04; {@code close()} deregisters.
 */
class ObserveContractTest {
    private static final byte[] KEY = "secret".getBytes(StandardCharsets.UTF_8);
    private final ObservableResource temperature = ObservableResource.create();
    private final AtomicInteger value = new AtomicInteger(20);
    private final CountDownLatch answer = new CountDownLatch(1);
    private CoapServer server;
    private CoapClient client;

    private String start(String scheme) {
        Router router = Router.builder()
                .get("/temp", temperature.handler(req -> {
                    hold(answer);
                    return Response.content(Integer.toString(value.get()));
                }), RouteOptions.create().observable())
                .get("/plain", req -> {
                    hold(answer);
                    return Response.content("plain");
                })
                .get("/missing", req -> { // a 4.04, as for a path with no resource, once the test is ready
                    hold(answer);
                    return Response.of(dev.tern.coap.Code.NOT_FOUND);
                })
                .build();
        CoapServer.Builder sb = CoapServer.builder().port(0).bind("127.0.0.1").service(router);
        CoapClient.Builder cb = CoapClient.builder();
        if (scheme.equals("coaps")) {
            sb.security(Dtls.server(DtlsConfig.server().pskStore("dev1", KEY).build()));
            cb.security(Dtls.client(DtlsConfig.client().psk("dev1", KEY).build()));
        }
        server = sb.build().start();
        client = cb.build();
        return scheme + "://127.0.0.1:" + server.port();
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterEach
    void stop() {
        answer.countDown();
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"coap", "coaps"})
    void registeredCompletesBeforeTheConsumerSeesTheFirstResponse(String scheme) {
        String base = start(scheme);
        List<String> events = new CopyOnWriteArrayList<>();
        AtomicReference<Observation> handle = new AtomicReference<>();
        Observation obs = client.observe(Request.get(base + "/temp").build(), r -> {
            Observation o = handle.get();
            events.add("consumer " + r.payloadString() + " registered=" + o.registered().isDone()
                    + " same=" + (o.registered().getNow(null) == r));
        });
        handle.set(obs);
        obs.registered().thenRun(() -> events.add("registered"));
        answer.countDown(); // the server answers only now, so the stages above are in place
        Response first = obs.registered().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(first.options().observe()).isPresent();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 2);
        assertThat(events).containsExactly("registered", "consumer 20 registered=true same=true");
        value.set(21);
        temperature.changed();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 3);
        assertThat(events.get(2)).startsWith("consumer 21");
        try (Observation closing = obs) { // AutoCloseable: close() deregisters (RFC 7641 §3.6)
            assertThat(closing.isActive()).isTrue();
        }
        obs.ended().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(obs.isActive()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> temperature.observerCount() == 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"coap", "coaps"})
    void notObservableGivesTheOneResponseAndEnds(String scheme) {
        String base = start(scheme);
        List<String> events = new CopyOnWriteArrayList<>();
        Observation obs = client.observe(Request.get(base + "/plain").build(),
                r -> events.add(r.code().toString().substring(0, 4) + " " + r.payloadString()));
        obs.registered().thenRun(() -> events.add("registered"));
        obs.ended().thenRun(() -> events.add("ended"));
        answer.countDown(); // the server answers only now, so the stages above are in place
        Response r = obs.registered().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(r.options().observe()).isEmpty();
        obs.ended().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(obs.isActive()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 3);
        assertThat(events).containsExactly("registered", "2.05 plain", "ended");
    }

    @ParameterizedTest
    @ValueSource(strings = {"coap", "coaps"})
    void notFoundGivesTheOneResponseAndEnds(String scheme) {
        String base = start(scheme);
        List<String> events = new CopyOnWriteArrayList<>();
        Observation obs = client.observe(Request.get(base + "/missing").build(), r -> events.add(r.code().toString()));
        obs.registered().thenRun(() -> events.add("registered"));
        obs.ended().thenRun(() -> events.add("ended"));
        answer.countDown(); // the server answers only now, so the stages above are in place
        assertThat(obs.registered().orTimeout(10, TimeUnit.SECONDS).join().code()).isEqualTo(Code.NOT_FOUND);
        obs.ended().orTimeout(10, TimeUnit.SECONDS).join(); // ends normally: a 4.04 is a response, not a failure
        await().atMost(Duration.ofSeconds(10)).until(() -> events.size() == 3);
        assertThat(events).hasSize(3).first().isEqualTo("registered");
        assertThat(events.get(1)).startsWith("4.04");
        assertThat(events.get(2)).isEqualTo("ended");
    }

    @org.junit.jupiter.api.Test
    void aFailedHandshakeFailsBothFuturesAndTheListenerIsNotCalled() {
        String base = start("coaps");
        List<String> events = new CopyOnWriteArrayList<>();
        try (CoapClient wrong = CoapClient.builder()
                .security(Dtls.client(DtlsConfig.client().psk("dev1", "not the key").build())).build()) {
            Observation obs = wrong.observe(Request.get(base + "/temp").build(), r -> events.add("consumer"));
            assertThat(obs.registered()).failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(dev.tern.coap.CoapSecurityException.class);
            assertThat(obs.ended()).failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                    .withCauseInstanceOf(dev.tern.coap.CoapSecurityException.class);
            assertThat(obs.isActive()).isFalse();
            assertThat(events).isEmpty();
        }
    }
}
