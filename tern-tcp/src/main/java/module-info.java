/**
 * CoAP over TCP (RFC 8323) for Tern: {@code coap+tcp} client and server transports on Netty.
 * The engine in {@code dev.tern.coap} does the framing, signaling and bounds; this module only
 * moves bytes. Exports only {@code dev.tern.coap.tcp}.
 */
module dev.tern.coap.tcp {
    requires transitive dev.tern.coap;
    requires transitive dev.tern.coap.dtls;
    requires org.bouncycastle.tls;
    requires org.bouncycastle.provider;
    requires io.netty.transport;
    requires io.netty.buffer;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires org.slf4j;

    exports dev.tern.coap.tcp;
}
