package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Block-wise transfer (RFC 7959) across implementations: libcoap's client ({@code -b 64}) against
 * a Tern server with Block2 GET, Block1 PUT and Block1+Block2 POST; Tern's client with 64-byte
 * blocks against libcoap's example server ({@code /example_data}); and Tern against node-coap,
 * which does Block2 on its own both ways. Skipped when a peer is missing unless
 * {@code TERN_INTEROP_REQUIRED=1}.
 */
@Timeout(90)
class BlockwiseInteropTest {
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(25);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** What Tern's {@code /large} serves: 5000 bytes of known text. */
    static final String LARGE = text(5000);

    /** {@code "00000|00001|..."} cut to {@code length}; node/server.js builds the same (3000 bytes). */
    static String text(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; sb.length() < length; i++) {
            sb.append(String.format(Locale.ROOT, "%05d|", i));
        }
        return sb.substring(0, length);
    }


    private static void requireLibcoapClient() {
        Peers.requirePeer(Peers.onPath("coap-client-notls").isPresent(), "coap-client-notls is not on the PATH");
    }

    private static void requireNode() {
        Peers.requirePeer(Files.isRegularFile(Peers.nodeDir().resolve("node_modules/coap/package.json")),
                "node-coap is not installed (run: cd tern-interop/node && npm ci)");
    }

    /** Peers against a Tern server with /large (GET), /large-update (PUT, GET) and /large-post (POST). */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class PeersAgainstTern {
        private final Trace trace = new Trace();
        private final AtomicReference<Bytes> stored = new AtomicReference<>(Bytes.EMPTY);
        private CoapServer server;
        private Path tmp;

        @BeforeAll
        void start() throws IOException {
            Router router = Router.builder()
                    .get("/large", req -> Response.content(LARGE))
                    .put("/large-update", req -> {
                        stored.set(req.payload());
                        return Response.of(Code.CHANGED);
                    })
                    .get("/large-update", req -> Response.content(stored.get().utf8()))
                    .post("/large-post", req -> Response.builder(Code.CHANGED)
                            .payload(req.payload().utf8().toUpperCase(Locale.ROOT)).build())
                    .build();
            server = CoapServer.builder().port(0).bind("127.0.0.1").service(router).tracer(trace).build().start();
            tmp = Files.createTempDirectory("tern-blockwise-");
        }

        @AfterAll
        void stop() throws IOException {
            if (server != null) {
                server.close();
            }
            if (tmp != null) {
                try (var files = Files.list(tmp)) {
                    for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(tmp);
            }
        }

        @BeforeEach
        void clear() {
            trace.clear();
        }

        private String uri(String path) {
            return "coap://127.0.0.1:" + server.port() + path;
        }

        private Path file(String name, String content) {
            try {
                return Files.writeString(tmp.resolve(name), content, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Peers.Result libcoap(String... args) {
            List<String> command = new java.util.ArrayList<>(List.of("coap-client-notls", "-B", "10"));
            command.addAll(List.of(args));
            return Peers.run(PROCESS_TIMEOUT, command);
        }

        /** libcoap prints the body and a final newline. */
        private String body(Peers.Result r) {
            assertThat(r.exitCode()).as("%s", r).isZero();
            return r.out().endsWith("\n") ? r.out().substring(0, r.out().length() - 1) : r.out();
        }

        @Test
        void libcoapGetsLargeInBlocksOf64() {
            requireLibcoapClient();
            Peers.Result r = libcoap("-b", "64", uri("/large"));
            assertThat(body(r)).isEqualTo(LARGE);
            // 5000 bytes in 64-byte blocks: 79 responses, the last NUM 78
            assertThat(trace.sent()).as("%s", trace).filteredOn(s -> s.contains("Block2")).hasSize(79);
        }

        @Test
        void libcoapPutsThenGetsLargeInBlocksOf64() {
            requireLibcoapClient();
            String upload = text(3000).replace('|', ';');
            Peers.Result put = libcoap("-m", "put", "-b", "64", "-f", file("put.txt", upload).toString(),
                    uri("/large-update"));
            assertThat(put.exitCode()).as("%s", put).isZero();
            assertThat(stored.get().utf8()).isEqualTo(upload);
            assertThat(trace.received()).as("%s", trace).filteredOn(s -> s.contains("Block1")).hasSize(47);
            Peers.Result get = libcoap("-b", "64", uri("/large-update"));
            assertThat(body(get)).isEqualTo(upload);
        }

        @Test
        void libcoapPostsLargeAndGetsItUpperCased() {
            requireLibcoapClient();
            String upload = text(3000).replace('|', 'x');
            Peers.Result r = libcoap("-m", "post", "-b", "64", "-f", file("post.txt", upload).toString(),
                    uri("/large-post"));
            assertThat(body(r)).isEqualTo(upload.toUpperCase(Locale.ROOT));
            assertThat(trace.received()).as("%s", trace).anyMatch(s -> s.contains("Block1"));
            assertThat(trace.sent()).as("%s", trace).anyMatch(s -> s.contains("Block2"));
        }

        @Test
        void nodeGetsLarge() {
            requireNode();
            Peers.Result r = Peers.run(PROCESS_TIMEOUT, Peers.nodeDir(), List.of("node", "client.js", uri("/large")));
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(r.out()).isEqualTo(LARGE);
            assertThat(trace.sent()).as("%s", trace).filteredOn(s -> s.contains("Block2")).hasSizeGreaterThan(1);
        }
    }

    /** Tern's client against libcoap's example server and node-coap's server. */
    @Nested
    class TernAgainstPeers {
        @Test
        void ternPutsAndGetsExampleDataOfLibcoapInBlocksOf64() {
            Peers.requirePeer(Peers.onPath("coap-server-notls").isPresent(), "coap-server-notls is not on the PATH");
            int port = Peers.freeUdpPort();
            Trace trace = new Trace();
            try (Peers.Daemon server = Peers.startLibcoapServer(port);
                 CoapClient client = CoapClient.builder().tracer(trace).build()) {
                String uri = "coap://127.0.0.1:" + port + "/example_data";
                String upload = text(3000).replace('|', '/');
                Response put = client.call(Request.put(uri).payload(upload).blockSize(64).timeout(REQUEST_TIMEOUT)
                        .build());
                assertThat(put.code().isSuccess()).as("PUT %s, server %s", put, server).isTrue();
                Response get = client.call(Request.get(uri).blockSize(64).timeout(REQUEST_TIMEOUT).build());
                assertThat(get.code()).isEqualTo(Code.CONTENT);
                assertThat(get.payloadString()).isEqualTo(upload);
                assertThat(trace.sent()).as("%s", trace).filteredOn(s -> s.contains("Block1")).hasSize(47);
                assertThat(trace.received()).as("%s", trace).filteredOn(s -> s.contains("Block2")).hasSize(47);
            }
        }

        @Test
        void ternGetsLargeFromNode() {
            requireNode();
            int port = Peers.freeUdpPort();
            Trace trace = new Trace();
            try (Peers.Daemon server = Peers.startNodeServer(port);
                 CoapClient client = CoapClient.builder().tracer(trace).build()) {
                assertThat(server.isAlive()).as("%s", server).isTrue();
                Response r = client.call(Request.get("coap://127.0.0.1:" + port + "/large").timeout(REQUEST_TIMEOUT)
                        .build());
                assertThat(r.code()).isEqualTo(Code.CONTENT);
                assertThat(r.payloadString()).isEqualTo(text(3000));
                assertThat(trace.received()).as("%s", trace).filteredOn(s -> s.contains("Block2")).hasSizeGreaterThan(1);
            }
        }
    }
}
