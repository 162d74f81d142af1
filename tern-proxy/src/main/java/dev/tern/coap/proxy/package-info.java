/**
 * CoAP proxies (RFC 7252 §5.7): {@link dev.tern.coap.proxy.CoapProxy} gives a forward proxy
 * service for {@code CoapServer.Builder.proxy} (Proxy-Uri, Proxy-Scheme) and reverse proxy
 * services for a {@code Router}, with a cache (§5.6), Hop-Limit (RFC 8768) and Observe fan-out
 * (RFC 7641 §5).
 */
package dev.tern.coap.proxy;
