package dev.tern.coap.proxy;

import static dev.tern.coap.proxy.Loopback.viaProxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Observation;
import dev.tern.coap.Response;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Observe through the proxy (RFC 7641 §5): one upstream relation fanned out to every observer. */
class ProxyObserveTest {
    private final Loopback.Origin origin = new Loopback.Origin();
    private final CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1")
            .observeLinger(Duration.ofMillis(100)).build();
    private final CoapServer server = Loopback.proxyServer(proxy, null);
    private final CoapClient alice = CoapClient.create();
    private final CoapClient bob = CoapClient.create();

    @AfterEach
    void stop() {
        alice.close();
        bob.close();
        server.close();
        proxy.close();
        origin.close();
    }

    private Observation observe(CoapClient client, List<String> seen) {
        Observation o = client.observe(viaProxy(server, origin.uri("/obs")).build(),
                r -> seen.add(r.code() + " " + r.payloadString()));
        Response first = o.registered().orTimeout(15, TimeUnit.SECONDS).join();
        assertThat(first.options().observe()).as("registered at the proxy").isPresent();
        return o;
    }

    @Test
    void twoObserversShareOneUpstreamRelationWhichEndsWhenTheLastLeaves() {
        List<String> a = new CopyOnWriteArrayList<>();
        List<String> b = new CopyOnWriteArrayList<>();
        Observation first = observe(alice, a);
        Observation second = observe(bob, b);
        assertThat(origin.observable.observerCount()).isEqualTo(1);
        assertThat(origin.count("/obs")).isEqualTo(1); // the second registration never went upstream
        assertThat(proxy.upstreamObservations()).isEqualTo(1);

        origin.value.set(1);
        origin.observable.changed();
        await().atMost(Duration.ofSeconds(10)).until(() -> a.contains("2.05 state 1") && b.contains("2.05 state 1"));
        assertThat(a).containsExactly("2.05 state 0", "2.05 state 1");
        assertThat(b).containsExactly("2.05 state 0", "2.05 state 1");

        first.cancel();
        first.ended().orTimeout(10, TimeUnit.SECONDS).join();
        origin.value.set(2);
        origin.observable.changed();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.contains("2.05 state 2"));
        assertThat(origin.observable.observerCount()).isEqualTo(1); // Bob still observes
        assertThat(a).doesNotContain("2.05 state 2");

        second.cancel();
        second.ended().orTimeout(10, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(10)).until(() -> origin.observable.observerCount() == 0);
        assertThat(proxy.upstreamObservations()).isZero();
    }

    /** 100 downstream observations (10 clients, 10 each) share one upstream relation. */
    @Test
    void aHundredObserversShareOneUpstreamRelation() {
        List<CoapClient> clients = new java.util.ArrayList<>();
        List<Observation> observations = new java.util.ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger notified = new java.util.concurrent.atomic.AtomicInteger();
        try {
            for (int c = 0; c < 10; c++) {
                CoapClient client = CoapClient.create();
                clients.add(client);
                for (int i = 0; i < 10; i++) {
                    Observation o = client.observe(viaProxy(server, origin.uri("/obs")).build(), r -> {
                        if (r.payloadString().equals("state 9")) {
                            notified.incrementAndGet();
                        }
                    });
                    observations.add(o);
                }
            }
            observations.forEach(o -> assertThat(o.registered().orTimeout(20, TimeUnit.SECONDS).join()
                    .options().observe()).isPresent());
            assertThat(origin.observable.observerCount()).isEqualTo(1); // checked on the upstream's side
            assertThat(origin.count("/obs")).isEqualTo(1);
            origin.value.set(9);
            origin.observable.changed();
            await().atMost(Duration.ofSeconds(20)).until(() -> notified.get() == 100);
        } finally {
            clients.forEach(CoapClient::close);
        }
    }

    /** The same fan-out behind a reverse proxy's prefix (RFC 7252 §5.7.3). */
    @Test
    void observersOfAReverseProxiedResourceShareOneUpstreamRelation() {
        try (CoapServer reverse = Loopback.proxyServer(proxy, dev.tern.coap.Router.builder()
                .any("/r/**", proxy.reverse("/r", "coap://127.0.0.1:" + origin.server.port())).build())) {
            List<String> a = new CopyOnWriteArrayList<>();
            List<String> b = new CopyOnWriteArrayList<>();
            String uri = "coap://127.0.0.1:" + reverse.port() + "/r/obs";
            Observation first = alice.observe(dev.tern.coap.Request.get(uri).build(), r -> a.add(r.payloadString()));
            Observation second = bob.observe(dev.tern.coap.Request.get(uri).build(), r -> b.add(r.payloadString()));
            assertThat(first.registered().orTimeout(15, TimeUnit.SECONDS).join().options().observe()).isPresent();
            assertThat(second.registered().orTimeout(15, TimeUnit.SECONDS).join().options().observe()).isPresent();
            assertThat(origin.observable.observerCount()).isEqualTo(1);
            origin.value.set(3);
            origin.observable.changed();
            await().atMost(Duration.ofSeconds(10)).until(() -> a.contains("state 3") && b.contains("state 3"));
        }
    }

    @Test
    void anObserverAfterTheLastOneLeftStartsANewUpstreamRelation() {
        Observation first = observe(alice, new CopyOnWriteArrayList<>());
        first.cancel();
        await().atMost(Duration.ofSeconds(10)).until(() -> origin.observable.observerCount() == 0);
        List<String> b = new CopyOnWriteArrayList<>();
        observe(bob, b);
        assertThat(origin.observable.observerCount()).isEqualTo(1);
        origin.value.set(5);
        origin.observable.changed();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.contains("2.05 state 5"));
    }

    /** An upstream that never answers the registration: 5.04 after upstreamTimeout, and no relation kept. */
    @Test
    void aRegistrationTheUpstreamNeverAnswersIs504() {
        try (CoapProxy quick = CoapProxy.builder().allow("127.0.0.1").upstreamTimeout(Duration.ofMillis(300)).build();
             CoapServer other = Loopback.proxyServer(quick, null)) {
            Observation o = alice.observe(viaProxy(other, origin.uri("/hold")).build(), r -> { });
            Response r = o.registered().orTimeout(15, TimeUnit.SECONDS).join();
            assertThat(r.code()).isEqualTo(Code.GATEWAY_TIMEOUT);
            await().atMost(Duration.ofSeconds(5)).until(() -> quick.upstreamObservations() == 0);
        }
    }

    @Test
    void anUpstreamErrorNotificationEndsEveryDownstreamRelation() {
        List<String> a = new CopyOnWriteArrayList<>();
        List<String> b = new CopyOnWriteArrayList<>();
        Observation first = observe(alice, a);
        Observation second = observe(bob, b);
        origin.observable.terminate(Code.NOT_FOUND); // RFC 7641 §3.2: the resource is gone
        first.ended().orTimeout(10, TimeUnit.SECONDS).join();
        second.ended().orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(a).last().isEqualTo("4.04 ");
        assertThat(b).last().isEqualTo("4.04 ");
        assertThat(proxy.upstreamObservations()).isZero();
    }
}
