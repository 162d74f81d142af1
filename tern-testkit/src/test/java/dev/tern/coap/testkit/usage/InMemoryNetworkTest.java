package dev.tern.coap.testkit.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.CoapTimeoutException;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.testkit.InMemoryNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a user's own test looks like: a Router with handlers, a server and a client on the in-memory
 * network, virtual time. Only public API (this package is not the kit's).
 */
class InMemoryNetworkTest {
    private final InMemoryNetwork network = new InMemoryNetwork();
    private final AtomicInteger reads = new AtomicInteger();
    private final ObservableResource temperature = ObservableResource.create();
    private volatile String value = "20.0";

    private final Router router = Router.builder()
            .get("/hello", req -> Response.content("Hello World!"))
            .put("/sensors/{id}", req -> Response.of(Code.CHANGED, "sensor " + req.pathParam("id").orElseThrow()
                    + " = " + req.payloadString()))
            .get("/temp", temperature.handler(req -> {
                reads.incrementAndGet();
                return Response.content(value);
            }), RouteOptions.create().observable())
            .build();

    @AfterEach
    void close() {
        network.close();
    }

    @Test
    void getAndPutWithoutSockets() {
        CoapServer server = network.server(router);
        CoapClient client = network.client();

        Response hello = network.call(client, Request.get(InMemoryNetwork.uri(server, "/hello")).build());
        Response put = network.call(client, Request.put(InMemoryNetwork.uri(server, "/sensors/7")).payload("21.5")
                .build());

        assertThat(hello.code()).isEqualTo(Code.CONTENT);
        assertThat(hello.payloadString()).isEqualTo("Hello World!");
        assertThat(put.payloadString()).isEqualTo("sensor 7 = 21.5");
        assertThat(network.scheduler().nanoTime()).as("no time passed: piggybacked answers").isZero();
    }

    @Test
    void observeOverFourMinutesOfVirtualTimeInMilliseconds() {
        CoapServer server = network.server(router);
        CoapClient client = network.client();
        List<String> seen = new ArrayList<>();
        long wallStart = System.nanoTime();

        Observation obs = client.observe(Request.get(InMemoryNetwork.uri(server, "/temp")).build(),
                r -> seen.add(r.payloadString()));
        network.await(obs.registered());
        value = "21.5";
        temperature.changed();
        network.runPending();
        assertThat(seen).containsExactly("20.0", "21.5");
        assertThat(temperature.observerCount()).isEqualTo(1);

        // Max-Age (60 s) runs out without a notification: the client registers again (RFC 7641 §3.3.1),
        // about every 63 s, for an EXCHANGE_LIFETIME of 247 s.
        network.advance(Duration.ofSeconds(247));
        assertThat(reads.get()).isBetween(2 + 3, 2 + 4);
        assertThat(seen).as("every re-registration's answer is fresh (RFC 7641 §3.4, §4.4)").hasSize(reads.get());
        assertThat(obs.isActive()).isTrue();
        assertThat(temperature.observerCount()).isEqualTo(1);

        obs.cancel();
        network.runPending();
        assertThat(temperature.observerCount()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - wallStart)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aRequestToNobodyTimesOutAfterMaxTransmitWaitOfVirtualTime() {
        CoapClient client = network.client();
        CompletableFuture<Response> f = client.send(Request.get("coap://192.0.2.99/nobody").build());

        assertThatThrownBy(() -> network.await(f)).isInstanceOf(CoapTimeoutException.class);
        // MAX_TRANSMIT_WAIT is 93 s (RFC 7252 §4.8.2): 4 retransmissions, the last waited out
        assertThat(Duration.ofNanos(network.scheduler().nanoTime())).isBetween(Duration.ofSeconds(45),
                Duration.ofSeconds(93));
    }

    @Test
    void aLostAnswerIsRetransmittedForAndTheHandlerRunsOnce() {
        AtomicInteger posts = new AtomicInteger();
        CoapServer server = network.server(Router.builder()
                .post("/counter", req -> Response.of(Code.CHANGED, Integer.toString(posts.incrementAndGet())))
                .build());
        CoapClient client = network.client();
        network.loss((data, from, to) -> from.equals(server.localAddress()) && network.lost() == 0);

        Response r = network.call(client, Request.post(InMemoryNetwork.uri(server, "/counter")).build());

        assertThat(network.lost()).isEqualTo(1);
        assertThat(r.payloadString()).as("the server answered the retransmission from its cache (RFC 7252 §4.5)")
                .isEqualTo("1");
        assertThat(posts.get()).isEqualTo(1);
        assertThat(Duration.ofNanos(network.scheduler().nanoTime())).as("one ACK_TIMEOUT, randomized (§4.2)")
                .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(3));
    }

    @Test
    void aClientWithItsOwnConfigurationGivesUpSooner() {
        CoapClient client = network.client(EndpointConfig.builder().maxRetransmit(1).build());
        CompletableFuture<Response> f = client.send(Request.get("coap://192.0.2.99/nobody").build());

        assertThatThrownBy(() -> network.await(f)).isInstanceOf(CoapTimeoutException.class);
        // MAX_TRANSMIT_WAIT with MAX_RETRANSMIT 1: ACK_TIMEOUT x (2^2 - 1) x ACK_RANDOM_FACTOR = 9 s
        assertThat(Duration.ofNanos(network.scheduler().nanoTime())).isLessThanOrEqualTo(Duration.ofSeconds(9));
    }

    @Test
    void awaitGivesUpWithAnAssertionErrorWhenNothingCanComplete() {
        CompletableFuture<String> never = new CompletableFuture<>();
        assertThatThrownBy(() -> network.await(never)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("no task or timer");
        CoapClient client = network.client();
        CompletableFuture<Response> slow = client.send(Request.get("coap://192.0.2.99/nobody").build());
        assertThatThrownBy(() -> network.await(slow, Duration.ofSeconds(5))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("within PT5S");
        assertThat(network.scheduler().nanoTime()).isEqualTo(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void twoClientsAndTwoServersHaveTheirOwnAddresses() {
        CoapServer a = network.server(router);
        CoapServer b = network.server(req -> CompletableFuture.completedFuture(Response.content("b")));
        CoapClient one = network.client();
        CoapClient two = network.client();
        assertThat(a.localAddress()).isNotEqualTo(b.localAddress());
        assertThat(one.localAddress()).isNotEqualTo(two.localAddress());
        assertThat(network.call(two, Request.get(InMemoryNetwork.uri(b, "/x")).build()).payloadString())
                .isEqualTo("b");
        assertThat(network.call(one, Request.get(InMemoryNetwork.uri(a, "/hello")).build()).payloadString())
                .isEqualTo("Hello World!");
        assertThatThrownBy(() -> network.transport(a.localAddress())).isInstanceOf(IllegalArgumentException.class);
    }
}
