/** Internal. The pure message codec of RFC 7252 §3: bytes to {@link dev.tern.coap.internal.codec.Message} and back; no I/O, no logging. */
package dev.tern.coap.internal.codec;
