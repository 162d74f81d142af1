package dev.tern.coap.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.EndpointConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Echo values and the verified-peer table of {@link AmplificationGuard} on a manual clock. */
class AmplificationGuardTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final InetSocketAddress peer = new InetSocketAddress("127.0.0.1", 40000);

    private AmplificationGuard guard(int maxPeers) {
        return new AmplificationGuard(EndpointConfig.builder().amplificationLimit(3).maxPeers(maxPeers)
                .verifiedPeerLifetime(Duration.ofSeconds(100)).build(), now::get);
    }

    @Test
    void limitAppliesOnlyToUnverifiedPeers() {
        AmplificationGuard g = guard(10);
        assertThat(g.allows(peer, 20, 60)).isTrue();
        assertThat(g.allows(peer, 20, 61)).isFalse();
        assertThat(g.verify(peer, g.newEcho(peer))).isTrue();
        assertThat(g.allows(peer, 20, 1000)).isTrue();
        now.addAndGet(Duration.ofSeconds(101).toNanos());
        assertThat(g.allows(peer, 20, 1000)).isFalse(); // verification expired
    }

    @Test
    void expiredEchoIsRejected() {
        AmplificationGuard g = guard(10);
        Bytes echo = g.newEcho(peer);
        now.addAndGet(AmplificationGuard.ECHO_FRESHNESS_NANOS + 1_000_000L); // millisecond resolution
        assertThat(g.verify(peer, echo)).isFalse();
        assertThat(g.verifiedPeers()).isZero();
    }

    @Test
    void echoFromAnotherGuardOrPeerIsRejected() {
        AmplificationGuard g = guard(10);
        assertThat(guard(10).verify(peer, g.newEcho(peer))).isFalse(); // another secret
        assertThat(g.verify(new InetSocketAddress("127.0.0.1", 40001), g.newEcho(peer))).isFalse();
        assertThat(g.verify(peer, Bytes.fromHex("00"))).isFalse();
    }

    @Test
    void echoValuesAreUnpredictable() {
        AmplificationGuard g = guard(10);
        assertThat(g.newEcho(peer)).isNotEqualTo(g.newEcho(peer));
        assertThat(g.newEcho(peer).length()).isLessThanOrEqualTo(40); // RFC 9175 §2.2.1
    }

    @Test
    void verifiedTableIsBounded() {
        AmplificationGuard g = guard(5);
        for (int port = 1; port <= 50; port++) {
            InetSocketAddress p = new InetSocketAddress("127.0.0.1", port);
            assertThat(g.verify(p, g.newEcho(p))).isTrue();
            assertThat(g.verifiedPeers()).isLessThanOrEqualTo(5);
        }
    }
}
