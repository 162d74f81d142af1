package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.cli.DemoResources;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Tern against node-coap 1.5.0 ({@code node/server.js} and {@code node/client.js}, with the
 * dependency installed by {@code npm ci} in {@code tern-interop/node}). Skipped when node or
 * {@code node_modules} is missing unless {@code TERN_INTEROP_REQUIRED=1}.
 */
@Timeout(60)
class NodeCoapInteropTest {
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);


    @BeforeAll
    static void nodeCoapPresent() {
        Peers.requirePeer(Peers.onPath("node").isPresent(), "node is not on the PATH");
        Peers.requirePeer(Files.isRegularFile(Peers.nodeDir().resolve("node_modules/coap/package.json")),
                "node-coap is not installed (run: cd tern-interop/node && npm ci)");
    }

    /** Tern's client against the node-coap server. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class TernAgainstNodeServer {
        private Peers.Daemon server;
        private CoapClient client;
        private int port;

        @BeforeAll
        void startServer() {
            port = Peers.freeUdpPort();
            server = Peers.startNodeServer(port);
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
        void getHello() {
            Response r = call(Request.get(uri("/hello")));
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isEqualTo("Hello from node");
        }

        @Test
        void postEcho() {
            Response r = call(Request.post(uri("/echo")).payload("ping from Tern"));
            assertThat(r.code()).isEqualTo(Code.CHANGED);
            assertThat(r.payloadString()).isEqualTo("ping from Tern");
        }

        @Test
        void nonConfirmableGet() {
            Response r = call(Request.get(uri("/hello")).nonConfirmable());
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isEqualTo("Hello from node");
        }

        @Test
        void nonConfirmablePost() {
            Response r = call(Request.post(uri("/echo")).payload("non").nonConfirmable());
            assertThat(r.code()).isEqualTo(Code.CHANGED);
            assertThat(r.payloadString()).isEqualTo("non");
        }

        @Test
        void unknownPathIsNotFound() {
            assertThat(call(Request.get(uri("/nope"))).code()).isEqualTo(Code.NOT_FOUND);
        }
    }

    /** The node-coap client against a Tern server with the demo resources. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class NodeClientAgainstTern {
        private final Trace trace = new Trace();
        private CoapServer server;

        @BeforeAll
        void startServer() {
            server = CoapServer.builder().port(0).bind("127.0.0.1").service(DemoResources.router())
                    .tracer(trace).build().start();
        }

        @AfterAll
        void stopServer() {
            if (server != null) {
                server.close();
            }
        }

        @BeforeEach
        void clearTrace() {
            trace.clear();
        }

        private String uri(String path) {
            return "coap://127.0.0.1:" + server.port() + path;
        }

        @Test
        void getHello() {
            Peers.Result r = nodeClient(uri("/hello"));
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(r.out()).as("%s", r).isEqualTo("Hello World!");
            assertThat(r.err().strip()).as("%s", r).isEqualTo("2.05");
        }

        @Test
        void nonConfirmableGet() {
            Peers.Result r = nodeClient("--non", uri("/hello"));
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(r.out()).as("%s", r).isEqualTo("Hello World!");
            assertThat(trace.received()).as("%s", trace).anyMatch(s -> s.startsWith("NON-GET "));
        }

        @Test
        void postCounterTwice() {
            Peers.Result first = nodeClient("--method", "POST", uri("/counter"));
            Peers.Result second = nodeClient("--method", "POST", uri("/counter"));
            assertThat(first.exitCode()).as("%s", first).isZero();
            assertThat(first.out()).as("%s", first).isEqualTo("1");
            assertThat(first.err().strip()).as("%s", first).isEqualTo("2.04");
            assertThat(second.out()).as("%s", second).isEqualTo("2");
        }

        @Test
        void postEchoPayload() {
            Peers.Result r = nodeClient("--method", "POST", "--payload", "from node", uri("/echo"));
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(r.out()).as("%s", r).isEqualTo("from node");
        }

        @Test
        void notFoundExitsNonZero() {
            Peers.Result r = nodeClient(uri("/nope"));
            assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
            assertThat(r.err().strip()).as("%s", r).isEqualTo("4.04");
        }
    }

    private static Peers.Result nodeClient(String... args) {
        List<String> command = new ArrayList<>(List.of("node", "client.js"));
        command.addAll(List.of(args));
        return Peers.run(PROCESS_TIMEOUT, Peers.nodeDir(), command);
    }
}
