/**
 * Internal. CoAP over reliable transports (RFC 8323) in place of the RFC 7252 §4 message layer:
 * {@link dev.tern.coap.internal.reliable.ReliableLayer} (connections as peer contexts, framing via
 * {@link dev.tern.coap.internal.codec.ReliableFraming}, bounds), {@code FrameReader} (§3.2 stream
 * cutting, no allocation sized by a claim), {@code SignalHandling} and {@code Signals} (§5: CSM,
 * Ping/Pong, Release, Abort).
 */
package dev.tern.coap.internal.reliable;
