package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.testkit.LossyPath;
import dev.tern.coap.testkit.LossyRelay.Counters;
import dev.tern.coap.testkit.LossyRelay.Counts;
import dev.tern.coap.testkit.LossyRelay.Impairment;
import dev.tern.coap.testkit.LossyRelayProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The lossy-network scenarios over real UDP on loopback through a relay in its own OS process
 * ({@link LossyRelayProcess}), with the same seeds as the in-process {@link LossyNetworkTest}.
 */
class LossyNetworkProcessTest extends LossyNetworkScenarios {
    @Override
    protected LossyPath openRelay(InetSocketAddress server, Impairment impairment, long seed) throws IOException {
        return LossyRelayProcess.start(server, impairment, impairment, seed);
    }

    /** Every scenario's relay process quits on request, printing its final counters. */
    @Override
    protected void relayClosed(LossyPath closed) {
        LossyRelayProcess p = (LossyRelayProcess) closed;
        assertThat(p.handle().isAlive()).isFalse();
        assertThat(p.exitCode()).hasValue(0);
        assertThat(p.otherOutput()).isEmpty();
    }

    /**
     * The counters the relay process prints on exit show that it dropped, duplicated and delayed datagrams in
     * both directions, and account for every datagram it received.
     */
    @Test
    void exitCountersShowImpairmentBothWays() throws IOException {
        start(new Impairment(0.20, 0.10, 20, 3), 6, 1024);
        List<CompletableFuture<Response>> fs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            fs.add(client.send(Request.post(base + "/counter").payload("id-" + i)
                    .timeout(Duration.ofSeconds(40)).build()));
        }
        List<Response> rs = joinAll(fs);
        assertThat(rs).allSatisfy(r -> assertThat(r.code()).isEqualTo(Code.CHANGED));
        assertThat(counter.get()).isEqualTo(300);
        assertThat(repeatedIds).isEmpty();
        Counters live = relay.counters();

        relay.close();
        Counters last = ((LossyRelayProcess) relay).finalCounters();
        for (Counts c : List.of(last.toServer(), last.toClient())) {
            assertThat(c.dropped()).isPositive();
            assertThat(c.duplicated()).isPositive();
            assertThat(c.delayed()).isPositive();
            assertThat(c.forwarded()).isPositive().isLessThanOrEqualTo(c.received() - c.dropped() + c.duplicated());
        }
        // every POST and its piggybacked response crossed the relay at least once
        assertThat(last.toServer().received()).isGreaterThanOrEqualTo(300);
        assertThat(last.toClient().received()).isGreaterThanOrEqualTo(300);
        assertThat(last.toServer().received()).isGreaterThanOrEqualTo(live.toServer().received());
        assertThat(last.toClient().received()).isGreaterThanOrEqualTo(live.toClient().received());
    }
}
