/**
 * Tern's metrics in Micrometer: {@link dev.tern.coap.micrometer.TernMetrics} records what CoAP
 * (RFC 7252) endpoints do in a {@code MeterRegistry}. Micrometer is an automatic module
 * ({@code micrometer.core}); it is required transitively because {@code TernMetrics} takes a
 * {@code MeterRegistry}. {@link dev.tern.coap.micrometer.ClusterMeters} reads a tern-cluster node's
 * figures; tern-cluster is optional (static): it is there when a cluster runs.
 */
@SuppressWarnings("requires-transitive-automatic")
module dev.tern.coap.micrometer {
    requires transitive dev.tern.coap;
    requires transitive micrometer.core;
    requires static transitive dev.tern.coap.cluster; // ClusterMeters only; optional in the pom

    exports dev.tern.coap.micrometer;
}
