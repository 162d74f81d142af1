package dev.tern.coap.internal.blockwise;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Block;
import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Method;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link BlockwiseServer} as a plain function: requests in, responses out, no sockets (RFC 7959). */
class BlockwiseServerTest {
    static final InetSocketAddress PEER_A = new InetSocketAddress("127.0.0.1", 40001);
    static final InetSocketAddress PEER_B = new InetSocketAddress("127.0.0.1", 40002);
    static final Bytes REPRESENTATION = pattern(100);

    final AtomicLong clock = new AtomicLong();
    final List<Request> seen = new CopyOnWriteArrayList<>();
    final Service app = request -> {
        seen.add(request);
        if (request.method() == Method.GET || request.method() == Method.POST) {
            return CompletableFuture.completedFuture(Response.content(REPRESENTATION, ContentFormat.OCTET_STREAM));
        }
        return CompletableFuture.completedFuture(Response.of(Code.CHANGED, "got " + request.payload().length()));
    };
    BlockwiseServer server = server(EndpointConfig.builder().preferredBlockSize(32).maxBodySize(64).build());

    BlockwiseServer server(EndpointConfig config) {
        return new BlockwiseServer(app, config, clock::get);
    }

    Response handle(Request r) {
        return server.handle(r).join();
    }

    static Request put(InetSocketAddress peer, int num, boolean more, int size, Bytes payload, Option... extra) {
        Request.Builder b = Request.builder(Method.PUT).path("/r").peer(peer).payload(payload)
                .option(Block.ofSize(num, more, size).toOption(OptionNumber.BLOCK1));
        for (Option o : extra) {
            b.option(o);
        }
        return b.build();
    }

    static Request put(int num, boolean more, int size, Bytes payload, Option... extra) {
        return put(PEER_A, num, more, size, payload, extra);
    }

    static Request get(Option... extra) {
        Request.Builder b = Request.builder(Method.GET).path("/r").peer(PEER_A);
        for (Option o : extra) {
            b.option(o);
        }
        return b.build();
    }

    static Option block2(int num, boolean more, int size) {
        return Block.ofSize(num, more, size).toOption(OptionNumber.BLOCK2);
    }

    static Bytes pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + 3);
        }
        return Bytes.wrap(b);
    }

    static Bytes part(Bytes whole, int offset, int length) {
        return whole.slice(offset, length);
    }

    // ---- Block1 (RFC 7959 §2.3, §2.5) ----

    @Test
    void block1SequenceGetsContinueThenTheFinalResponse() {
        Bytes body = pattern(40);
        Response r0 = handle(put(0, true, 16, part(body, 0, 16)));
        Response r1 = handle(put(1, true, 16, part(body, 16, 16)));
        Response r2 = handle(put(2, false, 16, part(body, 32, 8)));
        assertThat(r0.code()).isEqualTo(Code.CONTINUE);
        assertThat(r0.options().block1()).contains(new Block(0, true, 0));
        assertThat(r1.code()).isEqualTo(Code.CONTINUE);
        assertThat(r1.options().block1()).contains(new Block(1, true, 0));
        assertThat(r2.code()).isEqualTo(Code.CHANGED);
        assertThat(r2.options().block1()).contains(new Block(2, false, 0));
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).payload()).isEqualTo(body);
        assertThat(seen.get(0).options().has(OptionNumber.BLOCK1)).isFalse();
        assertThat(server.bodiesInProgress()).isZero();
        assertThat(server.bodyBytesHeld()).isZero();
    }

    @Test
    void aNonFinalBlockMustBeFull() {
        Response r = handle(put(0, true, 64, pattern(60)));
        assertThat(r.code()).isEqualTo(Code.BAD_REQUEST); // 60 bytes in a 64-byte block with M=1 is malformed
        assertThat(server.bodiesInProgress()).isZero();
    }

    @Test
    void lateNegotiationAnswersWithTheServersSmallerSize() {
        Bytes large = pattern(100);
        BlockwiseServer s = server(EndpointConfig.builder().preferredBlockSize(16).maxBodySize(1000).build());
        Response first = s.handle(put(0, true, 64, part(large, 0, 64))).join();
        assertThat(first.code()).isEqualTo(Code.CONTINUE);
        assertThat(first.options().block1()).contains(new Block(0, true, 0)); // SZX 0: 16 bytes from now on
        Response second = s.handle(put(4, true, 16, part(large, 64, 16))).join(); // 64 / 16 = block 4
        assertThat(second.code()).isEqualTo(Code.CONTINUE);
        Response last = s.handle(put(5, false, 16, part(large, 80, 20))).join();
        assertThat(last.code()).isEqualTo(Code.BAD_REQUEST); // 20 bytes exceed a 16-byte block
        Response fin = s.handle(put(5, false, 16, part(large, 80, 16))).join();
        assertThat(fin.code()).isEqualTo(Code.CHANGED);
        assertThat(seen.get(0).payload()).isEqualTo(part(large, 0, 96));
    }

    @Test
    void aGapIsIncomplete() {
        handle(put(0, true, 16, pattern(16)));
        Response r = handle(put(2, true, 16, pattern(16)));
        assertThat(r.code()).isEqualTo(Code.REQUEST_ENTITY_INCOMPLETE);
        assertThat(seen).isEmpty();
    }

    @Test
    void aFirstBlockOtherThanZeroIsIncomplete() {
        assertThat(handle(put(1, true, 16, pattern(16))).code()).isEqualTo(Code.REQUEST_ENTITY_INCOMPLETE);
        assertThat(handle(put(3, false, 16, pattern(5))).code()).isEqualTo(Code.REQUEST_ENTITY_INCOMPLETE);
        assertThat(seen).isEmpty();
    }

    @Test
    void aFinalBlockWithBlocksMissingIsIncomplete() {
        handle(put(0, true, 16, pattern(16)));
        assertThat(handle(put(3, false, 16, pattern(4))).code()).isEqualTo(Code.REQUEST_ENTITY_INCOMPLETE);
        assertThat(seen).isEmpty();
    }

    @Test
    void aContentFormatChangeIsIncomplete() {
        handle(put(0, true, 16, pattern(16), Option.ofUint(OptionNumber.CONTENT_FORMAT, ContentFormat.TEXT_PLAIN)));
        Response r = handle(put(1, false, 16, pattern(4), Option.ofUint(OptionNumber.CONTENT_FORMAT, ContentFormat.JSON)));
        assertThat(r.code()).isEqualTo(Code.REQUEST_ENTITY_INCOMPLETE);
        assertThat(server.bodiesInProgress()).isZero();
        assertThat(seen).isEmpty();
    }

    @Test
    void anAnnouncedSize1BeyondTheLimitIsTooLargeAtOnce() {
        Response r = handle(put(0, true, 16, pattern(16), Option.ofUint(OptionNumber.SIZE1, 65)));
        assertThat(r.code()).isEqualTo(Code.REQUEST_ENTITY_TOO_LARGE);
        assertThat(r.options().size1()).hasValue(64);
        assertThat(server.bodiesInProgress()).isZero();
    }

    @Test
    void anAccumulatedBodyBeyondTheLimitIsTooLarge() {
        for (int i = 0; i < 4; i++) {
            assertThat(handle(put(i, true, 16, pattern(16))).code()).isEqualTo(Code.CONTINUE);
        }
        Response r = handle(put(4, false, 16, pattern(1)));
        assertThat(r.code()).isEqualTo(Code.REQUEST_ENTITY_TOO_LARGE);
        assertThat(r.options().size1()).hasValue(64);
        assertThat(server.bodiesInProgress()).isZero();
        assertThat(seen).isEmpty();
    }

    @Test
    void szx7IsABadRequest() {
        Request b1 = Request.builder(Method.PUT).path("/r").peer(PEER_A).payload("x")
                .option(Option.ofUint(OptionNumber.BLOCK1, 0x0f)).build();
        Request b2 = get(Option.ofUint(OptionNumber.BLOCK2, 0x17));
        assertThat(handle(b1).code()).isEqualTo(Code.BAD_REQUEST);
        assertThat(handle(b2).code()).isEqualTo(Code.BAD_REQUEST);
        assertThat(seen).isEmpty();
    }

    @Test
    void interleavedBodiesWithoutRequestTagNeverMix() {
        Bytes a = pattern(48);
        Bytes b = Bytes.utf8("BBBBBBBBBBBBBBBBbbbbbbbbbbbbbbbbBBBBBBBB");
        handle(put(0, true, 16, part(a, 0, 16)));
        handle(put(1, true, 16, part(a, 16, 16)));
        assertThat(handle(put(0, true, 16, part(b, 0, 16))).code()).isEqualTo(Code.CONTINUE); // B replaces A
        assertThat(handle(put(2, false, 16, part(a, 32, 16))).code()).isEqualTo(Code.REQUEST_ENTITY_INCOMPLETE);
        assertThat(handle(put(1, true, 16, part(b, 16, 16))).code()).isEqualTo(Code.CONTINUE);
        assertThat(handle(put(2, false, 16, part(b, 32, 8))).code()).isEqualTo(Code.CHANGED);
        assertThat(seen).extracting(Request::payload).containsExactly(b);
    }

    @Test
    void requestTagKeepsConcurrentBodiesApart() {
        Option tag1 = new Option(OptionNumber.REQUEST_TAG, Bytes.of((byte) 1));
        Option tag2 = new Option(OptionNumber.REQUEST_TAG, Bytes.of((byte) 2));
        Bytes a = Bytes.utf8("AAAAAAAAAAAAAAAAaaaa");
        Bytes b = Bytes.utf8("BBBBBBBBBBBBBBBBbbbbbbbbbbbbbb");
        handle(put(0, true, 16, part(a, 0, 16), tag1));
        handle(put(0, true, 16, part(b, 0, 16), tag2));
        assertThat(server.bodiesInProgress()).isEqualTo(2);
        assertThat(handle(put(1, false, 16, part(b, 16, 14), tag2)).code()).isEqualTo(Code.CHANGED);
        assertThat(handle(put(1, false, 16, part(a, 16, 4), tag1)).code()).isEqualTo(Code.CHANGED);
        assertThat(seen).extracting(Request::payload).containsExactly(b, a);
        assertThat(seen.get(0).options().has(OptionNumber.REQUEST_TAG)).isFalse();
    }

    @Test
    void bodiesFromDifferentPeersAreSeparate() {
        handle(put(PEER_A, 0, true, 16, pattern(16)));
        assertThat(handle(put(PEER_B, 1, false, 16, pattern(3))).code()).isEqualTo(Code.REQUEST_ENTITY_INCOMPLETE);
    }

    @Test
    void stateIsBoundedAndANewBodyBeyondTheBoundEvictsTheStalest() {
        BlockwiseServer s = server(EndpointConfig.builder().preferredBlockSize(16).maxBlockwiseTransfers(2)
                .blockwiseLifetime(Duration.ofSeconds(10)).build());
        InetSocketAddress peerC = new InetSocketAddress("127.0.0.1", 40003);
        assertThat(s.handle(put(PEER_A, 0, true, 16, pattern(16))).join().code()).isEqualTo(Code.CONTINUE);
        assertThat(s.handle(put(PEER_B, 0, true, 16, pattern(16))).join().code()).isEqualTo(Code.CONTINUE);
        // at the bound a new body is not refused (that would lock everyone out): the stalest goes
        assertThat(s.handle(put(peerC, 0, true, 16, pattern(16))).join().code()).isEqualTo(Code.CONTINUE);
        assertThat(s.bodiesInProgress()).isEqualTo(2);
        assertThat(s.bodyBytesHeld()).isPositive().isLessThanOrEqualTo(2L * 16);
        assertThat(s.handle(put(PEER_A, 1, false, 16, pattern(3))).join().code())
                .isEqualTo(Code.REQUEST_ENTITY_INCOMPLETE);
        // The lifetime passes without a block: the state is freed, and the old bodies are gone.
        clock.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(s.bodiesInProgress()).isZero();
        assertThat(s.bodyBytesHeld()).isZero();
        assertThat(s.handle(put(PEER_B, 1, false, 16, pattern(3))).join().code())
                .isEqualTo(Code.REQUEST_ENTITY_INCOMPLETE);
    }

    @Test
    void activityKeepsABodyAlive() {
        BlockwiseServer s = server(EndpointConfig.builder().blockwiseLifetime(Duration.ofSeconds(10)).build());
        s.handle(put(0, true, 16, pattern(16))).join();
        clock.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(s.handle(put(1, true, 16, pattern(16))).join().code()).isEqualTo(Code.CONTINUE);
        clock.addAndGet(Duration.ofSeconds(9).toNanos());
        assertThat(s.handle(put(2, false, 16, pattern(1))).join().code()).isEqualTo(Code.CHANGED);
    }

    @Test
    void aSingleBlockBodyGoesStraightThroughWithBlock1Echoed() {
        Response r = handle(put(0, false, 16, pattern(10)));
        assertThat(r.code()).isEqualTo(Code.CHANGED);
        assertThat(r.options().block1()).contains(new Block(0, false, 0));
        assertThat(server.bodiesInProgress()).isZero();
    }
}
