/**
 * Tern core: the CoAP (RFC 7252) codec, engine, client and server. Exports only the public API
 * ({@code dev.tern.coap}) and the service provider interface ({@code dev.tern.coap.spi}); every
 * {@code dev.tern.coap.internal} package is an implementation detail.
 */
module dev.tern.coap {
    requires org.slf4j;

    exports dev.tern.coap;
    exports dev.tern.coap.spi;
}
