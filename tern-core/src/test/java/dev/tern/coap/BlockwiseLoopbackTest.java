package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Block-wise transfer (RFC 7959) between a Tern client and server over loopback UDP. */
class BlockwiseLoopbackTest {
    private static final Bytes BIG = pattern(5000);

    private final List<Bytes> bodies = new CopyOnWriteArrayList<>();
    private final AtomicInteger gets = new AtomicInteger();
    private final List<String> wire = new CopyOnWriteArrayList<>();
    private CoapServer server;
    private CoapClient client;
    private String base;

    private void start(int serverBlockSize, int clientBlockSize) {
        Router router = Router.builder()
                .get("/big", r -> {
                    gets.incrementAndGet();
                    return Response.content(BIG, ContentFormat.OCTET_STREAM);
                })
                .put("/big", r -> {
                    bodies.add(r.payload());
                    return Response.of(Code.CHANGED, "got " + r.payload().length());
                })
                .post("/echo", r -> {
                    bodies.add(r.payload());
                    return Response.content(r.payload(), ContentFormat.OCTET_STREAM);
                })
                .build();
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .config(EndpointConfig.builder().preferredBlockSize(serverBlockSize).build()).build().start();
        client = CoapClient.builder().config(EndpointConfig.builder().preferredBlockSize(clientBlockSize).build())
                .tracer(new MessageTracer() {
                    @Override
                    public void sent(java.net.InetSocketAddress peer, String summary) {
                        wire.add("sent " + summary);
                    }

                    @Override
                    public void received(java.net.InetSocketAddress peer, String summary) {
                        wire.add("received " + summary);
                    }
                }).build();
        base = "coap://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 1024})
    void getOfALargeResourceReturnsTheWholeBody(int size) {
        start(size, size);
        Response r = client.call(Request.get(base + "/big").timeout(Duration.ofSeconds(20)).build());
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.payload()).isEqualTo(BIG);
        assertThat(r.options().has(OptionNumber.BLOCK2)).isFalse();
        assertThat(r.options().has(OptionNumber.SIZE2)).isFalse();
        assertThat(r.options().etag()).isPresent();
        assertThat(gets.get()).isEqualTo(1); // the rest came from the kept representation
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 1024})
    void putOfALargeBodyReachesTheHandlerOnceAndWhole(int size) {
        start(size, size);
        Response r = client.call(Request.put(base + "/big").payload(BIG).contentFormat(ContentFormat.OCTET_STREAM)
                .timeout(Duration.ofSeconds(20)).build());
        assertThat(r.code()).isEqualTo(Code.CHANGED);
        assertThat(r.payloadString()).isEqualTo("got 5000");
        assertThat(r.options().has(OptionNumber.BLOCK1)).isFalse();
        assertThat(bodies).containsExactly(BIG);
    }

    @Test
    void postWithLargeBodyAndLargeResponseCombinesBlock1AndBlock2() {
        start(64, 256);
        Response r = client.call(Request.post(base + "/echo").payload(BIG).timeout(Duration.ofSeconds(20)).build());
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.payload()).isEqualTo(BIG);
        assertThat(bodies).containsExactly(BIG);
    }

    @Test
    void earlyNegotiationUsesTheClientsSmallerSize() {
        start(1024, 1024);
        Response r = client.call(Request.get(base + "/big").blockSize(256).timeout(Duration.ofSeconds(20)).build());
        assertThat(r.payload()).isEqualTo(BIG);
        // 20 requests of 256-byte blocks, no response larger than a 256-byte block and headers
        long responses = wire.stream().filter(w -> w.startsWith("received")).count();
        assertThat(responses).isEqualTo(20);
    }

    @Test
    void randomAccessReturnsOnlyTheBlockAskedFor() {
        start(1024, 1024);
        Response r = client.call(Request.get(base + "/big").block2(3, 512).build());
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.payload()).isEqualTo(BIG.slice(1536, 512));
        assertThat(r.options().block2()).contains(new Block(3, true, 5));
    }

    @Test
    void concurrentUploadsToOneResourceStayApart() {
        start(64, 64);
        Bytes other = pattern(3000).slice(1, 2999);
        var first = client.send(Request.put(base + "/big").payload(BIG).timeout(Duration.ofSeconds(20)).build());
        var second = client.send(Request.put(base + "/big").payload(other).timeout(Duration.ofSeconds(20)).build());
        assertThat(first.join().payloadString()).isEqualTo("got 5000");
        assertThat(second.join().payloadString()).isEqualTo("got 2999");
        assertThat(bodies).containsExactlyInAnyOrder(BIG, other);
    }

    @Test
    void aBodyAboveTheServersLimitGets413() {
        start(1024, 1024);
        Response r = client.call(Request.put(base + "/big").payload(pattern(70_000)).build());
        assertThat(r.code()).isEqualTo(Code.REQUEST_ENTITY_TOO_LARGE);
        assertThat(r.options().size1()).hasValue(65_536);
        assertThat(bodies).isEmpty();
    }

    @Test
    void smallExchangesAreUnchanged() {
        start(1024, 1024);
        Response r = client.call(Request.put(base + "/big").payload("small").build());
        assertThat(r.options().all()).extracting(Option::number).containsExactly(OptionNumber.CONTENT_FORMAT);
        assertThat(bodies).containsExactly(Bytes.utf8("small"));
    }

    static Bytes pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + i / 256);
        }
        return Bytes.wrap(b);
    }
}
