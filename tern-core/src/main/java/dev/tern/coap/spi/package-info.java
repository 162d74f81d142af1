/** Service provider interface: the datagram {@link dev.tern.coap.spi.Transport} and the endpoint's {@link dev.tern.coap.spi.Scheduler} (thread and clock). */
package dev.tern.coap.spi;
