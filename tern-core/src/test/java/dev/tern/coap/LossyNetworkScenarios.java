package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.testkit.LossyPath;
import dev.tern.coap.testkit.LossyRelay;
import dev.tern.coap.testkit.LossyRelay.Counters;
import dev.tern.coap.testkit.LossyRelay.Impairment;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * A Tern client and server over real loopback UDP with a relay between them that drops, duplicates
 * and reorders datagrams in both directions. Timers are shortened (ACK_TIMEOUT 50 ms) so the whole
 * class runs in seconds; every relay decision comes from a fixed seed. The subclasses say where the
 * relay runs: {@link LossyNetworkTest} in this JVM, {@link LossyNetworkProcessTest} in its own process.
 */
@Timeout(value = 50, unit = TimeUnit.SECONDS)
abstract class LossyNetworkScenarios {
    private static final Duration GENEROUS = Duration.ofSeconds(30);
    private static final Bytes BIG = pattern(20 * 1024);

    protected final AtomicInteger counter = new AtomicInteger();
    protected final Set<String> seenIds = ConcurrentHashMap.newKeySet();
    protected final List<String> repeatedIds = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    private final AtomicInteger value = new AtomicInteger();
    private final ObservableResource observable = ObservableResource.confirmable();
    private final List<Bytes> putBodies = new CopyOnWriteArrayList<>();
    private CoapServer server;
    protected LossyPath relay;
    protected CoapClient client;
    protected String base;

    /**
     * Starts a relay to {@code server} with {@code impairment} both ways, seeded as
     * {@link LossyRelay#start(InetSocketAddress, Impairment, long)} is.
     */
    protected abstract LossyPath openRelay(InetSocketAddress server, Impairment impairment, long seed)
            throws IOException;

    /** Checks on the relay once {@link #stop} has closed it. */
    protected void relayClosed(LossyPath closed) {
    }

    private static EndpointConfig.Builder fast() {
        return EndpointConfig.builder()
                .ackTimeout(Duration.ofMillis(50))
                .ackRandomFactor(1.5)
                .maxRetransmit(8)
                .separateResponseDelay(Duration.ofMillis(30))
                .nstart(32)
                .maxBodySize(256 * 1024);
    }

    protected void start(Impairment impairment, long seed, int blockSize) throws IOException {
        Router router = Router.builder()
                .get("/hello", r -> Response.content("hello " + r.queryParam("id").orElse("?")))
                .route(Method.GET, "/slow", r -> {
                    String id = r.queryParam("id").orElse("?");
                    runs.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    return CompletableFuture.supplyAsync(() -> Response.content("late " + id),
                            CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS));
                })
                .post("/counter", r -> {
                    String id = r.payloadString();
                    if (!seenIds.add(id)) {
                        repeatedIds.add(id);
                    }
                    int n = counter.incrementAndGet();
                    return Response.of(Code.CHANGED, id + " " + n);
                })
                .get("/obs", observable.handler(r -> Response.builder(Code.CONTENT).payload(Integer.toString(value.get()))
                        .maxAge(60).build()), RouteOptions.create().observable())
                .get("/big", r -> Response.content(BIG, ContentFormat.OCTET_STREAM))
                .put("/big", r -> {
                    putBodies.add(r.payload());
                    return Response.of(Code.CHANGED, "got " + r.payload().length());
                })
                .build();
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .config(fast().preferredBlockSize(blockSize).build()).build().start();
        relay = openRelay(server.localAddress(), impairment, seed);
        client = CoapClient.builder().config(fast().preferredBlockSize(blockSize).build()).build();
        base = "coap://127.0.0.1:" + relay.address().getPort();
    }

    @AfterEach
    void stop(TestInfo test) {
        if (client != null) {
            client.close();
        }
        try {
            if (relay != null) {
                relay.close();
                System.out.println(getClass().getSimpleName() + "." + test.getDisplayName() + " relay: "
                        + relay.counters());
                relayClosed(relay);
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    protected static List<Response> joinAll(List<CompletableFuture<Response>> fs) {
        CompletableFuture.allOf(fs.toArray(CompletableFuture<?>[]::new)).orTimeout(45, TimeUnit.SECONDS).join();
        List<Response> out = new ArrayList<>();
        fs.forEach(f -> out.add(f.join()));
        return out;
    }

    /** TD_COAP_CORE_15-like: piggybacked CON GETs through 20 % loss both ways. */
    @Test
    void conGetPiggybackedThroughLoss() throws IOException {
        start(new Impairment(0.20, 0, 0, 3), 15, 1024);
        List<CompletableFuture<Response>> fs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            fs.add(client.send(Request.get(base + "/hello?id=" + i).timeout(GENEROUS).build()));
        }
        List<Response> rs = joinAll(fs);
        for (int i = 0; i < rs.size(); i++) {
            assertThat(rs.get(i).code()).isEqualTo(Code.CONTENT);
            assertThat(rs.get(i).payloadString()).isEqualTo("hello " + i);
        }
        Counters c = relay.counters();
        assertThat(c.toServer().dropped()).isPositive();
        assertThat(c.toClient().dropped()).isPositive();
    }

    /** TD_COAP_CORE_16-like: separate responses through loss and duplication; one handler run per request. */
    @Test
    void separateResponseThroughLoss() throws IOException {
        start(new Impairment(0.20, 0.05, 10, 3), 16, 1024);
        List<CompletableFuture<Response>> fs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fs.add(client.send(Request.get(base + "/slow?id=" + i).timeout(GENEROUS).build()));
        }
        List<Response> rs = joinAll(fs);
        for (int i = 0; i < rs.size(); i++) {
            assertThat(rs.get(i).code()).isEqualTo(Code.CONTENT);
            assertThat(rs.get(i).payloadString()).isEqualTo("late " + i);
        }
        assertThat(runs).hasSize(100);
        assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        Counters c = relay.counters();
        assertThat(c.toServer().duplicated() + c.toClient().duplicated()).isPositive();
    }

    /** TD_COAP_OBS_11-like: CON notifications through loss arrive in order and converge on the last value. */
    @Test
    void confirmableNotificationsThroughLossConverge() throws Exception {
        start(new Impairment(0.20, 0.05, 10, 3), 11, 1024);
        List<Integer> seen = new CopyOnWriteArrayList<>();
        Observation obs = client.observe(Request.get(base + "/obs").timeout(GENEROUS).build(),
                r -> seen.add(Integer.parseInt(r.payloadString())));
        obs.registered().orTimeout(20, TimeUnit.SECONDS).join();
        int m = 50;
        for (int i = 1; i <= m; i++) {
            Thread.sleep(20);
            value.set(i);
            observable.changed();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> !seen.isEmpty() && seen.get(seen.size() - 1) == m);
        System.out.println("notifications seen: " + seen.size() + " of " + (m + 1) + " values");
        assertThat(seen).isSorted().doesNotHaveDuplicates();
        assertThat(seen.size()).as("notifications received of %d changes: %s", m, seen).isGreaterThanOrEqualTo(m / 5);
        obs.cancel();
    }

    /** Block-wise GET (Block2) and PUT (Block1) of 20 KB through loss, duplication and reordering. */
    @Test
    void blockwiseBothDirectionsThroughLoss() throws IOException {
        start(new Impairment(0.20, 0.05, 10, 3), 7959, 512);
        Response get = client.send(Request.get(base + "/big").timeout(GENEROUS).build())
                .orTimeout(40, TimeUnit.SECONDS).join();
        assertThat(get.code()).isEqualTo(Code.CONTENT);
        assertThat(get.payload()).isEqualTo(BIG);

        Response put = client.send(Request.put(base + "/big").payload(BIG).contentFormat(ContentFormat.OCTET_STREAM)
                .timeout(GENEROUS).build()).orTimeout(40, TimeUnit.SECONDS).join();
        assertThat(put.code()).isEqualTo(Code.CHANGED);
        assertThat(put.payloadString()).isEqualTo("got " + BIG.length());
        assertThat(putBodies).containsExactly(BIG);
    }

    /**
     * The headline: 1000 POSTs to a non-idempotent counter at 20 % loss, 5 % duplication and reordering both
     * ways. Every request completes, and the handler ran exactly once for each.
     */
    @Test
    void nonIdempotentPostsRunExactlyOnce() throws IOException {
        start(new Impairment(0.20, 0.05, 20, 3), 7252, 1024);
        List<CompletableFuture<Response>> fs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            fs.add(client.send(Request.post(base + "/counter").payload("id-" + i)
                    .timeout(Duration.ofSeconds(40)).build()));
        }
        List<Response> rs = joinAll(fs);
        for (int i = 0; i < rs.size(); i++) {
            assertThat(rs.get(i).code()).isEqualTo(Code.CHANGED);
            assertThat(rs.get(i).payloadString()).startsWith("id-" + i + " ");
        }
        assertThat(counter.get()).isEqualTo(1000);
        assertThat(seenIds).hasSize(1000);
        assertThat(repeatedIds).isEmpty();
        Counters c = relay.counters();
        assertThat(c.toServer().dropped()).isPositive();
        assertThat(c.toClient().dropped()).isPositive();
        assertThat(c.toServer().duplicated()).isPositive();
        assertThat(c.toClient().duplicated()).isPositive();
        assertThat(c.toServer().delayed()).isPositive();
        assertThat(c.toClient().delayed()).isPositive();
    }

    private static Bytes pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + i / 256);
        }
        return Bytes.wrap(b);
    }
}
