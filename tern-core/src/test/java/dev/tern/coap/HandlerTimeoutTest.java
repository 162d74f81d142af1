package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link EndpointConfig#handlerTimeout()}: a handler that never completes gets 5.03 with Max-Age. */
class HandlerTimeoutTest {
    private final AtomicReference<CompletableFuture<Response>> hanging = new AtomicReference<>();
    private CoapServer server;
    private CoapClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void neverCompletingHandlerIs503AndServerStillServes() {
        Service service = request -> {
            if (request.path().equals("/never")) {
                CompletableFuture<Response> f = new CompletableFuture<>();
                hanging.set(f);
                return f;
            }
            return CompletableFuture.completedFuture(Response.content("Hello World!"));
        };
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(service)
                .config(EndpointConfig.builder().separateResponseDelay(Duration.ofMillis(50))
                        .handlerTimeout(Duration.ofMillis(300)).build())
                .build().start();
        client = CoapClient.create();
        String base = "coap://127.0.0.1:" + server.port();

        long start = System.nanoTime();
        Response r = client.get(base + "/never");
        assertThat(r.code()).isEqualTo(Code.SERVICE_UNAVAILABLE);
        assertThat(r.options().maxAge()).isPresent();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));

        // A late completion is ignored; the server keeps serving.
        hanging.get().complete(Response.content("too late"));
        Response ok = client.get(base + "/hello");
        assertThat(ok.code()).isEqualTo(Code.CONTENT);
        assertThat(ok.payloadString()).isEqualTo("Hello World!");
    }

    @Test
    void handlerTimeoutIsValidated() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> EndpointConfig.builder().handlerTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(EndpointConfig.defaults().handlerTimeout()).isEqualTo(Duration.ofSeconds(30));
    }
}
