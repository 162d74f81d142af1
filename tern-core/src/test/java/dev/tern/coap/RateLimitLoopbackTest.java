package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import dev.tern.coap.testkit.RawUdp;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The request flood of RFC 8516 against a running server on loopback: one raw socket sends 100
 * GETs as fast as it can; with {@code requestRateLimit(1).requestBurst(5)} the handler runs for
 * at most a handful of them, the rest get 4.29 with a Max-Age of at least 1 s, and a second client
 * on another port is served in the middle of the flood. Many sources (ports) keep the limiter's
 * table within {@code maxRateLimitedPeers}.
 */
class RateLimitLoopbackTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final List<DatagramSocket> sockets = new ArrayList<>();
    private final AtomicInteger handled = new AtomicInteger();
    private CoapServer server;

    @AfterEach
    void stop() {
        sockets.forEach(DatagramSocket::close);
        if (server != null) {
            server.close();
        }
    }

    private void start(EndpointConfig config) {
        Service service = request -> {
            handled.incrementAndGet();
            return CompletableFuture.completedFuture(Response.content("Hello World!"));
        };
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(service).config(config).build().start();
    }

    private DatagramSocket socket() throws Exception {
        DatagramSocket s = new DatagramSocket(0, LOOPBACK);
        s.setSoTimeout(5000);
        sockets.add(s);
        return s;
    }

    private void sendGet(DatagramSocket s, int mid) {
        Message m = new Message(MessageType.CON, Code.GET, mid, Bytes.of((byte) mid, (byte) (mid >>> 8)),
                Options.builder().uriPath("/hello").build(), Bytes.EMPTY);
        RawUdp.send(s, MessageEncoder.encode(m), server.port());
    }

    private static Message receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        DecodeResult d = MessageDecoder.decode(buf, 0, p.getLength());
        return (Message) d;
    }

    @Test
    void floodFromOneSourceGets429WhileAnotherClientIsServed() throws Exception {
        start(EndpointConfig.builder().requestRateLimit(1).requestBurst(5).build());
        DatagramSocket flooder = socket();
        DatagramSocket honest = socket();
        int limited = 0;
        int served = 0;
        for (int mid = 1; mid <= 100; mid++) {
            sendGet(flooder, mid);
            if (mid == 50) {
                sendGet(honest, 7);
                Message r = receive(honest);
                assertThat(r.code()).as("the other client, mid-flood").isEqualTo(Code.CONTENT);
            }
        }
        for (int i = 0; i < 100; i++) {
            Message r = receive(flooder);
            if (r.code().equals(Code.TOO_MANY_REQUESTS)) {
                limited++;
                assertThat(r.options().maxAge()).isPresent();
                assertThat(r.options().maxAge().getAsLong()).isBetween(1L, 2L);
            } else {
                assertThat(r.code()).isEqualTo(Code.CONTENT);
                served++;
            }
        }
        // 5 at once plus one per second of the flood (well under a few seconds even on a loaded machine)
        assertThat(served).isBetween(5, 15);
        assertThat(limited).isEqualTo(100 - served);
        assertThat(handled.get()).isEqualTo(served + 1);
    }

    @Test
    void manySourcesKeepTheLimiterTableBounded() throws Exception {
        start(EndpointConfig.builder().requestRateLimit(1).requestBurst(1).maxRateLimitedPeers(20).build());
        for (int i = 0; i < 60; i++) { // kept open until the test ends: a closed socket's port may come back
            DatagramSocket s = socket(); // as a "new" source that the table still holds (4.29)
            sendGet(s, i);
            assertThat(receive(s).code()).isEqualTo(Code.CONTENT);
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(server.endpoint().rateLimitedPeers()).isEqualTo(20));
    }

    /**
     * End to end: a client with {@code tooManyRequestsRetries(3)} against a server limited to one
     * request per second gets 2.05 for a second request right after the first, after waiting the
     * server's Max-Age (1 s) instead of returning the 4.29; a client without retries gets the 4.29.
     */
    @Test
    void clientWithRetriesWaitsMaxAgeAndIsServed() {
        start(EndpointConfig.builder().requestRateLimit(1).requestBurst(1).build());
        String uri = "coap://127.0.0.1:" + server.port() + "/hello";
        try (CoapClient patient = CoapClient.builder()
                .config(EndpointConfig.builder().tooManyRequestsRetries(3).build()).build();
             CoapClient plain = CoapClient.create()) {
            assertThat(plain.get(uri).code()).isEqualTo(Code.CONTENT);
            Response limited = plain.get(uri);
            assertThat(limited.code()).isEqualTo(Code.TOO_MANY_REQUESTS);
            assertThat(limited.options().maxAge()).hasValue(1);

            assertThat(patient.get(uri).code()).isEqualTo(Code.CONTENT); // a new peer: a full bucket
            long start = System.nanoTime();
            Response r = patient.get(uri);
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isEqualTo("Hello World!");
            assertThat(waitedMillis).isGreaterThanOrEqualTo(900);
        }
    }
}
