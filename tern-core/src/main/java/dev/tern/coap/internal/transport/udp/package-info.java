/** Internal. UDP transport: one selector thread per endpoint serving the socket, tasks and timers. */
package dev.tern.coap.internal.transport.udp;
