/**
 * Tern proxy: CoAP-to-CoAP forward and reverse proxies (RFC 7252 §5.7) with coap/coaps scheme
 * translation, a response cache (§5.6), Hop-Limit (RFC 8768) and Observe fan-out (RFC 7641 §5).
 * Exports only {@code dev.tern.coap.proxy}; everything else in it is package-private.
 */
module dev.tern.coap.proxy {
    requires transitive dev.tern.coap;
    requires org.slf4j;

    exports dev.tern.coap.proxy;
}
