/**
 * Testing CoAP (RFC 7252) handlers and clients without sockets: {@link dev.tern.coap.testkit.InMemoryNetwork}
 * on a {@link dev.tern.coap.testkit.ManualScheduler}, {@link dev.tern.coap.testkit.ScriptedPeer} speaking
 * {@link dev.tern.coap.testkit.CoapMessage}, and {@link dev.tern.coap.testkit.LossyRelay} for loopback UDP.
 */
package dev.tern.coap.testkit;
