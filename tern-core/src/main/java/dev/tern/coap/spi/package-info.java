/**
 * Service provider interface: the datagram {@link dev.tern.coap.spi.Transport}, the endpoint's
 * {@link dev.tern.coap.spi.Scheduler} (thread and clock), the {@link dev.tern.coap.spi.SecurityLayer},
 * the {@link dev.tern.coap.spi.EndpointMetrics} listener, and the {@link dev.tern.coap.spi.StateStore}
 * with its {@link dev.tern.coap.spi.StateHolder}s and record types for state that outlives a process.
 */
package dev.tern.coap.spi;
