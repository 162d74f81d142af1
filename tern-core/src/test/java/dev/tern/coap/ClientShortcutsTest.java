package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client's shortcuts (issue 16): get with a timeout, put, post, delete; how failures surface. */
class ClientShortcutsTest {
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private CoapServer server;
    private CoapClient client;
    private String base;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .get("/r", r -> Response.content("got"))
                .put("/r", r -> {
                    seen.add("PUT " + r.payloadString() + " cf=" + r.options().contentFormat().orElse(-1));
                    return Response.of(Code.CHANGED);
                })
                .post("/r", r -> {
                    seen.add("POST " + r.payloadString() + " cf=" + r.options().contentFormat().orElse(-1));
                    return Response.of(Code.CREATED);
                })
                .delete("/r", r -> {
                    seen.add("DELETE");
                    return Response.of(Code.DELETED);
                })
                .build();
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(router).build().start();
        client = CoapClient.create();
        base = "coap://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void shortcutsSendTheMethodPayloadAndFormat() {
        assertThat(client.get(base + "/r", Duration.ofSeconds(10)).payloadString()).isEqualTo("got");
        assertThat(client.put(base + "/r", Bytes.utf8("{}"), ContentFormat.JSON).code()).isSameAs(Code.CHANGED);
        assertThat(client.post(base + "/r", Bytes.utf8("a"), ContentFormat.TEXT_PLAIN).code()).isSameAs(Code.CREATED);
        assertThat(client.delete(base + "/r").code()).isSameAs(Code.DELETED);
        assertThat(seen).containsExactly("PUT {} cf=50", "POST a cf=0", "DELETE");
    }

    @Test
    void getWithATimeoutReturnsWithinItFromADeadHost() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            String dead = "coap://127.0.0.1:" + silent.getLocalPort() + "/r";
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.get(dead, Duration.ofMillis(700))).isInstanceOf(CoapTimeoutException.class);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(650)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    void sendJoinWrapsTheFailureAndCallThrowsItBare() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Request r = Request.get("coap://127.0.0.1:" + silent.getLocalPort() + "/r").timeout(Duration.ofMillis(300)).build();
            assertThatThrownBy(() -> client.send(r).join()).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(CoapTimeoutException.class);
            assertThatThrownBy(() -> client.call(r)).isInstanceOf(CoapTimeoutException.class);
        }
    }
}
