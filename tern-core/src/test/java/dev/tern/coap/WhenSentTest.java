package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Response.Builder#whenSent}: the action runs once the engine is done with the response,
 * exactly once, after the datagram carrying it went to the transport (the server's tracer sees the
 * datagram first), or when the response is not sent at all.
 */
class WhenSentTest {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicReference<CompletableFuture<Response>> late = new AtomicReference<>();
    private CoapServer server;
    private CoapClient client;

    private String start(EndpointConfig config) {
        Service service = request -> switch (request.path()) {
            case "/late" -> {
                CompletableFuture<Response> f = new CompletableFuture<>();
                late.set(f);
                yield f;
            }
            case "/big" -> CompletableFuture.completedFuture(Response.builder(Code.CONTENT).payload("x".repeat(3000))
                    .whenSent(() -> events.add("whenSent")).build());
            default -> CompletableFuture.completedFuture(Response.builder(Code.CONTENT).payload("hi")
                    .whenSent(() -> events.add("whenSent")).build());
        };
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(service).config(config)
                .tracer(new MessageTracer() {
                    @Override
                    public void sent(InetSocketAddress peer, String summary) {
                        events.add("sent " + summary.split(" ")[0] + " " + summary.split(" ")[1]);
                    }

                    @Override
                    public void received(InetSocketAddress peer, String summary) {
                    }
                }).build().start();
        client = CoapClient.create();
        return "coap://127.0.0.1:" + server.port();
    }

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
    void runsOnceRightAfterThePiggybackedResponseLeft() {
        String base = start(EndpointConfig.defaults());
        assertThat(client.get(base + "/hello").payloadString()).isEqualTo("hi");
        await().atMost(Duration.ofSeconds(2)).until(() -> events.contains("whenSent"));
        assertThat(events).hasSize(2);
        assertThat(events.get(0)).startsWith("sent ").contains("2.05");
        assertThat(events.get(1)).isEqualTo("whenSent");
    }

    @Test
    void aSlicedBodyRunsItWithTheFirstBlockOnly() {
        String base = start(EndpointConfig.defaults());
        assertThat(client.get(base + "/big").payload().length()).isEqualTo(3000);
        await().atMost(Duration.ofSeconds(2)).until(() -> events.contains("whenSent"));
        assertThat(events.stream().filter(e -> e.equals("whenSent"))).hasSize(1);
        assertThat(events.indexOf("whenSent")).isEqualTo(1); // after block 0, before block 1
        assertThat(events.stream().filter(e -> e.startsWith("sent "))).hasSizeGreaterThan(2);
    }

    @Test
    void aSuppressedResponseRunsItToo() {
        String base = start(EndpointConfig.defaults());
        // No-Response 2 (RFC 7967): no 2.xx; a NON request, so nothing at all goes back
        client.send(Request.get(base + "/hello").confirmable(false).option(Option.ofUint(OptionNumber.NO_RESPONSE, 2))
                .build()).exceptionally(e -> null);
        await().atMost(Duration.ofSeconds(2)).until(() -> events.contains("whenSent"));
        assertThat(events).containsExactly("whenSent");
    }

    @Test
    void aResponseAfterTheHandlerTimeoutRunsItWithoutBeingSent() {
        String base = start(EndpointConfig.builder().separateResponseDelay(Duration.ofMillis(50))
                .handlerTimeout(Duration.ofMillis(300)).build());
        assertThat(client.get(base + "/late").code()).isEqualTo(Code.SERVICE_UNAVAILABLE);
        events.clear();
        late.get().complete(Response.builder(Code.CONTENT).whenSent(() -> events.add("whenSent")).build());
        await().atMost(Duration.ofSeconds(2)).until(() -> events.contains("whenSent"));
        assertThat(events).containsExactly("whenSent");
    }
}
