/**
 * OMA LwM2M through Eclipse Leshan 2.0 on Tern: {@link dev.tern.coap.leshan.TernServerEndpointsProvider}
 * is a Leshan server transport. Leshan does the LwM2M encoding (TLV, SenML JSON/CBOR, text, link
 * format); this package maps LwM2M operations onto CoAP (RFC 7252) requests and Observe (RFC 7641).
 */
package dev.tern.coap.leshan;
