/**
 * Service provider interface: the datagram {@link dev.tern.coap.spi.Transport}, the endpoint's
 * {@link dev.tern.coap.spi.Scheduler} (thread and clock), the {@link dev.tern.coap.spi.SecurityLayer}
 * and the {@link dev.tern.coap.spi.EndpointMetrics} listener.
 */
package dev.tern.coap.spi;
