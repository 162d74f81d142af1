package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Extended tokens (RFC 8974) against libcoap 4.3.4, the first libcoap with them (Debian trixie's
 * libcoap3-bin, unpacked by {@code shared/peers/libcoap-trixie.sh} without installing anything).
 * libcoap's client probes a server with a long token first (a GET with If-None-Match: RST means
 * no support) and then sends its {@code -T} token; libcoap's server takes long tokens with
 * {@code -T max_token_size} and answers RST to them without it.
 *
 * <p>The binaries are looked for in {@value Peers#LIBCOAP_434_BIN_ENV} or else where the script puts them,
 * {@code ${TERN_PEERS:-$HOME/.cache/tern-peers}/libcoap-4.3.4/bin}. Missing: skipped, with the way
 * to get them; a failure under {@code TERN_INTEROP_REQUIRED=1} only when {@value Peers#LIBCOAP_434_BIN_ENV} is set
 * (CI sets it when the script worked there).
 */
@Timeout(120)
class LibcoapExtendedTokenInteropTest {
    /** The directory with libcoap 4.3.4's wrappers; CI sets it when the download script succeeded. */
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern TOKEN = Pattern.compile("Token=0x([0-9a-fA-F]+)");
    private static Path bin;

    @BeforeAll
    static void libcoap434Present() {
        bin = Peers.libcoap434("coap-client-notls", "coap-server-notls");
    }

    private static String tool(String name) {
        return bin.resolve(name).toString();
    }

    private static List<Integer> tokenLengths(List<String> summaries) {
        List<Integer> out = new ArrayList<>();
        for (String s : summaries) {
            Matcher m = TOKEN.matcher(s);
            out.add(m.find() ? m.group(1).length() / 2 : 0);
        }
        return out;
    }

    private static CoapServer ternServer(EndpointConfig config, Trace trace) {
        Router router = Router.builder().get("/hello", req -> Response.content("Hello World!")).build();
        return CoapServer.builder().port(0).bind("127.0.0.1").service(router).config(config).tracer(trace)
                .build().start();
    }

    @Test
    void libcoapClientSendsA20ByteTokenToTern() {
        Trace trace = new Trace();
        try (CoapServer server = ternServer(EndpointConfig.defaults(), trace)) {
            Peers.Result r = Peers.run(PROCESS_TIMEOUT, List.of(tool("coap-client-notls"), "-B", "10",
                    "-T", "abcdefghijklmnopqrst", "coap://127.0.0.1:" + server.port() + "/hello"));
            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(r.out().strip()).as("%s", r).isEqualTo("Hello World!");
            // libcoap's probe and the request itself both carried 20-byte tokens, echoed in the answers
            assertThat(tokenLengths(trace.received())).as("%s", trace).contains(20).doesNotContain(9, 10, 11, 12);
            assertThat(trace.sent()).as("%s", trace).anyMatch(s -> s.startsWith("ACK-2.05") && s.contains("Token=0x"))
                    .noneMatch(s -> s.startsWith("RST"));
            assertThat(tokenLengths(trace.sent())).as("%s", trace).containsOnly(20);
        }
    }

    @Test
    void libcoapClientWithALongerTokenThanTernTakesGets400() {
        Trace trace = new Trace();
        try (CoapServer server = ternServer(EndpointConfig.builder().maxTokenLength(16).build(), trace)) {
            Peers.Result r = Peers.run(PROCESS_TIMEOUT, List.of(tool("coap-client-notls"), "-B", "10",
                    "-T", "abcdefghijklmnopqrst", "coap://127.0.0.1:" + server.port() + "/hello"));
            assertThat(r.out() + r.err()).as("%s", r).doesNotContain("Hello World!");
            assertThat(trace.sent()).as("%s", trace).isNotEmpty().allMatch(s -> s.startsWith("ACK-4.00"));
        }
    }

    @Test
    void ternClientSends32ByteTokensToALibcoapServerThatTakesThem() {
        int port = Peers.freeUdpPort();
        try (Peers.Daemon server = Peers.Daemon.start(null, List.of(tool("coap-server-notls"), "-A", "127.0.0.1",
                "-p", Integer.toString(port), "-T", "65804"))) {
            Trace trace = new Trace();
            try (CoapClient client = CoapClient.builder().config(EndpointConfig.builder().tokenLength(32).build())
                    .tracer(trace).build()) {
                Response r = awaitServer(client, server, "coap://127.0.0.1:" + port + "/");
                assertThat(r.code()).isEqualTo(Code.CONTENT);
                assertThat(r.payloadString()).contains("libcoap");
                assertThat(tokenLengths(trace.sent())).as("%s", trace).containsOnly(32);
                assertThat(tokenLengths(trace.received())).as("%s", trace).containsOnly(32);
            }
        }
    }

    @Test
    void ternClientFallsBackToShortTokensForALibcoapServerWithoutThem() {
        int port = Peers.freeUdpPort();
        try (Peers.Daemon server = Peers.Daemon.start(null, List.of(tool("coap-server-notls"), "-A", "127.0.0.1",
                "-p", Integer.toString(port)))) {
            Trace trace = new Trace();
            try (CoapClient client = CoapClient.builder().config(EndpointConfig.builder().tokenLength(32).build())
                    .tracer(trace).build()) {
                Response r = awaitServer(client, server, "coap://127.0.0.1:" + port + "/");
                assertThat(r.code()).isEqualTo(Code.CONTENT);
                assertThat(trace.received()).as("%s", trace).anyMatch(s -> s.startsWith("RST"));
                trace.clear();
                Response again = client.call(Request.get("coap://127.0.0.1:" + port + "/").build());
                assertThat(again.code()).isEqualTo(Code.CONTENT);
                assertThat(tokenLengths(trace.sent())).as("remembered: %s", trace).containsOnly(8);
            }
        }
    }

    /** The first successful GET, retried while the server process starts up. */
    private static Response awaitServer(CoapClient client, Peers.Daemon server, String uri) {
        Response[] last = new Response[1];
        org.awaitility.Awaitility.await("libcoap server answering " + uri)
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .failFast("coap-server exited", () -> !server.isAlive())
                .until(() -> {
                    last[0] = client.call(Request.get(uri).timeout(Duration.ofSeconds(2)).build());
                    return last[0].isSuccess();
                });
        return last[0];
    }
}
