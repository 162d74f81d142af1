package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.cli.DemoResources;
import dev.tern.coap.cli.Io;
import dev.tern.coap.cli.Main;
import dev.tern.coap.cli.PlugtestResources;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Tern against libcoap 4.3 ({@code coap-client-notls}, {@code coap-server-notls} from Debian's
 * libcoap3-bin): libcoap's client against Tern servers, and Tern's client and CLI against libcoap's
 * example server. Skipped when the binaries are missing unless {@code TERN_INTEROP_REQUIRED=1}.
 */
@Timeout(60)
class LibcoapInteropTest {
    private static final String CLIENT = "coap-client-notls";
    private static final String SERVER = "coap-server-notls";
    /** Bound on each coap-client run (its own -B wait is shorter). */
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    @BeforeAll
    static void libcoapPresent() {
        Peers.requirePeer(Peers.onPath(CLIENT).isPresent() && Peers.onPath(SERVER).isPresent(),
                CLIENT + " and " + SERVER + " (Debian package libcoap3-bin) are not on the PATH");
    }

    /** libcoap's client against Tern servers serving the demo and the plugtest resources. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class LibcoapClientAgainstTern {
        private final Trace demoTrace = new Trace();
        private final Trace plugtestTrace = new Trace();
        private CoapServer demo;
        private CoapServer plugtest;

        @BeforeAll
        void startServers() {
            demo = CoapServer.builder().port(0).bind("127.0.0.1").service(DemoResources.router())
                    .tracer(demoTrace).build().start();
            plugtest = CoapServer.builder().port(0).bind("127.0.0.1").service(PlugtestResources.router())
                    .tracer(plugtestTrace).build().start();
        }

        @AfterAll
        void stopServers() {
            if (demo != null) {
                demo.close();
            }
            if (plugtest != null) {
                plugtest.close();
            }
        }

        @BeforeEach
        void clearTraces() {
            demoTrace.clear();
            plugtestTrace.clear();
        }

        private String demo(String pathAndQuery) {
            return "coap://127.0.0.1:" + demo.port() + pathAndQuery;
        }

        private String plugtest(String pathAndQuery) {
            return "coap://127.0.0.1:" + plugtest.port() + pathAndQuery;
        }

        @Test
        void getHello() {
            Peers.Result r = coapClient(demo("/hello"));
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(r.out().strip()).as("%s", r).isEqualTo("Hello World!");
            assertThat(r.err()).as("%s", r).isEmpty();
        }

        @Test
        void putEchoIsEchoedAndKept() {
            Peers.Result put = coapClient("-m", "put", "-e", "text", demo("/echo"));
            assertThat(put.exitCode()).as("%s", put).isZero();
            assertThat(put.out().strip()).as("%s", put).isEqualTo("text");
            assertThat(demoTrace.sent()).anyMatch(s -> s.startsWith("ACK-2.04 "));

            Peers.Result get = coapClient(demo("/echo"));
            assertThat(get.out().strip()).as("%s", get).isEqualTo("text");
        }

        @Test
        void postCounterTwiceCountsOneThenTwo() {
            Peers.Result first = coapClient("-m", "post", demo("/counter"));
            Peers.Result second = coapClient("-m", "post", demo("/counter"));
            assertThat(first.out().strip()).as("%s", first).isEqualTo("1");
            assertThat(second.out().strip()).as("%s", second).isEqualTo("2");
            assertThat(coapClient(demo("/counter")).out().strip()).isEqualTo("2");
        }

        @Test
        void nonConfirmableGet() {
            Peers.Result r = coapClient("-N", demo("/hello"));
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(r.out().strip()).as("%s", r).isEqualTo("Hello World!");
            assertThat(demoTrace.received()).as("%s", demoTrace).anyMatch(s -> s.startsWith("NON-GET "));
            assertThat(demoTrace.sent()).as("%s", demoTrace).anyMatch(s -> s.startsWith("NON-2.05 "))
                    .noneMatch(s -> s.startsWith("ACK-"));
        }

        @Test
        void queryArgumentsAreEchoed() {
            Peers.Result r = coapClient(plugtest("/query?a=1&b=2"));
            assertThat(r.out().strip()).as("%s", r).isEqualTo("a=1&b=2");
        }

        @Test
        void separateResponse() {
            Peers.Result r = coapClient(plugtest("/separate"));
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(r.out()).as("%s", r).startsWith("Separate response after 1 s").contains("Type: CON");
            // RFC 7252 §5.2.2: an empty ACK first, then the response in its own CON, which libcoap ACKs.
            assertThat(plugtestTrace.sent()).as("%s", plugtestTrace)
                    .anySatisfy(s -> assertThat(s).startsWith("ACK-EMPTY "))
                    .anySatisfy(s -> assertThat(s).startsWith("CON-2.05 "));
            Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(plugtestTrace.received()).as("%s", plugtestTrace)
                            .anySatisfy(s -> assertThat(s).startsWith("ACK-EMPTY ")));
        }

        @Test
        void create1PutGetDeleteLifecycle() {
            Peers.Result absent = coapClient(plugtest("/create1"));
            assertThat(absent.out()).as("%s", absent).isEmpty();
            assertThat(absent.err()).as("%s", absent).contains("4.04");

            Peers.Result created = coapClient("-m", "put", "-e", "made by libcoap", plugtest("/create1"));
            assertThat(created.err()).as("%s", created).isEmpty();
            assertThat(plugtestTrace.sent()).anyMatch(s -> s.startsWith("ACK-2.01 "));

            assertThat(coapClient(plugtest("/create1")).out().strip()).isEqualTo("made by libcoap");

            plugtestTrace.clear();
            Peers.Result deleted = coapClient("-m", "delete", plugtest("/create1"));
            assertThat(deleted.exitCode()).as("%s", deleted).isZero();
            assertThat(deleted.err()).as("%s", deleted).isEmpty();
            assertThat(plugtestTrace.sent()).anyMatch(s -> s.startsWith("ACK-2.02 "));

            Peers.Result gone = coapClient(plugtest("/create1"));
            assertThat(gone.err()).as("%s", gone).contains("4.04");
        }

        @Test
        void deleteTest() {
            Peers.Result r = coapClient("-m", "delete", plugtest("/test"));
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(r.err()).as("%s", r).isEmpty();
            assertThat(plugtestTrace.sent()).anyMatch(s -> s.startsWith("ACK-2.02 "));
        }

        @Test
        void unknownPathIsNotFound() {
            Peers.Result r = coapClient(demo("/nope"));
            assertThat(r.out()).as("%s", r).isEmpty();
            assertThat(r.err()).as("%s", r).contains("4.04");
        }

        @Test
        void methodNotAllowed() {
            Peers.Result r = coapClient("-m", "delete", demo("/hello"));
            assertThat(r.err()).as("%s", r).contains("4.05");
        }

        @Test
        void wellKnownCore() {
            Peers.Result r = coapClient(plugtest("/.well-known/core"));
            assertThat(r.out()).as("%s", r).contains("</test>;rt=\"test\";ct=0").contains("</separate>");
        }

        @Test
        void ipv6LoopbackAgainstWildcardServer() {
            try (CoapServer dual = CoapServer.builder().port(0).service(DemoResources.router()).build().start()) {
                Peers.Result v6 = coapClient("coap://[::1]:" + dual.port() + "/hello");
                assertThat(v6.out().strip()).as("%s", v6).isEqualTo("Hello World!");
                // The wildcard socket is dual-stack: IPv4 reaches it too.
                Peers.Result v4 = coapClient("coap://127.0.0.1:" + dual.port() + "/hello");
                assertThat(v4.out().strip()).as("%s", v4).isEqualTo("Hello World!");
            }
        }
    }

    /** Tern's client and the tern command against libcoap's example server. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class TernAgainstLibcoapServer {
        private Peers.Daemon server;
        private CoapClient client;
        private int port;

        @BeforeAll
        void startServer() {
            port = Peers.freeUdpPort();
            server = Peers.startLibcoapServer(port);
            client = CoapClient.create();
        }

        @AfterAll
        void stopServer() {
            if (client != null) {
                client.close();
            }
            if (server != null) {
                server.close();
            }
        }

        private String uri(String path) {
            return "coap://127.0.0.1:" + port + path;
        }

        private Response call(Request.Builder request) {
            return client.call(request.timeout(REQUEST_TIMEOUT).build());
        }

        @Test
        void getRootBanner() {
            Response r = call(Request.get(uri("/")));
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).contains("This is a test server made with libcoap");
        }

        @Test
        void getTime() {
            Response r = call(Request.get(uri("/time")));
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isNotBlank();
        }

        @Test
        void putThenGetExampleData() {
            Response put = call(Request.put(uri("/example_data")).payload("written by Tern"));
            assertThat(put.code()).isIn(Code.CREATED, Code.CHANGED);
            Response get = call(Request.get(uri("/example_data")));
            assertThat(get.code()).isEqualTo(Code.CONTENT);
            assertThat(get.payloadString()).isEqualTo("written by Tern");
        }

        @Test
        void nonConfirmableGet() {
            Response r = call(Request.get(uri("/")).nonConfirmable());
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).contains("libcoap");
        }

        @Test
        void wellKnownCoreListsTime() {
            Response r = call(Request.get(uri("/.well-known/core")));
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).contains("</time>");
        }

        @Test
        void unknownPathIsNotFound() {
            assertThat(call(Request.get(uri("/no-such-resource"))).code()).isEqualTo(Code.NOT_FOUND);
        }

        @Test
        void ping() throws Exception {
            assertThat(client.ping(uri("/")).get(REQUEST_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                    .isPositive();
        }

        /**
         * {@code bin/tern get} as a separate process when the shaded jar has been built (it is in
         * {@code mvn package}, where tern-cli comes first in the reactor); otherwise the same
         * command in-process through {@link Main#execute}.
         */
        @Test
        void ternCommandGet() {
            Path root = Peers.repoRoot();
            Path launcher = root.resolve("bin/tern");
            Path jar = root.resolve("tern-cli/target/tern.jar");
            if (Files.isRegularFile(jar) && Files.isRegularFile(launcher)) {
                Peers.Result r = Peers.run(PROCESS_TIMEOUT, root,
                        List.of("sh", launcher.toString(), "get", uri("/")));
                assertThat(r.exitCode()).as("%s", r).isZero();
                assertThat(r.out()).as("%s", r).contains("This is a test server made with libcoap");
            } else {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                Io io = new Io(new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8), new ByteArrayInputStream(new byte[0]), false);
                int exit = Main.execute(io, "get", uri("/"));
                String o = out.toString(StandardCharsets.UTF_8);
                assertThat(exit).as("stdout %s, stderr %s", o, err.toString(StandardCharsets.UTF_8)).isZero();
                assertThat(o).contains("This is a test server made with libcoap");
            }
        }
    }

    /** Runs coap-client-notls with a 5 s wait for the response, bounded by {@link #PROCESS_TIMEOUT}. */
    private static Peers.Result coapClient(String... args) {
        List<String> command = new ArrayList<>();
        command.add(CLIENT);
        command.add("-B");
        command.add("5");
        command.addAll(List.of(args));
        return Peers.run(PROCESS_TIMEOUT, command);
    }
}
