package dev.tern.coap.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A rough figure for BENCHMARKS.md, not a regression test: 10 000 observations through the proxy
 * (RFC 7641 §5) share one upstream relation; heap per observation (clients, proxy server and fan-out
 * together, against the same observations made directly at an origin) and the time one change takes
 * to reach all of them. Run with {@code -Dtern.measure=true}.
 */
@EnabledIfSystemProperty(named = "tern.measure", matches = "true")
class ObserveFanOutMeasurement {
    private static final int CLIENTS = 10;
    private static final int PER_CLIENT = 1000;
    private static final int OBSERVERS = CLIENTS * PER_CLIENT;

    @Test
    void tenThousandObserversThroughTheProxy() throws Exception {
        AtomicInteger value = new AtomicInteger();
        ObservableResource observable = ObservableResource.create();
        try (CoapServer origin = CoapServer.builder().port(0).bind("127.0.0.1").service(Router.builder()
                     .get("/obs", observable.handler(r -> Response.content("v" + value.get())),
                             RouteOptions.create().observable()).build()).build().start();
             CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1").build();
             CoapServer server = Loopback.proxyServer(proxy, null)) {
            String target = "coap://127.0.0.1:" + origin.port() + "/obs";
            Request direct = Request.get(target).build();
            Request proxied = Loopback.viaProxy(server, target).build();
            long directBytes = measure("direct at the origin", direct, observable, value, false);
            long proxiedBytes = measure("through the proxy", proxied, observable, value, true);
            System.out.printf("heap per observation: direct %d B, through the proxy %d B (clients included in both)%n",
                    directBytes / OBSERVERS, proxiedBytes / OBSERVERS);
        }
    }

    private static long measure(String label, Request request, ObservableResource observable, AtomicInteger value,
                                boolean proxied) throws InterruptedException {
        List<CoapClient> clients = new ArrayList<>();
        List<Observation> observations = new ArrayList<>();
        AtomicInteger notified = new AtomicInteger();
        long before = usedHeap();
        for (int c = 0; c < CLIENTS; c++) {
            clients.add(CoapClient.builder().config(EndpointConfig.clientDefaults().toBuilder().nstart(64).build()).build());
        }
        long start = System.nanoTime();
        for (CoapClient client : clients) {
            List<Observation> batch = new ArrayList<>();
            for (int i = 0; i < PER_CLIENT; i++) {
                batch.add(client.observe(request, r -> notified.incrementAndGet()));
                if (batch.size() == 64) {
                    batch.forEach(o -> o.registered().orTimeout(60, TimeUnit.SECONDS).join());
                    observations.addAll(batch);
                    batch.clear();
                }
            }
            batch.forEach(o -> o.registered().orTimeout(60, TimeUnit.SECONDS).join());
            observations.addAll(batch);
        }
        double registerSeconds = (System.nanoTime() - start) / 1e9;
        assertThat(observable.observerCount()).isEqualTo(proxied ? 1 : OBSERVERS);
        long after = usedHeap();
        notified.set(0);
        value.incrementAndGet();
        long changed = System.nanoTime();
        observable.changed();
        long deadline = changed + 20_000_000_000L;
        while (notified.get() < OBSERVERS && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        double fanOutMillis = (System.nanoTime() - changed) / 1e6;
        // NON notifications may be lost on a loaded host (RFC 7641 §4.5 allows it): report how many arrived
        System.out.printf("%s: %d observations registered in %.1f s, heap +%d KiB, one change reached %d in %.0f ms%n",
                label, OBSERVERS, registerSeconds, (after - before) / 1024, notified.get(), fanOutMillis);
        observations.forEach(Observation::cancel);
        for (Observation o : observations) {
            try {
                o.ended().get(60, TimeUnit.SECONDS); // the deregistrations go out before the clients close
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // ended by a timeout: the relation is gone on this side all the same
            }
        }
        clients.forEach(CoapClient::close);
        return after - before;
    }

    private static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
