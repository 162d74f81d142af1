/**
 * Metrics of Tern's CoAP endpoints (RFC 7252) in Micrometer: {@link dev.tern.coap.micrometer.TernMetrics}
 * implements {@link dev.tern.coap.spi.EndpointMetrics} over a {@code MeterRegistry}.
 */
package dev.tern.coap.micrometer;
