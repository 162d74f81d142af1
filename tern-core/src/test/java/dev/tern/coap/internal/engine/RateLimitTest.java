package dev.tern.coap.internal.engine;

import static dev.tern.coap.MessageType.ACK;
import static dev.tern.coap.MessageType.CON;
import static dev.tern.coap.MessageType.NON;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Options;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.testkit.Harness;
import dev.tern.coap.testkit.MessagePeer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The server's optional per-peer request rate limit (RFC 8516 §3): a token bucket per peer
 * ({@code requestRateLimit} per second, {@code requestBurst} at once); a request beyond it gets
 * 4.29 Too Many Requests with Max-Age = whole seconds until the next one would be admitted (at
 * least 1). It sits after deduplication: a retransmission is answered from the cache and is not
 * counted. Off by default; the peer table is bounded ({@code maxRateLimitedPeers}, LRU).
 */
class RateLimitTest {
    private final AtomicInteger handled = new AtomicInteger();
    private final Service service = request -> {
        handled.incrementAndGet();
        return CompletableFuture.completedFuture(Response.content("ok"));
    };

    private static Harness server(Service service, double rate, int burst) {
        return Harness.server(service, EndpointConfig.builder().requestRateLimit(rate).requestBurst(burst).build());
    }

    private static Message get(MessagePeer peer, int mid) {
        peer.send(new Message(CON, Code.GET, mid, Bytes.of((byte) mid), Options.builder().uriPath("/r").build(),
                Bytes.EMPTY));
        Message r = peer.expect();
        assertThat(r.type()).isEqualTo(ACK);
        assertThat(r.messageId()).isEqualTo(mid);
        return r;
    }

    @Test
    void floodFromOnePeerGets429WithMaxAgeWhileAnotherPeerIsServed() {
        Harness h = server(service, 2, 3); // 2 per second, 3 at once
        MessagePeer flooder = h.peer(10);
        MessagePeer other = h.peer(11);
        for (int mid = 1; mid <= 3; mid++) {
            assertThat(get(flooder, mid).code()).isEqualTo(Code.CONTENT);
        }
        for (int mid = 4; mid <= 20; mid++) {
            Message r = get(flooder, mid);
            assertThat(r.code()).isEqualTo(Code.TOO_MANY_REQUESTS);
            assertThat(r.options().maxAge()).hasValue(1); // next token in 0.5 s: rounded up to 1 s
        }
        assertThat(handled).hasValue(3);
        assertThat(get(other, 100).code()).isEqualTo(Code.CONTENT);

        h.scheduler.advance(Duration.ofMillis(500));
        assertThat(get(flooder, 21).code()).isEqualTo(Code.CONTENT);
        assertThat(get(flooder, 22).code()).isEqualTo(Code.TOO_MANY_REQUESTS);
        assertThat(handled).hasValue(5);
    }

    @Test
    void maxAgeIsTheWholeSecondsUntilTheNextToken() {
        Harness h = server(service, 0.1, 1); // one request per 10 s
        MessagePeer peer = h.peer(10);
        assertThat(get(peer, 1).code()).isEqualTo(Code.CONTENT);
        assertThat(get(peer, 2).options().maxAge()).hasValue(10);
        h.scheduler.advance(Duration.ofMillis(4_200));
        assertThat(get(peer, 3).options().maxAge()).hasValue(6); // 5.8 s left
        h.scheduler.advance(Duration.ofMillis(5_799));
        assertThat(get(peer, 4).options().maxAge()).hasValue(1); // 1 ms left: at least 1
        h.scheduler.advance(Duration.ofMillis(1));
        assertThat(get(peer, 5).code()).isEqualTo(Code.CONTENT);
    }

    @Test
    void retransmissionsAreAnsweredFromTheDeduplicationCacheAndNotCounted() {
        Harness h = server(service, 0.001, 2);
        MessagePeer peer = h.peer(10);
        Message first = get(peer, 1);
        for (int i = 0; i < 5; i++) {
            assertThat(get(peer, 1)).isEqualTo(first); // same ACK again (RFC 7252 §4.5)
        }
        assertThat(get(peer, 2).code()).isEqualTo(Code.CONTENT); // the second token is still there
        Message limited = get(peer, 3);
        assertThat(limited.code()).isEqualTo(Code.TOO_MANY_REQUESTS);
        assertThat(get(peer, 3)).isEqualTo(limited); // a retransmission of a 4.29 gets the same 4.29
        assertThat(handled).hasValue(2);
    }

    @Test
    void nonRequestsAreLimitedToo() {
        Harness h = server(service, 1, 1);
        MessagePeer peer = h.peer(10);
        peer.send(new Message(NON, Code.GET, 1, Bytes.of((byte) 1), Options.builder().uriPath("/r").build(),
                Bytes.EMPTY));
        assertThat(peer.expect().code()).isEqualTo(Code.CONTENT);
        peer.send(new Message(NON, Code.GET, 2, Bytes.of((byte) 2), Options.builder().uriPath("/r").build(),
                Bytes.EMPTY));
        Message r = peer.expect();
        assertThat(r.type()).isEqualTo(NON);
        assertThat(r.code()).isEqualTo(Code.TOO_MANY_REQUESTS);
        assertThat(r.token()).isEqualTo(Bytes.of((byte) 2));
    }

    @Test
    void offByDefault() {
        Harness h = Harness.server(service, EndpointConfig.defaults());
        MessagePeer peer = h.peer(10);
        for (int mid = 1; mid <= 200; mid++) {
            assertThat(get(peer, mid).code()).isEqualTo(Code.CONTENT);
        }
        assertThat(h.endpoint.rateLimitedPeers()).isZero();
    }

    @Test
    void floodOfManyPeersKeepsTheTableBounded() {
        Harness h = Harness.server(service, EndpointConfig.builder().requestRateLimit(1).requestBurst(1)
                .maxRateLimitedPeers(100).build());
        MessagePeer last = null;
        for (int i = 0; i < 2_000; i++) {
            last = h.peer(1 + i % 250, 10_000 + i / 250);
            assertThat(get(last, 1).code()).isEqualTo(Code.CONTENT);
            assertThat(h.endpoint.rateLimitedPeers()).isLessThanOrEqualTo(100);
        }
        assertThat(h.endpoint.rateLimitedPeers()).isEqualTo(100);
        // the most recent peer is still limited; the flood did not reset it
        assertThat(get(last, 2).code()).isEqualTo(Code.TOO_MANY_REQUESTS);
    }
}
