package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Client and server over real UDP on loopback. */
class LoopbackUdpTest {
    private final AtomicInteger counter = new AtomicInteger();
    private CoapServer server;
    private CoapClient client;
    private String base;

    @BeforeEach
    void start() {
        Service service = request -> {
            switch (request.path()) {
                case "/hello":
                    return CompletableFuture.completedFuture(Response.content("Hello World!"));
                case "/counter":
                    return CompletableFuture.completedFuture(Response.content(
                            Integer.toString(counter.incrementAndGet())));
                case "/slow":
                    return CompletableFuture.supplyAsync(() -> Response.content("late"),
                            CompletableFuture.delayedExecutor(300, java.util.concurrent.TimeUnit.MILLISECONDS));
                case "/boom":
                    throw new IllegalStateException("handler bug");
                default:
                    return CompletableFuture.completedFuture(Response.of(Code.NOT_FOUND));
            }
        };
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(service)
                .config(EndpointConfig.builder().separateResponseDelay(Duration.ofMillis(100)).build())
                .build().start();
        client = CoapClient.create();
        base = "coap://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void getPiggybacked() {
        Response r = client.get(base + "/hello");
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.payloadString()).isEqualTo("Hello World!");
        assertThat(r.contentFormat()).hasValue(ContentFormat.TEXT_PLAIN);
    }

    @Test
    void separateResponseAfterEmptyAck() {
        Response r = client.get(base + "/slow");
        assertThat(r.payloadString()).isEqualTo("late");
    }

    @Test
    void nonConfirmableRequestGetsResponse() {
        Response r = client.call(Request.get(base + "/hello").nonConfirmable().build());
        assertThat(r.payloadString()).isEqualTo("Hello World!");
    }

    @Test
    void handlerExceptionIs500() {
        assertThat(client.get(base + "/boom").code()).isEqualTo(Code.INTERNAL_SERVER_ERROR);
        assertThat(client.get(base + "/hello").code()).isEqualTo(Code.CONTENT);
    }

    @Test
    void manyConcurrentRequests() {
        EndpointConfig cfg = EndpointConfig.builder().nstart(64).build();
        try (CoapClient c = CoapClient.builder().config(cfg).build()) {
            List<CompletableFuture<Response>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                fs.add(c.send(Request.post(base + "/counter").build()));
            }
            CompletableFuture.allOf(fs.toArray(new CompletableFuture<?>[0])).join();
            assertThat(counter.get()).isEqualTo(2000);
        }
    }

    @Test
    void pingIsAnsweredWithReset() {
        Duration rtt = client.ping(base).join();
        assertThat(rtt).isPositive();
    }

    @Test
    void timeoutFailsWithException() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Request r = Request.get("coap://127.0.0.1:" + silent.getLocalPort() + "/x")
                    .timeout(Duration.ofMillis(300)).build();
            assertThatThrownBy(() -> client.call(r)).isInstanceOf(CoapTimeoutException.class);
        }
    }

    @Test
    void malformedConGetsReset() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            s.setSoTimeout(2000);
            byte[] bad = {0x49, 0x01, 0x12, 0x34}; // CON, TKL 9
            s.send(new DatagramPacket(bad, bad.length, InetAddress.getLoopbackAddress(), server.port()));
            DatagramPacket p = new DatagramPacket(new byte[100], 100);
            s.receive(p);
            assertThat(java.util.Arrays.copyOf(p.getData(), p.getLength()))
                    .containsExactly(0x70, 0x00, 0x12, 0x34);
        }
    }
}
