package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Code;
import dev.tern.coap.CoapResetException;
import dev.tern.coap.CoapTimeoutException;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole commands (parsing, request building, sending, printing, exit status) with the requests
 * handed straight to the demo and plugtest routers instead of going over UDP.
 */
class CommandPipelineTest {
    private final List<Request> sent = new ArrayList<>();

    private Exchanger.Factory serving(Service service) {
        return (tracer, security, maxBodySize) -> new Exchanger() {
            @Override
            public CompletableFuture<Response> send(Request request) {
                sent.add(request);
                if (tracer != null) {
                    tracer.sent(request.peer(), "CON-" + request.method() + " " + request.path());
                }
                return service.handle(request).thenApply(r -> {
                    if (tracer != null) {
                        tracer.received(request.peer(), "ACK-" + r.code());
                    }
                    return r;
                });
            }

            @Override
            public CompletableFuture<Duration> ping(String uri) {
                return CompletableFuture.completedFuture(Duration.ofNanos(1_234_000));
            }

            @Override
            public void close() {
            }
        };
    }

    private int run(Captured c, Service service, String... args) {
        return Main.commandLine(c.io, serving(service)).execute(args);
    }

    @Test
    void getHello() {
        Captured c = new Captured(false);
        assertThat(run(c, DemoResources.router(), "get", "coap://127.0.0.1/hello")).isZero();
        assertThat(c.out()).isEqualTo("Hello World!");
        assertThat(c.err()).isEmpty();
        Request r = sent.get(0);
        assertThat(r.peer().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(r.peer().getPort()).isEqualTo(5683);
    }

    @Test
    void terminalAddsNewline() {
        Captured c = new Captured(true);
        assertThat(run(c, DemoResources.router(), "get", "127.0.0.1/hello")).isZero();
        assertThat(c.out()).isEqualTo("Hello World!" + System.lineSeparator());
    }

    @Test
    void notFoundIs4WithCodeOnStderr() {
        Captured c = new Captured(false);
        assertThat(run(c, DemoResources.router(), "get", "coap://127.0.0.1/nope")).isEqualTo(4);
        assertThat(c.out()).isEmpty();
        assertThat(c.err()).isEqualTo("tern: 4.04 Not Found" + System.lineSeparator());
    }

    @Test
    void quietHidesTheCode() {
        Captured c = new Captured(false);
        assertThat(run(c, DemoResources.router(), "get", "-q", "coap://127.0.0.1/nope")).isEqualTo(4);
        assertThat(c.err()).isEmpty();
    }

    @Test
    void serverErrorIs5AndDiagnosticPayloadIsShown() {
        Captured c = new Captured(false);
        Service broken = Service.of(req -> Response.of(Code.SERVICE_UNAVAILABLE, "try later"));
        assertThat(run(c, broken, "get", "coap://127.0.0.1/x")).isEqualTo(5);
        assertThat(c.out()).isEqualTo("try later");
        assertThat(c.err()).contains("5.03 Service Unavailable");
    }

    @Test
    void verboseShowsMessagesAndHead() {
        Captured c = new Captured(false);
        assertThat(run(c, DemoResources.router(), "get", "-v", "coap://127.0.0.1/hello")).isZero();
        assertThat(c.out()).isEqualTo("Hello World!");
        assertThat(c.err()).isEqualTo(String.join(System.lineSeparator(),
                "> 127.0.0.1:5683 CON-GET /hello", "< 127.0.0.1:5683 ACK-2.05", "2.05 Content", "  Content-Format:0 (text/plain;charset=utf-8)", ""));
    }

    @Test
    void postJsonPrettyOnTerminal() {
        Captured c = new Captured(true);
        assertThat(run(c, DemoResources.router(), "post", "-t", "json", "coap://127.0.0.1/echo", "{\"on\":true}")).isZero();
        assertThat(c.out()).isEqualTo("{\n  \"on\": true\n}" + System.lineSeparator());
        Captured piped = new Captured(false);
        assertThat(run(piped, DemoResources.router(), "post", "-t", "json", "coap://127.0.0.1/echo", "{\"on\":true}")).isZero();
        assertThat(piped.out()).isEqualTo("{\"on\":true}");
    }

    @Test
    void jsonFormat() {
        Captured c = new Captured(true);
        assertThat(run(c, DemoResources.router(), "post", "--format", "json", "coap://127.0.0.1/counter")).isZero();
        assertThat(c.out()).isEqualTo("{\"code\":\"2.04\",\"reason\":\"Changed\",\"options\":[{\"number\":12,"
                + "\"name\":\"Content-Format\",\"value\":0}],\"contentFormat\":0,\"payload\":\"1\","
                + "\"payloadEncoding\":\"text\"}" + System.lineSeparator());
    }

    @Test
    void jsonFormatKeepsStderrQuietOnErrors() {
        Captured c = new Captured(false);
        assertThat(run(c, DemoResources.router(), "get", "--format", "json", "coap://127.0.0.1/nope")).isEqualTo(4);
        assertThat(c.out()).startsWith("{\"code\":\"4.04\",\"reason\":\"Not Found\"");
        assertThat(c.err()).isEmpty();
    }

    @Test
    void outputFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out.txt");
        Captured c = new Captured(true);
        assertThat(run(c, DemoResources.router(), "get", "-o", file.toString(), "coap://127.0.0.1/hello")).isZero();
        assertThat(Files.readString(file)).isEqualTo("Hello World!");
        assertThat(c.out()).isEmpty();
    }

    @Test
    void queryFromUriAndOptions() {
        Captured c = new Captured(false);
        assertThat(run(c, PlugtestResources.router(), "get", "-O", "15,b=2", "coap://127.0.0.1/query?a=1")).isZero();
        assertThat(c.out()).isEqualTo("a=1&b=2");
    }

    @Test
    void separateAndConditionalPut() {
        Service plugtest = PlugtestResources.router(Duration.ofMillis(50));
        Captured c = new Captured(false);
        assertThat(run(c, plugtest, "get", "coap://127.0.0.1/separate")).isZero();
        assertThat(c.out()).startsWith("Separate response");
        assertThat(run(new Captured(false), plugtest, "put", "-O", "If-None-Match", "coap://127.0.0.1/create1", "a"))
                .isZero();
        Captured again = new Captured(false);
        assertThat(run(again, plugtest, "put", "-O", "5", "coap://127.0.0.1/create1", "b")).isEqualTo(4);
        assertThat(again.err()).contains("4.12 Precondition Failed");
    }

    @Test
    void timeoutIs3() {
        Captured c = new Captured(false);
        Service silent = req -> CompletableFuture.failedFuture(new CoapTimeoutException("no ACK"));
        assertThat(run(c, silent, "get", "-B", "1", "coap://127.0.0.1/hello")).isEqualTo(3);
        assertThat(c.err()).isEqualTo("tern: no response from coap://127.0.0.1/hello within 1 s (timeout)"
                + System.lineSeparator());
        assertThat(sent.get(0).timeout()).hasValue(Duration.ofSeconds(1));
    }

    @Test
    void hangingClientIsCutOffAfterTheTimeout() {
        Captured c = new Captured(false);
        Service never = req -> new CompletableFuture<>();
        long start = System.nanoTime();
        assertThat(run(c, never, "get", "-B", "0.1", "coap://127.0.0.1/hello")).isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(c.err()).contains("within 100 ms (timeout)");
    }

    @Test
    void resetIs1() {
        Captured c = new Captured(false);
        Service reset = req -> CompletableFuture.failedFuture(new CoapResetException("RST"));
        assertThat(run(c, reset, "get", "coap://127.0.0.1/hello")).isEqualTo(1);
        assertThat(c.err()).contains("answered with Reset");
    }

    @Test
    void handlerCrashIs1() {
        Captured c = new Captured(false);
        Service crash = req -> {
            throw new IllegalStateException("boom");
        };
        assertThat(run(c, crash, "get", "coap://127.0.0.1/hello")).isEqualTo(1);
        assertThat(c.err()).isEqualTo("tern: IllegalStateException: boom" + System.lineSeparator());
    }

    @Test
    void ping() {
        Captured c = new Captured(false);
        assertThat(run(c, DemoResources.router(), "ping", "coap://127.0.0.1")).isZero();
        assertThat(c.out()).isEqualTo("pong from 127.0.0.1:5683 in 1.2 ms" + System.lineSeparator());
        Captured v6 = new Captured(false);
        assertThat(run(v6, DemoResources.router(), "ping", "coap://[::1]:5700")).isZero();
        assertThat(v6.out()).startsWith("pong from [::1]:5700 in ");
    }

    @Test
    void pingUnknownHostIs1() {
        Captured c = new Captured(false);
        assertThat(run(c, DemoResources.router(), "ping", "coap://no-such-host.invalid")).isEqualTo(1);
        assertThat(c.err()).contains("cannot resolve host");
    }
}
