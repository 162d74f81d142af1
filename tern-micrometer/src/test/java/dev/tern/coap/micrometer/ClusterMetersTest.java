package dev.tern.coap.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.cluster.ClusterStatistics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@link ClusterMeters}: each figure of {@link ClusterStatistics} as a meter, read when scraped. */
class ClusterMetersTest {
    private static ClusterStatistics figures(long base, boolean conflict) {
        return new ClusterStatistics(7, 3, base + 1, base + 2, base + 3, base + 4, base + 5, base + 6, base + 7,
                base + 8, 9, base + 10, base + 11, base + 12, base + 13, base + 14, base + 15, base + 16, 2500,
                conflict);
    }

    @Test
    void eachFigureIsAMeterReadAtTheScrape() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicReference<ClusterStatistics> now = new AtomicReference<>(figures(0, false));
        ClusterMeters.bind(registry, now::get, Tags.of("app", "t"));
        assertThat(count(registry, "coap.cluster.records", "direction", "forwarded")).isEqualTo(1);
        assertThat(count(registry, "coap.cluster.records", "direction", "received")).isEqualTo(2);
        assertThat(count(registry, "coap.cluster.replies", "kind", "relayed")).isEqualTo(3);
        assertThat(count(registry, "coap.cluster.replies", "kind", "sent")).isEqualTo(4);
        assertThat(count(registry, "coap.cluster.forwards.dropped", "reason", "forged")).isEqualTo(5);
        assertThat(count(registry, "coap.cluster.forwards.dropped", "reason", "non_member")).isEqualTo(6);
        assertThat(count(registry, "coap.cluster.forwards.dropped", "reason", "stale")).isEqualTo(7);
        assertThat(count(registry, "coap.cluster.forwards.dropped", "reason", "owner_gone")).isEqualTo(8);
        assertThat(registry.get("coap.cluster.relay.routes").gauge().value()).isEqualTo(9);
        assertThat(registry.get("coap.cluster.relay.routes.refused").functionCounter().count()).isEqualTo(10);
        assertThat(count(registry, "coap.cluster.handshakes", "kind", "full")).isEqualTo(11);
        assertThat(count(registry, "coap.cluster.handshakes", "kind", "abbreviated")).isEqualTo(12);
        assertThat(count(registry, "coap.cluster.resumption", "result", "hit")).isEqualTo(13);
        assertThat(count(registry, "coap.cluster.resumption", "result", "miss")).isEqualTo(14);
        assertThat(count(registry, "coap.cluster.resumption", "result", "rejected")).isEqualTo(15);
        assertThat(registry.get("coap.cluster.redis.errors").functionCounter().count()).isEqualTo(16);
        assertThat(registry.get("coap.cluster.redis.latency").gauge().value()).isEqualTo(0.0025);
        assertThat(registry.get("coap.cluster.members").tags("node", "7", "app", "t").gauge().value()).isEqualTo(3);
        assertThat(registry.get("coap.cluster.lease.conflict").gauge().value()).isZero();
        now.set(figures(100, true)); // the next scrape reads the new figures
        assertThat(count(registry, "coap.cluster.handshakes", "kind", "full")).isEqualTo(111);
        assertThat(count(registry, "coap.cluster.forwards.dropped", "reason", "forged")).isEqualTo(105);
        assertThat(registry.get("coap.cluster.lease.conflict").gauge().value()).isEqualTo(1);
        assertThat(registry.getMeters()).hasSize(19)
                .allSatisfy(m -> assertThat(m.getId().getTag("node")).isEqualTo("7"));
    }

    private static double count(SimpleMeterRegistry registry, String name, String tag, String value) {
        return registry.get(name).tag(tag, value).functionCounter().count();
    }
}
