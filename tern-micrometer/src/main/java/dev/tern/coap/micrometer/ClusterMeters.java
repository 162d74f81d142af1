package dev.tern.coap.micrometer;

import dev.tern.coap.cluster.ClusterStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * A cluster node's figures ({@link ClusterStatistics}, module tern-cluster) as Micrometer meters,
 * read from {@code statistics} at each scrape: nothing is counted twice and tern-cluster needs no
 * Micrometer. tern-cluster is an optional dependency of this module: add it yourself (you have it
 * when you run a cluster). Bind once per registry:
 * {@code ClusterMeters.bind(registry, cluster::statistics)}.
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>coap.cluster.members</td><td>gauge</td><td></td><td>live nodes, this one included</td></tr>
 *   <tr><td>coap.cluster.records</td><td>counter</td><td>direction (forwarded, received)</td><td>DTLS records
 *       sent to the node owning their Connection ID, and received from other nodes</td></tr>
 *   <tr><td>coap.cluster.replies</td><td>counter</td><td>kind (relayed, sent)</td><td>replies sent back
 *       through the receiving node, and sent to clients for other nodes</td></tr>
 *   <tr><td>coap.cluster.forwards.dropped</td><td>counter</td><td>reason (forged, non_member, stale,
 *       owner_gone)</td><td>internal frames or records dropped</td></tr>
 *   <tr><td>coap.cluster.relay.routes</td><td>gauge</td><td></td><td>clients whose records come through another node</td></tr>
 *   <tr><td>coap.cluster.relay.routes.refused</td><td>counter</td><td></td><td>relay routes refused at the bound</td></tr>
 *   <tr><td>coap.cluster.handshakes</td><td>counter</td><td>kind (full, abbreviated)</td><td>DTLS handshakes completed</td></tr>
 *   <tr><td>coap.cluster.resumption</td><td>counter</td><td>result (hit, miss, rejected)</td><td>look-ups in
 *       the shared resumption cache (RFC 5246 §7.3)</td></tr>
 *   <tr><td>coap.cluster.redis.errors</td><td>counter</td><td></td><td>failed Redis operations</td></tr>
 *   <tr><td>coap.cluster.redis.latency</td><td>gauge, seconds</td><td></td><td>the last lease renewal's round trip</td></tr>
 *   <tr><td>coap.cluster.lease.conflict</td><td>gauge</td><td></td><td>1 once another node took this node's id</td></tr>
 * </table>
 * Every meter carries the tag {@code node} (the leased node id, read once at binding).
 */
public final class ClusterMeters {
    private ClusterMeters() {
    }

    /** Registers the meters in {@code registry}, reading {@code statistics} when scraped. */
    public static void bind(MeterRegistry registry, Supplier<ClusterStatistics> statistics) {
        bind(registry, statistics, Tags.empty());
    }

    /** As {@link #bind(MeterRegistry, Supplier)}, each meter also tagged with {@code tags}. */
    public static void bind(MeterRegistry registry, Supplier<ClusterStatistics> statistics, Tags tags) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(statistics, "statistics");
        Tags all = Objects.requireNonNull(tags, "tags").and("node", Integer.toString(statistics.get().nodeId()));
        Binder b = new Binder(registry, statistics, all);
        b.gauge("coap.cluster.members", "live cluster nodes", Tags.empty(), ClusterStatistics::members);
        b.counter("coap.cluster.records", "records forwarded to the node owning their Connection ID",
                Tags.of("direction", "forwarded"), ClusterStatistics::recordsForwarded);
        b.counter("coap.cluster.records", "records received from other nodes",
                Tags.of("direction", "received"), ClusterStatistics::recordsReceived);
        b.counter("coap.cluster.replies", "replies sent through another node", Tags.of("kind", "relayed"),
                ClusterStatistics::repliesRelayed);
        b.counter("coap.cluster.replies", "replies sent to clients for other nodes", Tags.of("kind", "sent"),
                ClusterStatistics::repliesSent);
        String dropped = "coap.cluster.forwards.dropped";
        b.counter(dropped, "frames dropped", Tags.of("reason", "forged"), ClusterStatistics::droppedForged);
        b.counter(dropped, "frames dropped", Tags.of("reason", "non_member"), ClusterStatistics::droppedNonMember);
        b.counter(dropped, "frames dropped", Tags.of("reason", "stale"), ClusterStatistics::droppedStale);
        b.counter(dropped, "frames dropped", Tags.of("reason", "owner_gone"), ClusterStatistics::droppedOwnerGone);
        b.gauge("coap.cluster.relay.routes", "clients whose records come through another node", Tags.empty(),
                ClusterStatistics::relayRoutes);
        b.counter("coap.cluster.relay.routes.refused", "relay routes refused at the bound", Tags.empty(),
                ClusterStatistics::relayRoutesRefused);
        b.counter("coap.cluster.handshakes", "DTLS handshakes completed", Tags.of("kind", "full"),
                ClusterStatistics::fullHandshakes);
        b.counter("coap.cluster.handshakes", "DTLS handshakes completed", Tags.of("kind", "abbreviated"),
                ClusterStatistics::abbreviatedHandshakes);
        String resumption = "coap.cluster.resumption";
        b.counter(resumption, "shared resumption cache look-ups", Tags.of("result", "hit"),
                ClusterStatistics::resumptionHits);
        b.counter(resumption, "shared resumption cache look-ups", Tags.of("result", "miss"),
                ClusterStatistics::resumptionMisses);
        b.counter(resumption, "shared resumption cache look-ups", Tags.of("result", "rejected"),
                ClusterStatistics::resumptionRejected);
        b.counter("coap.cluster.redis.errors", "failed Redis operations", Tags.empty(), ClusterStatistics::redisErrors);
        b.gauge("coap.cluster.redis.latency", "round trip of the last lease renewal, seconds", Tags.empty(),
                s -> s.redisLatencyMicros() / 1e6);
        b.gauge("coap.cluster.lease.conflict", "1 once another node took this node's id", Tags.empty(),
                s -> s.leaseConflict() ? 1 : 0);
    }

    private record Binder(MeterRegistry registry, Supplier<ClusterStatistics> statistics, Tags tags) {
        void counter(String name, String description, Tags own, ToDoubleFunction<ClusterStatistics> f) {
            FunctionCounter.builder(name, statistics, s -> f.applyAsDouble(s.get())).description(description)
                    .tags(tags).tags(own).register(registry);
        }

        void gauge(String name, String description, Tags own, ToDoubleFunction<ClusterStatistics> f) {
            // held strongly: the registry's only reference to the supplier, which the counters share weakly
            Gauge.builder(name, statistics, s -> f.applyAsDouble(s.get())).description(description)
                    .strongReference(true).tags(tags).tags(own).register(registry);
        }
    }
}
