/**
 * CoAP over TCP (RFC 8323): {@link dev.tern.coap.tcp.TcpTransports} makes {@code coap+tcp} client
 * and server transports for {@code CoapClient.builder().transport(...)} and
 * {@code CoapServer.builder().listener(...)}.
 */
package dev.tern.coap.tcp;
