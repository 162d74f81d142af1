package dev.tern.coap.proxy;

import static dev.tern.coap.proxy.Loopback.call;
import static dev.tern.coap.proxy.Loopback.viaProxy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.Code;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Observation;
import dev.tern.coap.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Floods against the proxy's bounds: cache entries and bytes, requests in flight, upstream relations. */
class ProxyFloodTest {
    private final Loopback.Origin origin = new Loopback.Origin();
    private final CoapClient client = CoapClient.builder()
            .config(EndpointConfig.clientDefaults().toBuilder().nstart(32).build()).build();
    private CoapProxy proxy;
    private CoapServer server;

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        origin.close();
    }

    private void start(CoapProxy.Builder b) {
        proxy = b.allow("127.0.0.1").build();
        server = Loopback.proxyServer(proxy, null);
    }

    /** P5: GETs for 300 distinct URIs keep the cache at its entry and byte bounds (LRU). */
    @Test
    void p5_distinctUrisKeepTheCacheAtItsBounds() {
        start(CoapProxy.builder().maxCacheEntries(50).maxCacheBytes(8 * 1024));
        List<CompletableFuture<Response>> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            all.add(client.send(viaProxy(server, origin.uri("/hello?n=" + i)).build()));
            if (all.size() == 30) {
                all.forEach(f -> assertThat(f.orTimeout(20, TimeUnit.SECONDS).join().code()).isEqualTo(Code.CONTENT));
                all.clear();
                assertThat(proxy.cachedResponses()).isLessThanOrEqualTo(50);
                assertThat(proxy.cachedBytes()).isLessThanOrEqualTo(8 * 1024);
            }
        }
        assertThat(proxy.cachedResponses()).isGreaterThan(0);
        assertThat(call(client, viaProxy(server, origin.uri("/hello?n=299"))).code()).isEqualTo(Code.CONTENT);
        assertThat(origin.count("/hello")).isEqualTo(300); // the last one was a hit
    }

    /** P6: requests to an upstream that holds them fill the in-flight bound; the rest get 5.03 at once. */
    @Test
    void p6_requestsBeyondTheInFlightBoundGet503AtOnce() {
        start(CoapProxy.builder().maxConcurrentRequests(3).upstreamTimeout(Duration.ofSeconds(30)));
        List<CompletableFuture<Response>> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(client.send(viaProxy(server, origin.uri("/hold?n=" + i)).build()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> origin.held.size() == 3);
        assertThat(proxy.requestsInFlight()).isEqualTo(3);
        for (int i = 0; i < 10; i++) {
            Response r = call(client, viaProxy(server, origin.uri("/hello?busy=" + i)));
            assertThat(r.code()).isEqualTo(Code.SERVICE_UNAVAILABLE);
            assertThat(r.options().maxAge()).hasValue(2);
        }
        assertThat(origin.count("/hello")).isZero();
        origin.held.forEach(f -> f.complete(Response.content("released")));
        held.forEach(f -> assertThat(f.orTimeout(10, TimeUnit.SECONDS).join().payloadString()).isEqualTo("released"));
        await().atMost(Duration.ofSeconds(5)).until(() -> proxy.requestsInFlight() == 0);
        assertThat(call(client, viaProxy(server, origin.uri("/hello"))).code()).isEqualTo(Code.CONTENT);
    }

    /** P7: registrations for more resources than the relation bound: the rest are plain GETs (RFC 7641 §4.1). */
    @Test
    void p7_registrationsBeyondTheUpstreamRelationBoundAreServedAsPlainGets() {
        start(CoapProxy.builder().maxUpstreamObservations(2));
        List<Observation> observations = new ArrayList<>();
        List<Response> firsts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Observation o = client.observe(viaProxy(server, origin.uri("/obs?n=" + i)).build(), r -> { });
            observations.add(o);
            firsts.add(o.registered().orTimeout(15, TimeUnit.SECONDS).join());
        }
        assertThat(firsts.stream().filter(r -> r.options().observe().isPresent())).hasSize(2);
        assertThat(firsts).allMatch(r -> r.code().equals(Code.CONTENT));
        assertThat(proxy.upstreamObservations()).isEqualTo(2);
        assertThat(origin.observable.observerCount()).isEqualTo(2);
        observations.forEach(Observation::cancel);
    }
}
