package dev.tern.coap.tcp;

import dev.tern.coap.PeerIdentity;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;

/**
 * Puts TLS under a connection (coaps+tcp, coaps+ws: RFC 8323 §3, §4, §9.1) and says who the
 * peer authenticated as once the handshake is done.
 */
interface TlsSetup {
    /**
     * Adds the TLS handler(s) first in {@code pipeline}; the handshake must end within
     * {@code handshakeTimeoutMillis} or the channel closes.
     */
    void configure(ChannelPipeline pipeline, boolean client, long handshakeTimeoutMillis);

    /** The peer's identity after a completed handshake on {@code channel}, or null. */
    PeerIdentity peerIdentity(Channel channel);
}
