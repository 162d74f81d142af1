package dev.tern.coap.oscore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Block;
import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.CoapSecurityException;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * RFC 8613 §4.1.3.4.2 on the client: a hostile proxy or server that answers a protected request
 * with outer blocks that never end (Block2 with M=1, an OSCORE option, junk ciphertext) makes the
 * client reassemble at most {@code maxOuterResponseBody} bytes; then the request fails, with no
 * further block requested.
 */
class OuterBlockFloodTest {
    private static final int BLOCK = 1024;

    @Test
    void endlessOuterBlocksStopAtTheConfiguredBound() {
        AtomicInteger asked = new AtomicInteger();
        Service endless = request -> {
            int num = request.options().block2().map(Block::num).orElse(0);
            asked.incrementAndGet();
            return CompletableFuture.completedFuture(Response.builder(Code.CONTENT)
                    .option(new Option(OptionNumber.OSCORE, Bytes.EMPTY))
                    .option(Block.ofSize(num, true, BLOCK).toOption(OptionNumber.BLOCK2))
                    .payload(new byte[BLOCK]).build());
        };
        for (int bound : new int[] {8 * BLOCK, 64 * 1024}) {
            asked.set(0);
            OscoreLayer layer = bound == 64 * 1024 ? OscoreLayer.client(OscoreLoopbackTest.clientContext("02"))
                    : OscoreLayer.client(OscoreLoopbackTest.clientContext("02")).maxOuterResponseBody(bound);
            CompletableFuture<Response> r = layer.clientFilter()
                    .filter(Request.get("coap://127.0.0.1:5683/big").build(), endless);
            assertThatThrownBy(r::join).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(CoapSecurityException.class).hasMessageContaining("over " + bound + " bytes");
            assertThat(asked.get()).isEqualTo(bound / BLOCK + 1); // the block over the bound is the last asked for
        }
        assertThatThrownBy(() -> OscoreLayer.client(OscoreLoopbackTest.clientContext("02")).maxOuterResponseBody(0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
