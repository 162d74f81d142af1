/**
 * Tern's metrics in Micrometer: {@link dev.tern.coap.micrometer.TernMetrics} records what CoAP
 * (RFC 7252) endpoints do in a {@code MeterRegistry}. Micrometer is an automatic module
 * ({@code micrometer.core}); it is required transitively because {@code TernMetrics} takes a
 * {@code MeterRegistry}.
 */
@SuppressWarnings("requires-transitive-automatic")
module dev.tern.coap.micrometer {
    requires transitive dev.tern.coap;
    requires transitive micrometer.core;

    exports dev.tern.coap.micrometer;
}
