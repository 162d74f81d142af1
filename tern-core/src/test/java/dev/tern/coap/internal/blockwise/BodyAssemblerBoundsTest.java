package dev.tern.coap.internal.blockwise;

import static dev.tern.coap.internal.blockwise.BlockwiseServerTest.pattern;
import static dev.tern.coap.internal.blockwise.BlockwiseServerTest.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Response;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The bounds of Block1 bodies in assembly (RFC 7959 §2.5; FAULTS.md A2.4): per source address,
 * a short lifetime before block 1, eviction instead of refusal at the cap, buffers that hold what
 * arrived rather than what Size1 announces.
 */
class BodyAssemblerBoundsTest {
    private final AtomicLong clock = new AtomicLong();
    private final BlockwiseServer server = new BlockwiseServer(
            r -> CompletableFuture.completedFuture(Response.of(Code.CHANGED, "got " + r.payload().length())),
            EndpointConfig.builder().preferredBlockSize(16).maxBodySize(1000).maxBlockwiseTransfers(8)
                    .maxBlockwiseBodiesPerAddress(4).blockwiseFirstBlockLifetime(Duration.ofSeconds(10))
                    .blockwiseLifetime(Duration.ofMinutes(5)).build(), clock::get);

    private Code send(dev.tern.coap.Request r) {
        return server.handle(r).join().code();
    }

    private static InetSocketAddress at(String host, int port) {
        return new InetSocketAddress(host, port);
    }

    @Test
    void aBodyWithOnlyBlock0LivesTheShortLifetimeOneInProgressTheFullOne() {
        InetSocketAddress once = at("10.0.0.1", 1);
        InetSocketAddress going = at("10.0.0.2", 1);
        assertThat(send(put(once, 0, true, 16, pattern(16)))).isEqualTo(Code.CONTINUE);
        assertThat(send(put(going, 0, true, 16, pattern(16)))).isEqualTo(Code.CONTINUE);
        assertThat(send(put(going, 1, true, 16, pattern(16)))).isEqualTo(Code.CONTINUE);
        clock.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(server.bodiesInProgress()).isEqualTo(1);
        assertThat(send(put(once, 1, false, 16, pattern(3)))).isEqualTo(Code.REQUEST_ENTITY_INCOMPLETE);
        clock.addAndGet(Duration.ofMinutes(4).toNanos());
        assertThat(send(put(going, 2, false, 16, pattern(3)))).isEqualTo(Code.CHANGED);
        assertThat(server.bodiesInProgress()).isZero();
        assertThat(server.bodyBytesHeld()).isZero();
    }

    @Test
    void oneAddressHoldsAtMostItsLimitAndANewBodyEvictsItsStalest() {
        InetSocketAddress other = at("10.0.0.9", 7);
        assertThat(send(put(other, 0, true, 16, pattern(16)))).isEqualTo(Code.CONTINUE);
        for (int port = 1; port <= 50; port++) {
            assertThat(send(put(at("10.0.0.1", port), 0, true, 16, pattern(16)))).isEqualTo(Code.CONTINUE);
        }
        assertThat(server.bodiesInProgress()).isEqualTo(5); // 4 for 10.0.0.1, 1 for 10.0.0.9
        assertThat(send(put(at("10.0.0.1", 46), 1, false, 16, pattern(3)))).as("evicted")
                .isEqualTo(Code.REQUEST_ENTITY_INCOMPLETE);
        assertThat(send(put(at("10.0.0.1", 50), 1, false, 16, pattern(3)))).isEqualTo(Code.CHANGED);
        assertThat(send(put(other, 1, false, 16, pattern(3)))).as("another address keeps its body")
                .isEqualTo(Code.CHANGED);
    }

    @Test
    void anIpv6Slash64CountsAsOneAddress() {
        for (int i = 1; i <= 10; i++) {
            send(put(at("2001:db8:0:1::" + Integer.toHexString(i), 5683), 0, true, 16, pattern(16)));
        }
        assertThat(server.bodiesInProgress()).isEqualTo(4);
        send(put(at("2001:db8:0:2::1", 5683), 0, true, 16, pattern(16)));
        assertThat(server.bodiesInProgress()).isEqualTo(5);
    }

    @Test
    void atTheCapABodyThatNeverGotPastBlock0IsEvictedFirst() {
        InetSocketAddress legit = at("10.0.1.1", 1);
        assertThat(send(put(legit, 0, true, 16, pattern(16)))).isEqualTo(Code.CONTINUE);
        assertThat(send(put(legit, 1, true, 16, pattern(16)))).isEqualTo(Code.CONTINUE);
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        for (int i = 0; i < 100; i++) { // first blocks from 100 addresses: the table stays at its cap
            assertThat(send(put(at("10.0.2." + i, 1), 0, true, 16, pattern(16)))).isEqualTo(Code.CONTINUE);
        }
        assertThat(server.bodiesInProgress()).isEqualTo(8);
        assertThat(server.bodyBytesHeld()).isLessThanOrEqualTo(8L * 32);
        assertThat(send(put(legit, 2, false, 16, pattern(3)))).as("the body in progress survives, though stalest")
                .isEqualTo(Code.CHANGED);
    }

    @Test
    void size1SizesNoBufferAndBeyondTheLimitGets413AtOnce() {
        Option announced = Option.ofUint(OptionNumber.SIZE1, 1000);
        assertThat(send(put(at("10.0.0.1", 1), 0, true, 16, pattern(16), announced))).isEqualTo(Code.CONTINUE);
        assertThat(server.bodyBytesHeld()).isEqualTo(16);
        Response tooLarge = server.handle(put(at("10.0.0.1", 2), 0, true, 16, pattern(16),
                Option.ofUint(OptionNumber.SIZE1, 65_536))).join();
        assertThat(tooLarge.code()).isEqualTo(Code.REQUEST_ENTITY_TOO_LARGE);
        assertThat(tooLarge.options().size1()).hasValue(1000);
        assertThat(server.bodiesInProgress()).isEqualTo(1);
    }
}
