package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.cli.PlugtestResources;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Observe (RFC 7641) across implementations: libcoap's and node-coap's observers against Tern's
 * plugtest {@code /obs} resources, and Tern's observer against libcoap's {@code /time} and
 * node-coap's {@code /obs}. Skipped when a peer is missing unless {@code TERN_INTEROP_REQUIRED=1}.
 */
@Timeout(90)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObserveInteropTest {
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(25);
    private final Trace trace = new Trace();
    private CoapServer plugtest;


    @BeforeAll
    void start() {
        plugtest = CoapServer.builder().port(0).bind("127.0.0.1").service(PlugtestResources.router())
                .tracer(trace).build().start();
    }

    @AfterAll
    void stop() {
        if (plugtest != null) {
            plugtest.close();
        }
    }

    private String tern(String path) {
        return "coap://127.0.0.1:" + plugtest.port() + path;
    }

    @Test
    void libcoapObservesTern() {
        Peers.requirePeer(Peers.onPath("coap-client-notls").isPresent(), "coap-client-notls is not on the PATH");
        // -s 5: observe for 5 s; /obs changes every 2 s, so the first response and two notifications.
        Peers.Result r = Peers.run(PROCESS_TIMEOUT, List.of("coap-client-notls", "-s", "5", tern("/obs")));
        assertThat(r.exitCode()).as("%s", r).isZero();
        List<String> values = r.out().lines().flatMap(l -> splitTimes(l).stream()).toList();
        assertThat(values).as("%s", r).hasSizeGreaterThanOrEqualTo(3).allMatch(v -> v.matches("\\d\\d:\\d\\d:\\d\\d"));
        assertThat(trace.sent()).filteredOn(s -> s.startsWith("CON-2.05")).as("CON notifications").isNotEmpty();
    }

    /** libcoap prints notifications without separators; split the concatenated HH:mm:ss values. */
    private static List<String> splitTimes(String line) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i + 8 <= line.length(); i += 8) {
            out.add(line.substring(i, i + 8));
        }
        return out;
    }

    @Test
    void ternObservesLibcoapTime() {
        Peers.requirePeer(Peers.onPath("coap-server-notls").isPresent(), "coap-server-notls is not on the PATH");
        int port = Peers.freeUdpPort();
        try (Peers.Daemon server = Peers.startLibcoapServer(port);
             CoapClient client = CoapClient.create()) {
            assertThat(server.isAlive()).as("%s", server).isTrue();
            String uri = "coap://127.0.0.1:" + port + "/time";
            List<Response> seen = new CopyOnWriteArrayList<>();
            Observation obs = client.observe(Request.get(uri).build(), seen::add);
            Response first = obs.registered().orTimeout(5, TimeUnit.SECONDS).join();
            assertThat(first.options().observe()).as("libcoap /time is observable").isPresent();
            // libcoap's example server notifies /time observers once a second.
            Awaitility.await().atMost(Duration.ofSeconds(8)).until(() -> seen.size() >= 3);
            obs.cancel();
            obs.ended().orTimeout(5, TimeUnit.SECONDS).join();
            assertThat(seen).allMatch(r -> r.code().equals(Code.CONTENT));
        }
    }

    @Test
    void nodeObservesTern() {
        Peers.requirePeer(Files.isRegularFile(Peers.nodeDir().resolve("node_modules/coap/package.json")),
                "node-coap is not installed (run: cd tern-interop/node && npm ci)");
        Peers.Result r = Peers.run(PROCESS_TIMEOUT, Peers.nodeDir(), List.of("node", "observe.js", tern("/obs-non"), "2"));
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out().lines().toList()).as("%s", r).hasSize(2).allMatch(v -> v.matches("\\d\\d:\\d\\d:\\d\\d"));
    }

    @Test
    void ternObservesNode() {
        Peers.requirePeer(Files.isRegularFile(Peers.nodeDir().resolve("node_modules/coap/package.json")),
                "node-coap is not installed (run: cd tern-interop/node && npm ci)");
        int port = Peers.freeUdpPort();
        try (Peers.Daemon server = Peers.startNodeServer(port);
             CoapClient client = CoapClient.create()) {
            assertThat(server.isAlive()).as("%s", server).isTrue();
            List<String> seen = new CopyOnWriteArrayList<>();
            Observation obs = client.observe(Request.get("coap://127.0.0.1:" + port + "/obs").build(),
                    r -> seen.add(r.payloadString()));
            obs.registered().orTimeout(5, TimeUnit.SECONDS).join();
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 4);
            obs.cancel();
            List<Integer> values = seen.stream().map(Integer::parseInt).toList();
            assertThat(values).isSorted(); // in order (RFC 7641 §3.4)
        }
    }
}
