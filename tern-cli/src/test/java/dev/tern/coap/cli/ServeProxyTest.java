package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code tern serve --proxy --proxy-allow ... --reverse PREFIX=URI} (RFC 7252 §5.7) on loopback. */
class ServeProxyTest {
    private final CoapServer origin = CoapServer.builder().port(0).bind("127.0.0.1")
            .service(Router.builder().get("/temp", r -> Response.content("21.5")).build()).build().start();
    private final CoapClient client = CoapClient.create();
    private final Captured output = new Captured(false);
    private ServeCommand serve;
    private final CompletableFuture<Integer> status = new CompletableFuture<>();

    @AfterEach
    void stop() {
        if (serve != null) {
            serve.stop();
            assertThat(status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(ExitCodes.OK);
        }
        client.close();
        origin.close();
    }

    private String serve(String... args) {
        CommandLine cl = Main.commandLine(output.io);
        serve = (ServeCommand) cl.getSubcommands().get("serve").getCommand();
        List<String> line = new ArrayList<>(List.of("serve", "--port", "0", "--bind", "127.0.0.1"));
        line.addAll(List.of(args));
        Thread t = new Thread(() -> status.complete(cl.execute(line.toArray(String[]::new))), "tern-serve-test");
        t.setDaemon(true);
        t.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> serve.address() != null || status.isDone());
        assertThat(status).as("serve %s exited: %s", line, output.err()).isNotDone();
        return "coap://127.0.0.1:" + serve.address().getPort();
    }

    private Response viaProxy(String proxy, String target) {
        return client.send(Request.get(proxy).option(Option.ofString(OptionNumber.PROXY_URI, target))
                .timeout(Duration.ofSeconds(10)).build()).orTimeout(15, TimeUnit.SECONDS).join();
    }

    private String originUri(String path) {
        return "coap://127.0.0.1:" + origin.port() + path;
    }

    @Test
    void proxyForwardsToTheAllowedUpstreamsOnly() {
        String proxy = serve("--proxy", "--proxy-allow", "127.0.0.1:" + origin.port() + ",10.0.0.0/8");
        assertThat(viaProxy(proxy, originUri("/temp")).payloadString()).isEqualTo("21.5");
        assertThat(viaProxy(proxy, "coap://127.0.0.1:" + (origin.port() == 1 ? 2 : origin.port() - 1) + "/temp")
                .code()).isEqualTo(Code.FORBIDDEN);
        assertThat(output.err()).contains("tern: proxying: forward proxy to 127.0.0.1:" + origin.port());
        assertThat(client.send(Request.get(proxy + "/hello").build()).join().code()).isEqualTo(Code.CONTENT);
    }

    /** {@code tern get -P coap://PROXY URI}, as libcoap's coap-client -P. */
    @Test
    void ternGetThroughTheProxyWithDashP() {
        String proxy = serve("--proxy", "--proxy-allow", "127.0.0.1");
        Captured get = new Captured(false);
        assertThat(get.run("get", "-B", "10", "-P", proxy, originUri("/temp"))).as(get.err()).isEqualTo(ExitCodes.OK);
        assertThat(get.out()).contains("21.5");
        Captured refused = new Captured(false);
        assertThat(refused.run("get", "-B", "10", "--proxy", proxy, "coap://127.0.0.2:" + origin.port() + "/temp"))
                .isEqualTo(ExitCodes.CLIENT_ERROR);
        assertThat(refused.err()).contains("4.03");
    }

    @Test
    void withoutProxyServeAnswers505AndWithoutAllowRefusesEverything() {
        String plain = serve();
        assertThat(viaProxy(plain, originUri("/temp")).code()).isEqualTo(Code.PROXYING_NOT_SUPPORTED);
    }

    @Test
    void proxyWithoutAllowIsNoOpenRelay() {
        String proxy = serve("--proxy");
        assertThat(viaProxy(proxy, originUri("/temp")).code()).isEqualTo(Code.FORBIDDEN);
        assertThat(output.err()).contains("forward proxy to nothing (no --proxy-allow)");
    }

    @Test
    void reverseMapsAPrefixToTheOrigin() {
        String proxy = serve("--reverse", "/dev=" + originUri(""));
        Response r = client.send(Request.get(proxy + "/dev/temp").build()).orTimeout(15, TimeUnit.SECONDS).join();
        assertThat(r.payloadString()).isEqualTo("21.5");
        assertThat(client.send(Request.get(proxy + "/hello").build()).join().payloadString()).contains("Hello");
    }

    @Test
    void badProxyFlagsAreUsageErrors() {
        for (String[] args : List.of(new String[] {"serve", "--reverse", "dev"},
                new String[] {"serve", "--reverse", "/dev=http://example.org"},
                new String[] {"serve", "--proxy-allow", "127.0.0.1"},
                new String[] {"serve", "--proxy", "--proxy-allow", "127.0.0.1:notaport"})) {
            Captured out = new Captured(false);
            assertThat(Main.commandLine(out.io).execute(args)).as(String.join(" ", args) + ": " + out.err())
                    .isEqualTo(ExitCodes.USAGE);
        }
    }

    /** {@code tern serve --http 0 --proxy-allow 127.0.0.1}: HTTP-to-CoAP (RFC 8075) on 127.0.0.1 only. */
    @Test
    void httpGatewayServesTheAllowedUpstreams() throws Exception {
        serve("--http", "0", "--proxy-allow", "127.0.0.1");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> serve.httpAddress() != null);
        java.net.InetSocketAddress http = serve.httpAddress();
        assertThat(http.getAddress().isLoopbackAddress()).isTrue();
        java.net.http.HttpClient web = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> r = web.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://127.0.0.1:" + http.getPort() + "/hc/" + originUri("/temp"))).timeout(Duration.ofSeconds(15)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("21.5");
        assertThat(output.err()).contains("tern: serving http://127.0.0.1:").contains("HTTP gateway to 127.0.0.1");
        assertThat(new Captured(false).run("serve", "--http", "70000")).isEqualTo(ExitCodes.USAGE);
        assertThat(new Captured(false).run("serve", "--proxy-http")).isEqualTo(ExitCodes.USAGE);
    }
}
