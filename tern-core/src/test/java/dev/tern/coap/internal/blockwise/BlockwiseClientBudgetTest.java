package dev.tern.coap.internal.blockwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Block;
import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.CoapBlockwiseException;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The client's block-wise memory (RFC 7959 §2.4, §4; FAULTS.md A1.5): buffers grow as blocks
 * arrive, never from Size2; all downloads together stay within {@code maxClientBlockwiseBytes};
 * a cancelled download frees its bytes and cancels its block request in flight.
 */
class BlockwiseClientBudgetTest {
    private final List<Request> asked = new ArrayList<>();
    private final List<CompletableFuture<Response>> inFlight = new ArrayList<>();

    /** A client whose server never answers a block request: every download stays in progress. */
    private BlockwiseClient client(long budget) {
        return new BlockwiseClient((request, destination) -> {
            asked.add(request);
            CompletableFuture<Response> f = new CompletableFuture<>();
            inFlight.add(f);
            return f;
        }, EndpointConfig.builder().maxBodySize(1000).maxClientBlockwiseBytes(budget).build());
    }

    /** Block 0 (16 bytes) of a body the server says has {@code size2} bytes. */
    private static Response firstBlock(long size2) {
        return Response.builder(Code.CONTENT).payload(Bytes.wrap(new byte[16]))
                .option(new Block(0, true, 0).toOption(OptionNumber.BLOCK2))
                .options(o -> o.set(OptionNumber.SIZE2, size2)).build();
    }

    private static CompletableFuture<Response> download(BlockwiseClient c, long size2) {
        return c.completeNotification(Request.get("coap://h/obs").observe().build(), BlockwiseClientTest.SERVER,
                firstBlock(size2));
    }

    @Test
    void theBufferHoldsWhatArrivedNotWhatSize2Announces() {
        BlockwiseClient c = client(1 << 20);
        CompletableFuture<Response> d = download(c, 1000);
        assertThat(d).isNotDone();
        assertThat(c.downloadsInProgress()).isEqualTo(1);
        assertThat(c.bytesHeld()).isEqualTo(16);
        assertThat(asked).singleElement().satisfies(q -> {
            assertThat(q.options().block2()).contains(new Block(1, false, 0));
            assertThat(q.options().has(OptionNumber.OBSERVE)).isFalse();
        });
    }

    @Test
    void size2BeyondMaxBodySizeFailsAtOnceWithoutAskingForMore() {
        BlockwiseClient c = client(1 << 20);
        CompletableFuture<Response> d = download(c, 65_536);
        assertThatThrownBy(d::join).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(CoapBlockwiseException.class).hasMessageContaining("Size2");
        assertThat(asked).isEmpty();
        assertThat(c.downloadsInProgress()).isZero();
        assertThat(c.bytesHeld()).isZero();
    }

    @Test
    void downloadsBeyondTheBudgetFailAndTheBudgetComesBack() {
        BlockwiseClient c = client(40);
        CompletableFuture<Response> a = download(c, 100);
        CompletableFuture<Response> b = download(c, 100);
        CompletableFuture<Response> third = download(c, 100);
        assertThat(a).isNotDone();
        assertThat(b).isNotDone();
        assertThatThrownBy(third::join).hasCauseInstanceOf(CoapBlockwiseException.class)
                .hasMessageContaining("maxClientBlockwiseBytes");
        assertThat(c.bytesHeld()).isEqualTo(32);
        assertThat(c.downloadsInProgress()).isEqualTo(2);

        a.cancel(false);
        assertThat(inFlight.get(0)).as("the block request of the cancelled download").isCancelled();
        assertThat(c.bytesHeld()).isEqualTo(16);
        assertThat(download(c, 100)).isNotDone();
        assertThat(c.bytesHeld()).isEqualTo(32);
    }

    @Test
    void aDownloadGrowsWithinTheBudgetAndCompletes() {
        BlockwiseClient c = client(48);
        CompletableFuture<Response> d = download(c, 40);
        inFlight.get(0).complete(Response.builder(Code.CONTENT).payload(Bytes.wrap(new byte[16]))
                .option(new Block(1, true, 0).toOption(OptionNumber.BLOCK2)).build());
        assertThat(c.bytesHeld()).isEqualTo(32);
        inFlight.get(1).complete(Response.builder(Code.CONTENT).payload(Bytes.wrap(new byte[8]))
                .option(new Block(2, false, 0).toOption(OptionNumber.BLOCK2)).build());
        assertThat(d.join().payload().length()).isEqualTo(40);
        assertThat(c.bytesHeld()).isZero();
        assertThat(c.downloadsInProgress()).isZero();
    }
}
