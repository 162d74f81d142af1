package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.oscore.OscoreConfigFile;
import dev.tern.coap.oscore.OscoreContexts;
import dev.tern.coap.oscore.OscoreLayer;
import dev.tern.coap.oscore.SecurityContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * OSCORE (RFC 8613) against libcoap 4.3.4's {@code -E} (its OSCORE configuration files,
 * coap-oscore-conf(5)), both directions: libcoap's client against a Tern server, Tern's client
 * against libcoap's server. The binaries come from {@code shared/peers/libcoap-trixie.sh} (the
 * openssl build; trixie's notls build has no OSCORE); missing: skipped with the way to get them.
 */
@Timeout(120)
class LibcoapOscoreInteropTest {
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(30);
    private static final String SECRET = "0102030405060708090a0b0c0d0e0f10";
    private static final String SALT = "9e7ca92223786340";
    private static final String BIG = "0123456789abcdef".repeat(200);
    private static Path bin;

    @TempDir
    Path dir;

    @BeforeAll
    static void libcoap434Present() {
        bin = Peers.libcoap434("coap-client-openssl", "coap-server-openssl");
    }

    private static String tool(String name) {
        return bin.resolve(name).toString();
    }

    private Path conf(String name, String senderId, String recipientId) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "master_secret,hex,\"" + SECRET + "\"\n"
                + "master_salt,hex,\"" + SALT + "\"\n"
                + "sender_id,hex,\"" + senderId + "\"\n"
                + "recipient_id,hex,\"" + recipientId + "\"\n"
                + "replay_window,integer,30\n"
                + "aead_alg,integer,10\n"
                + "hkdf_alg,integer,-10\n");
        return p;
    }

    private static SecurityContext context(String senderId, String recipientId) {
        return SecurityContext.builder().masterSecret(Bytes.fromHex(SECRET)).masterSalt(Bytes.fromHex(SALT))
                .senderId(Bytes.fromHex(senderId)).recipientId(Bytes.fromHex(recipientId)).build();
    }

    @Test
    void libcoapClientGetsAndPostsToATernServer() throws IOException {
        Router router = Router.builder()
                .get("/hello", r -> Response.content("Hello " + r.peerIdentity().map(PeerIdentity::kind).orElse(null)))
                .get("/big", r -> Response.content(BIG))
                .post("/echo", r -> Response.builder(Code.CHANGED).payload(r.payload()).build())
                .build();
        Path clientConf = conf("client.conf", "", "01");
        // Tern reads the same coap-oscore-conf(5) format libcoap does
        SecurityContext serverContext = OscoreConfigFile.read(conf("server.conf", "01", "")).build();
        Trace trace = new Trace();
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(router).tracer(trace)
                .objectSecurity(OscoreLayer.server(OscoreContexts.of(serverContext))).build().start()) {
            String base = "coap://127.0.0.1:" + server.port();
            Peers.Result get = Peers.run(PROCESS_TIMEOUT, List.of(tool("coap-client-openssl"), "-B", "10",
                    "-E", clientConf + "," + dir.resolve("client.seq"), base + "/hello"));
            assertThat(get.out().strip()).as("%s", get).isEqualTo("Hello OSCORE");
            Peers.Result big = Peers.run(PROCESS_TIMEOUT, List.of(tool("coap-client-openssl"), "-B", "10",
                    "-E", clientConf + "," + dir.resolve("client.seq"), base + "/big"));
            assertThat(big.out().strip()).as("%s", big).isEqualTo(BIG);
            Peers.Result post = Peers.run(PROCESS_TIMEOUT, List.of(tool("coap-client-openssl"), "-B", "10",
                    "-E", clientConf + "," + dir.resolve("client.seq"), "-m", "post", "-e", "over oscore",
                    base + "/echo"));
            assertThat(post.out().strip()).as("%s %s", post, trace).isEqualTo("over oscore");
        }
    }

    /**
     * A libcoap client run twice without its sequence number file starts again at Partial IV 0 and
     * so reuses nonces (the restart problem of RFC 8613 Appendix B.1); Tern's replay window catches
     * the second run: 4.01 "Replay detected", and the handler ran once.
     */
    @Test
    void libcoapClientRestartedWithoutItsSequenceFileIsCaughtReplaying() throws IOException {
        AtomicCounter handled = new AtomicCounter();
        Router router = Router.builder().post("/door", r -> {
            handled.increment();
            return Response.builder(Code.CHANGED).payload("opened").build();
        }).build();
        Path clientConf = conf("client.conf", "", "01");
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .objectSecurity(OscoreLayer.server(OscoreContexts.of(context("01", "")))).build().start()) {
            List<String> post = List.of(tool("coap-client-openssl"), "-B", "5", "-E", clientConf.toString(),
                    "-m", "post", "coap://127.0.0.1:" + server.port() + "/door");
            Peers.Result first = Peers.run(PROCESS_TIMEOUT, post);
            assertThat(first.out().strip()).as("%s", first).isEqualTo("opened");
            Peers.Result second = Peers.run(PROCESS_TIMEOUT, post);
            assertThat(second.out() + second.err()).as("%s", second).contains("Replay detected")
                    .doesNotContain("opened");
        }
        assertThat(handled.value).isEqualTo(1);
    }

    @Test
    void libcoapClientWithTheWrongKeyIsRefused() throws IOException {
        Path wrong = dir.resolve("wrong.conf");
        Files.writeString(wrong, Files.readString(conf("c.conf", "", "01")).replace(SECRET,
                "ffffffffffffffffffffffffffffffff"));
        AtomicCounter handled = new AtomicCounter();
        Router router = Router.builder().get("/hello", r -> {
            handled.increment();
            return Response.content("Hello");
        }).build();
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .objectSecurity(OscoreLayer.server(OscoreContexts.of(context("01", "")))).build().start()) {
            Peers.Result r = Peers.run(PROCESS_TIMEOUT, List.of(tool("coap-client-openssl"), "-B", "5",
                    "-E", wrong.toString(), "coap://127.0.0.1:" + server.port() + "/hello"));
            assertThat(r.out()).as("%s", r).doesNotContain("Hello");
            assertThat(handled.value).isZero();
        }
    }

    @Test
    void ternClientGetsFromALibcoapServer() throws IOException {
        Path serverConf = conf("server.conf", "01", "");
        int port = Peers.freeUdpPort();
        try (Peers.Daemon server = Peers.Daemon.start(dir, List.of(tool("coap-server-openssl"), "-A", "127.0.0.1",
                "-p", Integer.toString(port), "-E", serverConf.toString()))) {
            SecurityContext clientContext = OscoreConfigFile.read(conf("client.conf", "", "01")).build();
            try (CoapClient client = CoapClient.builder().objectSecurity(OscoreLayer.client(clientContext))
                    .build()) {
                Response[] last = new Response[1];
                org.awaitility.Awaitility.await("libcoap OSCORE server answering")
                        .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .failFast("coap-server exited", () -> !server.isAlive())
                        .until(() -> {
                                        last[0] = client.call(Request.get("coap://127.0.0.1:" + port + "/")
                                    .timeout(Duration.ofSeconds(2)).build());
                            return last[0].isSuccess();
                        });
                assertThat(last[0].code()).isEqualTo(Code.CONTENT);
                assertThat(last[0].payloadString()).contains("libcoap");
                Response again = client.call(Request.get("coap://127.0.0.1:" + port + "/").build());
                assertThat(again.payloadString()).as("%s", server.output()).contains("libcoap");
            }
        }
    }

    /**
     * Observe through OSCORE (RFC 8613 §4.1.3.5): libcoap's client ({@code -s}) observes a Tern
     * resource that changes every 200 ms and prints each notification Tern protected.
     */
    @Test
    void libcoapClientObservesATernResource() throws Exception {
        dev.tern.coap.ObservableResource source = dev.tern.coap.ObservableResource.create();
        java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger();
        Router router = Router.builder().get("/obs", source.handler(r -> Response.content("state-" + state.get())),
                dev.tern.coap.RouteOptions.create().observable()).build();
        Path clientConf = conf("client.conf", "", "01");
        java.util.concurrent.ScheduledExecutorService ticker =
                java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .objectSecurity(OscoreLayer.server(OscoreContexts.of(context("01", "")))).build().start()) {
            ticker.scheduleAtFixedRate(() -> {
                state.incrementAndGet();
                source.changed();
            }, 200, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
            Peers.Result r = Peers.run(PROCESS_TIMEOUT, List.of(tool("coap-client-openssl"), "-B", "10", "-s", "3",
                    "-E", clientConf + "," + dir.resolve("client.seq"), "coap://127.0.0.1:" + server.port() + "/obs"));
            // libcoap prints the payloads without separators; the last may repeat (its deregistration's response)
            List<Integer> states = java.util.Arrays.stream(r.out().strip().split("state-")).filter(x -> !x.isEmpty())
                    .map(Integer::parseInt).distinct().toList();
            assertThat(states).as("%s", r).hasSizeGreaterThanOrEqualTo(4).isSorted();
        } finally {
            ticker.shutdownNow();
        }
    }

    /** Tern's client observes libcoap's {@code /time} (a notification every second) through OSCORE. */
    @Test
    void ternClientObservesALibcoapResource() throws Exception {
        Path serverConf = conf("server.conf", "01", "");
        int port = Peers.freeUdpPort();
        try (Peers.Daemon server = Peers.Daemon.start(dir, List.of(tool("coap-server-openssl"), "-A", "127.0.0.1",
                "-p", Integer.toString(port), "-E", serverConf.toString()))) {
            SecurityContext clientContext = OscoreConfigFile.read(conf("client.conf", "", "01")).build();
            try (CoapClient client = CoapClient.builder().objectSecurity(OscoreLayer.client(clientContext))
                    .build()) {
                org.awaitility.Awaitility.await("libcoap OSCORE server answering")
                        .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .failFast("coap-server exited", () -> !server.isAlive())
                        .until(() -> client.call(Request.get("coap://127.0.0.1:" + port + "/")
                                .timeout(Duration.ofSeconds(2)).build()).isSuccess());
                List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
                try (dev.tern.coap.Observation obs = client.observe(
                        Request.get("coap://127.0.0.1:" + port + "/time").build(), n -> seen.add(n.payloadString()))) {
                    Response first = obs.registered().get(20, java.util.concurrent.TimeUnit.SECONDS);
                    assertThat(first.code()).as("%s", server.output()).isEqualTo(Code.CONTENT);
                    org.awaitility.Awaitility.await("three notifications").atMost(Duration.ofSeconds(20))
                            .until(() -> seen.size() >= 3);
                }
            }
        }
    }

    /** A counter the handler thread writes and the test thread reads. */
    private static final class AtomicCounter {
        private volatile int value;

        synchronized void increment() {
            value++;
        }
    }
}
