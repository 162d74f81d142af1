/**
 * Tern core: the CoAP (RFC 7252) codec, engine, client and server. Exports only the public API
 * ({@code dev.tern.coap}) and the service provider interface ({@code dev.tern.coap.spi}); every
 * {@code dev.tern.coap.internal} package is an implementation detail. The codec is also exported to
 * the test kit alone, whose {@code CoapMessage} encodes and decodes with it.
 */
@SuppressWarnings("module") // the test kit is built after this module, so javac cannot see it here
module dev.tern.coap {
    requires org.slf4j;

    exports dev.tern.coap;
    exports dev.tern.coap.spi;
    exports dev.tern.coap.internal.codec to dev.tern.coap.testkit;
}
