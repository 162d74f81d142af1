/**
 * Tern proxy: CoAP-to-CoAP forward and reverse proxies (RFC 7252 §5.7) with coap/coaps scheme
 * translation, a response cache (§5.6), Hop-Limit (RFC 8768) and Observe fan-out (RFC 7641 §5);
 * an HTTP-to-CoAP gateway (RFC 8075) on Netty with Observe as Server-Sent Events.
 * Exports only {@code dev.tern.coap.proxy}; everything else in it is package-private.
 */
module dev.tern.coap.proxy {
    requires transitive dev.tern.coap;
    requires org.slf4j;
    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;
    requires io.netty.transport.unix.common;
    requires java.net.http;

    exports dev.tern.coap.proxy;
}
