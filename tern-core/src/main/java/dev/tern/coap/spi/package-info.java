/**
 * Service provider interface: the datagram {@link dev.tern.coap.spi.Transport}, the endpoint's
 * {@link dev.tern.coap.spi.Scheduler} (thread and clock), the {@link dev.tern.coap.spi.SecurityLayer},
 * the {@link dev.tern.coap.spi.EndpointMetrics} listener, and the {@link dev.tern.coap.spi.StateStore}
 * with its {@link dev.tern.coap.spi.StateHolder}s and record types for state that outlives a process,
 * and the {@link dev.tern.coap.spi.RelationListener} told of observe relations (a cluster mirrors them).
 */
package dev.tern.coap.spi;
