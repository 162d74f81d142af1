package dev.tern.coap.internal.blockwise;

import static dev.tern.coap.internal.blockwise.BlockwiseServerTest.PEER_A;
import static dev.tern.coap.internal.blockwise.BlockwiseServerTest.REPRESENTATION;
import static dev.tern.coap.internal.blockwise.BlockwiseServerTest.block2;
import static dev.tern.coap.internal.blockwise.BlockwiseServerTest.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Block;
import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Method;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Block2 on the server (RFC 7959 §2.4), as a plain function. */
class BlockwiseServerBlock2Test {
    final BlockwiseServerTest t = new BlockwiseServerTest();

    Response handle(Request r) {
        return t.handle(r);
    }

    @Test
    void aLargeResponseIsSlicedAndTheRestServedFromTheKeptBody() {
        Response b0 = handle(get());
        assertThat(b0.code()).isEqualTo(Code.CONTENT);
        assertThat(b0.payload()).isEqualTo(REPRESENTATION.slice(0, 32));
        assertThat(b0.options().block2()).contains(new Block(0, true, 1));
        assertThat(b0.options().size2()).hasValue(100);
        Bytes etag = b0.options().etag().orElseThrow();
        Bytes all = b0.payload();
        for (int num = 1; num <= 3; num++) {
            Response b = handle(get(block2(num, false, 32)));
            assertThat(b.options().block2()).contains(new Block(num, num < 3, 1));
            assertThat(b.options().etag()).contains(etag);
            assertThat(b.options().has(OptionNumber.SIZE2)).isFalse();
            all = concat(all, b.payload());
        }
        assertThat(all).isEqualTo(REPRESENTATION);
        assertThat(t.seen).hasSize(1);
        assertThat(t.server.representationsKept()).isEqualTo(1);
    }

    @Test
    void randomAccessReturnsTheBlockAskedFor() {
        Response b = handle(get(block2(2, false, 16)));
        assertThat(b.payload()).isEqualTo(REPRESENTATION.slice(32, 16));
        assertThat(b.options().block2()).contains(new Block(2, true, 0));
        assertThat(t.seen.get(0).options().has(OptionNumber.BLOCK2)).isFalse(); // the handler sees a plain GET
    }

    @Test
    void aLargerBlockThanPreferredIsServedInThePreferredSizeAtTheSameOffset() {
        Response b = handle(get(block2(1, false, 64)));
        assertThat(b.options().block2()).contains(new Block(2, true, 1)); // offset 64 in 32-byte blocks
        assertThat(b.payload()).isEqualTo(REPRESENTATION.slice(64, 32));
    }

    @Test
    void aBlockBeyondTheEndIsABadOption() {
        assertThat(handle(get(block2(4, false, 32))).code()).isEqualTo(Code.BAD_OPTION);
        handle(get());
        assertThat(handle(get(block2(7, false, 16))).code()).isEqualTo(Code.BAD_OPTION);
    }

    @Test
    void theMBitOfARequestIsIgnored() {
        Response b = handle(get(block2(1, true, 32)));
        assertThat(b.payload()).isEqualTo(REPRESENTATION.slice(32, 32));
        assertThat(b.options().block2()).contains(new Block(1, true, 1));
    }

    @Test
    void earlyNegotiationUsesTheClientsSmallerSize() {
        Response b = handle(get(block2(0, false, 16)));
        assertThat(b.payload()).isEqualTo(REPRESENTATION.slice(0, 16));
        assertThat(b.options().block2()).contains(new Block(0, true, 0));
    }

    @Test
    void size2ZeroInARequestGetsTheSize() {
        BlockwiseServerTest small = new BlockwiseServerTest();
        small.server = small.server(EndpointConfig.builder().preferredBlockSize(1024).build());
        Response r = small.handle(get(Option.ofUint(OptionNumber.SIZE2, 0)));
        assertThat(r.payload()).isEqualTo(REPRESENTATION);
        assertThat(r.options().size2()).hasValue(100);
        assertThat(r.options().has(OptionNumber.BLOCK2)).isFalse();
    }

    @Test
    void theEtagStaysTheSameWhenALaterBlockRunsTheHandlerAgain() {
        BlockwiseServerTest s = new BlockwiseServerTest();
        s.server = s.server(EndpointConfig.builder().preferredBlockSize(32).blockwiseLifetime(Duration.ofSeconds(5))
                .build());
        Bytes etag = s.handle(get()).options().etag().orElseThrow();
        s.clock.addAndGet(Duration.ofSeconds(5).toNanos()); // the kept body expires
        assertThat(s.server.representationsKept()).isZero();
        Response b1 = s.handle(get(block2(1, false, 32)));
        assertThat(b1.options().etag()).contains(etag);
        assertThat(b1.payload()).isEqualTo(REPRESENTATION.slice(32, 32));
        assertThat(s.seen).hasSize(2);
    }

    @Test
    void anApplicationEtagIsKept() {
        Bytes etag = Bytes.of((byte) 9);
        BlockwiseServer s = new BlockwiseServer(r -> CompletableFuture.completedFuture(
                Response.builder(Code.CONTENT).etag(etag).payload(REPRESENTATION).build()),
                EndpointConfig.builder().preferredBlockSize(16).build(), () -> 0L);
        assertThat(s.handle(get()).join().options().etags()).containsExactly(etag);
    }

    @Test
    void aPostResponseBlockIsServedFromTheKeptBodyOnly() {
        Request post = Request.builder(Method.POST).path("/r").peer(PEER_A).payload("q").build();
        Response b0 = handle(post);
        assertThat(b0.options().block2()).contains(new Block(0, true, 1));
        assertThat(b0.options().has(OptionNumber.ETAG)).isFalse();
        Request next = Request.builder(Method.POST).path("/r").peer(PEER_A).option(block2(1, false, 32)).build();
        assertThat(handle(next).payload()).isEqualTo(REPRESENTATION.slice(32, 32));
        Request other = Request.builder(Method.POST).path("/other").peer(PEER_A).option(block2(1, false, 32)).build();
        assertThat(handle(other).code()).isEqualTo(Code.REQUEST_ENTITY_INCOMPLETE);
        assertThat(t.seen).hasSize(1);
    }

    @Test
    void block1AndBlock2CombineInOneExchange() {
        Bytes body = BlockwiseServerTest.pattern(20);
        Request first = Request.builder(Method.POST).path("/r").peer(PEER_A).payload(body.slice(0, 16))
                .option(Block.ofSize(0, true, 16).toOption(OptionNumber.BLOCK1)).build();
        assertThat(handle(first).code()).isEqualTo(Code.CONTINUE);
        Request last = Request.builder(Method.POST).path("/r").peer(PEER_A).payload(body.slice(16, 4))
                .option(Block.ofSize(1, false, 16).toOption(OptionNumber.BLOCK1)).option(block2(0, false, 16)).build();
        Response r = handle(last);
        assertThat(r.options().block1()).contains(new Block(1, false, 0));
        assertThat(r.options().block2()).contains(new Block(0, true, 0));
        assertThat(r.payload()).isEqualTo(REPRESENTATION.slice(0, 16));
        Request more = Request.builder(Method.POST).path("/r").peer(PEER_A).option(block2(1, false, 16)).build();
        assertThat(handle(more).payload()).isEqualTo(REPRESENTATION.slice(16, 16));
        assertThat(t.seen).hasSize(1);
    }

    @Test
    void theHotPathReturnsTheApplicationsOwnFuture() {
        CompletableFuture<Response> own = CompletableFuture.completedFuture(Response.content("small"));
        BlockwiseServer s = new BlockwiseServer(r -> own, EndpointConfig.defaults(), () -> 0L);
        assertThat(s.handle(get())).isSameAs(own);
    }

    @Test
    void aResponseWithItsOwnBlock2IsLeftAlone() {
        Response own = Response.builder(Code.CONTENT).payload(REPRESENTATION)
                .option(Block.ofSize(0, true, 16).toOption(OptionNumber.BLOCK2)).build();
        BlockwiseServer s = new BlockwiseServer(r -> CompletableFuture.completedFuture(own),
                EndpointConfig.builder().preferredBlockSize(16).build(), () -> 0L);
        assertThat(s.handle(get()).join()).isSameAs(own);
    }

    private static Bytes concat(Bytes a, Bytes b) {
        byte[] all = new byte[a.length() + b.length()];
        a.copyTo(all, 0);
        b.copyTo(all, a.length());
        return Bytes.wrap(all);
    }
}
