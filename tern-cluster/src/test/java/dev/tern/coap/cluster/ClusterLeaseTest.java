package dev.tern.coap.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Node ids leased in Redis: distinct, refused when held, released on a planned leave, lapsing after a crash. */
class ClusterLeaseTest {
    static final byte[] SECRET = "a cluster secret for the tests".getBytes(StandardCharsets.UTF_8);

    @RegisterExtension
    static final SharedRedis redis = new SharedRedis();

    private static Cluster.Builder node(String prefix) {
        return Cluster.builder().redis(redis.uri()).secret(SECRET).prefix(prefix).leaseTtl(Duration.ofSeconds(2));
    }

    @Test
    void twoNodesLeaseDistinctIdsAndSeeEachOther() {
        try (Cluster a = node("t1").start(); Cluster b = node("t1").start()) {
            assertThat(a.nodeId()).isEqualTo(1);
            assertThat(b.nodeId()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(5)).until(() -> a.members().size() == 2 && b.members().size() == 2);
            assertThat(a.members().get(2)).isEqualTo(b.internalAddress());
        }
    }

    @Test
    void anIdHeldByALiveNodeIsRefusedWithAClearError() {
        try (Cluster a = node("t2").nodeId(7).start()) {
            assertThat(a.nodeId()).isEqualTo(7);
            assertThatThrownBy(() -> node("t2").nodeId(7).start()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("node id 7 is held by another live node")
                    .hasMessageContaining(a.internalAddress().getPort() + "")
                    .hasMessageContaining(redis.uri());
            // still held after several lease periods: the holder renews it
            await().pollDelay(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(() -> true);
            assertThatThrownBy(() -> node("t2").nodeId(7).start()).hasMessageContaining("node id 7 is held");
        }
    }

    @Test
    void aPlannedLeaveFreesTheIdAtOnceAndACrashLetsItLapse() {
        Cluster a = node("t3").nodeId(3).start();
        a.close();
        try (Cluster b = node("t3").nodeId(3).start()) {
            assertThat(b.nodeId()).isEqualTo(3);
            b.halt();
        }
        assertThatThrownBy(() -> node("t3").nodeId(3).start()).hasMessageContaining("node id 3 is held");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> {
                    try (Cluster c = node("t3").nodeId(3).start()) {
                        return c.nodeId() == 3;
                    }
                });
    }

    @Test
    void redisUnreachableAtStartIsRefusedNamingTheUri() throws Exception {
        String uri = "redis://127.0.0.1:" + Processes.freeTcpPort();
        assertThatThrownBy(() -> Cluster.builder().redis(uri).secret(SECRET).start())
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("cannot reach Redis at " + uri);
    }

    @Test
    void aNodeWhoseIdWasTakenAfterItsLeaseLapsedStops() throws Exception {
        try (Cluster a = node("t4").nodeId(5).start()) {
            // the lease lapses (a pause longer than the TTL, here: the key deleted) and another node takes the id
            try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), redis.port())) {
                s.getOutputStream().write("DEL t4:node:5\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(s.getInputStream().read()).isEqualTo(':');
            }
            try (Cluster b = node("t4").nodeId(5).start()) {
                await().atMost(Duration.ofSeconds(5)).until(() -> a.statistics().leaseConflict());
                assertThat(b.statistics().leaseConflict()).isFalse();
                assertThat(b.members().get(5)).isEqualTo(b.internalAddress());
            }
        }
    }
}
