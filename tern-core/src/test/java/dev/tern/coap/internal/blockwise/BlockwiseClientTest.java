package dev.tern.coap.internal.blockwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Block;
import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.CoapBlockwiseException;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link BlockwiseClient} against scripted servers and the real {@link BlockwiseServer}, no sockets. */
class BlockwiseClientTest {
    static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 5683);
    static final Bytes BODY = BlockwiseServerTest.pattern(100);

    final List<Request> sent = new ArrayList<>();

    BlockwiseClient client(int blockSize, Function<Request, Response> server) {
        return new BlockwiseClient((request, destination) -> {
            sent.add(request);
            return CompletableFuture.completedFuture(server.apply(request));
        }, EndpointConfig.builder().preferredBlockSize(blockSize).maxBodySize(1000).build());
    }

    BlockwiseClient against(BlockwiseServer server, int blockSize) {
        return client(blockSize, r -> server.handle(r.toBuilder().peer(SERVER).build()).join());
    }

    static BlockwiseServer echoServer(int blockSize) {
        return new BlockwiseServer(r -> CompletableFuture.completedFuture(
                Response.builder(Code.CHANGED).payload(r.payload()).build()),
                EndpointConfig.builder().preferredBlockSize(blockSize).build(), () -> 0L);
    }

    @Test
    void aLargeBodyGoesAsBlock1SequenceWithSize1AndRequestTag() {
        Response r = against(echoServer(1024), 32).send(Request.put("coap://h/r").payload(BODY).build(), SERVER).join();
        assertThat(r.code()).isEqualTo(Code.CHANGED);
        assertThat(r.payload()).isEqualTo(BODY); // echoed back block-wise too (§2.6)
        assertThat(r.options().has(OptionNumber.BLOCK1) || r.options().has(OptionNumber.BLOCK2)).isFalse();
        List<Request> uploads = sent.subList(0, 4);
        assertThat(uploads).extracting(q -> q.options().block1().orElseThrow()).containsExactly(
                new Block(0, true, 1), new Block(1, true, 1), new Block(2, true, 1), new Block(3, false, 1));
        assertThat(uploads.get(0).options().size1()).hasValue(100);
        assertThat(uploads.get(1).options().has(OptionNumber.SIZE1)).isFalse();
        Bytes tag = uploads.get(0).options().first(OptionNumber.REQUEST_TAG).orElseThrow().value();
        assertThat(uploads).allMatch(q -> q.options().first(OptionNumber.REQUEST_TAG).orElseThrow().value().equals(tag));
        // then Block2 follow-ups: same request, no body, no Block1, no Request-Tag
        assertThat(sent.subList(4, sent.size())).allMatch(q -> q.payload().isEmpty()
                && !q.options().has(OptionNumber.BLOCK1) && !q.options().has(OptionNumber.REQUEST_TAG));
    }

    @Test
    void theServersSmallerSizeIsUsedFromThenOn() {
        Response r = against(echoServer(16), 64).send(Request.put("coap://h/r").payload(BODY).build(), SERVER).join();
        assertThat(r.payload()).isEqualTo(BODY);
        assertThat(sent.get(0).options().block1()).contains(new Block(0, true, 2));
        assertThat(sent.get(1).options().block1()).contains(new Block(4, true, 0)); // offset 64 in 16-byte blocks
        assertThat(sent.get(2).options().block1()).contains(new Block(5, true, 0));
        assertThat(sent.get(3).options().block1()).contains(new Block(6, false, 0));
    }

    @Test
    void tooLargeWithASmallerBlock1RestartsInThatSize() {
        BlockwiseServer real = echoServer(1024);
        BlockwiseClient c = client(64, q -> q.options().block1().orElseThrow().szx() > 1
                ? Response.builder(Code.REQUEST_ENTITY_TOO_LARGE).option(Block.ofSize(0, false, 32)
                        .toOption(OptionNumber.BLOCK1)).build()
                : real.handle(q.toBuilder().peer(SERVER).build()).join());
        Response r = c.send(Request.put("coap://h/r").payload(BODY).build(), SERVER).join();
        assertThat(r.code()).isEqualTo(Code.CHANGED);
        assertThat(r.payload()).isEqualTo(BODY);
        assertThat(sent.get(1).options().block1()).contains(new Block(0, true, 1));
    }

    @Test
    void anErrorToANonFinalBlockEndsTheTransfer() {
        Response r = client(16, q -> Response.of(Code.REQUEST_ENTITY_INCOMPLETE))
                .send(Request.put("coap://h/r").payload(BODY).build(), SERVER).join();
        assertThat(r.code()).isEqualTo(Code.REQUEST_ENTITY_INCOMPLETE);
        assertThat(sent).hasSize(1);
    }

    @Test
    void aNonAtomicServerGets2xxWithBlock1AndTheClientGoesOn() {
        Response r = client(64, q -> Response.builder(Code.CHANGED)
                .option(new Block(q.options().block1().orElseThrow().num(), false, 2).toOption(OptionNumber.BLOCK1))
                .build()).send(Request.put("coap://h/r").payload(BODY).build(), SERVER).join();
        assertThat(r.code()).isEqualTo(Code.CHANGED);
        assertThat(sent).hasSize(2);
    }

    @Test
    void aBlock2ResponseIsFetchedToTheEndWithTheServersSize() {
        BlockwiseServer server = new BlockwiseServer(q -> CompletableFuture.completedFuture(
                Response.content(BODY, 42)), EndpointConfig.builder().preferredBlockSize(16).build(), () -> 0L);
        Response r = against(server, 1024).send(Request.get("coap://h/r").build(), SERVER).join();
        assertThat(r.payload()).isEqualTo(BODY);
        assertThat(r.contentFormat()).hasValue(42);
        assertThat(r.options().has(OptionNumber.SIZE2)).isFalse();
        assertThat(sent).hasSize(7);
        assertThat(sent.get(6).options().block2()).contains(new Block(6, false, 0));
    }

    @Test
    void earlyNegotiationAsksForBlock0OfTheChosenSize() {
        BlockwiseServer server = new BlockwiseServer(q -> CompletableFuture.completedFuture(Response.content(BODY, 42)),
                EndpointConfig.defaults(), () -> 0L);
        Response r = against(server, 1024).send(Request.get("coap://h/r").blockSize(32).build(), SERVER).join();
        assertThat(r.payload()).isEqualTo(BODY);
        assertThat(sent.get(0).options().block2()).contains(new Block(0, false, 1));
        assertThat(sent).hasSize(4);
    }

    @Test
    void laterBlocksAreAskedForWithoutObserve() {
        BlockwiseServer server = new BlockwiseServer(q -> CompletableFuture.completedFuture(Response.content(BODY, 42)),
                EndpointConfig.builder().preferredBlockSize(64).build(), () -> 0L);
        Request observe = Request.get("coap://h/r").options(o -> o.observe(0)).build();
        assertThat(against(server, 1024).send(observe, SERVER).join().payload()).isEqualTo(BODY);
        assertThat(sent.get(0).options().has(OptionNumber.OBSERVE)).isTrue();
        assertThat(sent.get(1).options().has(OptionNumber.OBSERVE)).isFalse();
    }

    @Test
    void aFirstBlockOtherThanZeroFails() {
        Response wrong = Response.builder(Code.CONTENT).payload(BODY.slice(0, 16))
                .option(new Block(1, true, 0).toOption(OptionNumber.BLOCK2)).build();
        assertThatThrownBy(client(1024, q -> wrong).send(Request.get("coap://h/r").build(), SERVER)::join)
                .hasCauseInstanceOf(CoapBlockwiseException.class);
    }

    @Test
    void anEtagChangeFailsTheTransfer() {
        Function<Request, Response> changing = q -> {
            int num = q.options().block2().map(Block::num).orElse(0);
            return Response.builder(Code.CONTENT).etag(Bytes.of((byte) num)).payload(BODY.slice(num * 16, 16))
                    .option(new Block(num, true, 0).toOption(OptionNumber.BLOCK2)).build();
        };
        CompletableFuture<Response> f = client(1024, changing).send(Request.get("coap://h/r").build(), SERVER);
        assertThatThrownBy(f::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(CoapBlockwiseException.class).hasMessageContaining("ETag");
    }

    @Test
    void aBodyBeyondMaxBodySizeFails() {
        Function<Request, Response> endless = q -> {
            int num = q.options().block2().map(Block::num).orElse(0);
            return Response.builder(Code.CONTENT).payload(BlockwiseServerTest.pattern(1024))
                    .option(new Block(num, true, 6).toOption(OptionNumber.BLOCK2)).build();
        };
        CompletableFuture<Response> f = client(1024, endless).send(Request.get("coap://h/r").build(), SERVER);
        assertThatThrownBy(f::join).hasCauseInstanceOf(CoapBlockwiseException.class).hasMessageContaining("maxBodySize");
        assertThat(sent).hasSize(1);
    }

    /** Flood of the client's 16 MiB default: an endless body stops at the limit, a huge Size2 at once. */
    @Test
    void theClientDefaultLimitStopsAnEndlessBodyAndAHugeSize2Claim() {
        EndpointConfig defaults = EndpointConfig.clientDefaults();
        Function<Request, Response> endless = q -> {
            int num = q.options().block2().map(Block::num).orElse(0);
            return Response.builder(Code.CONTENT).payload(BlockwiseServerTest.pattern(1024))
                    .option(new Block(num, true, 6).toOption(OptionNumber.BLOCK2)).build();
        };
        // answered on another thread, as the I/O thread would: no recursion through completed futures
        java.util.concurrent.ExecutorService io = java.util.concurrent.Executors.newSingleThreadExecutor();
        BlockwiseClient c = new BlockwiseClient((request, destination) -> {
            sent.add(request);
            return CompletableFuture.supplyAsync(() -> endless.apply(request), io);
        }, defaults);
        CompletableFuture<Response> f = c.send(Request.get("coap://h/r").build(), SERVER);
        try {
            assertThatThrownBy(() -> f.get(60, java.util.concurrent.TimeUnit.SECONDS))
                    .hasCauseInstanceOf(CoapBlockwiseException.class)
                    .hasMessageContaining("client's maxBodySize (16777216 bytes)");
        } finally {
            io.shutdownNow();
        }
        assertThat(sent).hasSize(EndpointConfig.CLIENT_MAX_BODY_SIZE / 1024 + 1);

        sent.clear();
        BlockwiseClient claims = new BlockwiseClient((request, destination) -> {
            sent.add(request);
            return CompletableFuture.completedFuture(endless.apply(request).toBuilder()
                    .option(Option.ofUint(OptionNumber.SIZE2, 0xFFFF_FFFFL)).build());
        }, defaults);
        CompletableFuture<Response> g = claims.send(Request.get("coap://h/r").build(), SERVER);
        assertThatThrownBy(g::join).hasCauseInstanceOf(CoapBlockwiseException.class)
                .hasMessageContaining("the server announced 4294967295 bytes");
        assertThat(sent).hasSize(1);
    }

    @Test
    void aRequestWithItsOwnBlockOptionIsSentAsItIs() {
        Response block = Response.builder(Code.CONTENT).payload(BODY.slice(0, 16))
                .option(new Block(2, true, 0).toOption(OptionNumber.BLOCK2)).build();
        Request asked = Request.get("coap://h/r").block2(2, 16).build();
        Response r = client(1024, q -> block).send(asked, SERVER).join();
        assertThat(r).isSameAs(block);
        assertThat(sent).containsExactly(asked);
    }

    @Test
    void smallExchangesPassThroughUnchanged() {
        Response plain = Response.content("hi");
        Request small = Request.put("coap://h/r").payload("x").build();
        assertThat(client(16, q -> plain).send(small, SERVER).join()).isSameAs(plain);
        assertThat(sent).containsExactly(small);
    }

    @Test
    void aFailureOfOneBlockFailsTheWhole() {
        BlockwiseClient c = new BlockwiseClient((q, d) -> CompletableFuture.failedFuture(
                new dev.tern.coap.CoapTimeoutException("gone")), EndpointConfig.builder().preferredBlockSize(16).build());
        assertThatThrownBy(c.send(Request.put("coap://h/r").payload(BODY).build(), SERVER)::join)
                .hasCauseInstanceOf(dev.tern.coap.CoapTimeoutException.class);
    }

    @Test
    void aRequestTagOfTheCallerIsKept() {
        Option tag = new Option(OptionNumber.REQUEST_TAG, Bytes.of((byte) 7));
        against(echoServer(1024), 64).send(Request.put("coap://h/r").payload(BODY).option(tag).build(), SERVER).join();
        assertThat(sent.get(0).options().all(OptionNumber.REQUEST_TAG)).containsExactly(tag);
    }
}
