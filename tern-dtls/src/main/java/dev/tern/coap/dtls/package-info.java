/**
 * {@code coaps}: CoAP over DTLS 1.2 (RFC 7252 §9, RFC 6347) on BouncyCastle, as a
 * {@link dev.tern.coap.spi.SecurityLayer} for {@link dev.tern.coap.CoapServer} and
 * {@link dev.tern.coap.CoapClient}. Pre-shared keys, raw public keys (RFC 7250), X.509
 * certificates, Connection ID (RFC 9146) and session resumption. Start at {@link dev.tern.coap.dtls.Dtls}.
 */
package dev.tern.coap.dtls;
