package dev.tern.coap.tcp;

import dev.tern.coap.PeerIdentity;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;

/**
 * What a transport puts under the CoAP connection: nothing for coap+tcp; a TLS handler for
 * coaps+tcp; an HTTP upgrade and WebSocket framing for coap+ws (RFC 8323 §3, §4). The engine
 * above is the same for all.
 */
interface Framing {
    /** The URI scheme, e.g. {@code coap+tcp} (RFC 8323 §8). */
    String scheme();

    /** Adds the handlers below the connection handler (which comes last). */
    void configure(ChannelPipeline pipeline, boolean client);

    /** Whether each read buffer is one whole message (WebSocket, §4.2) rather than a byte stream (§3.2). */
    boolean messageFramed();

    /** Whether the connection opens when the channel is active, or on {@link ConnectionHandler#READY}. */
    boolean openOnActive();

    /**
     * How long the pipeline's own handshake (TLS, WebSocket upgrade) may take from the moment the
     * channel is active until {@link ConnectionHandler#READY}, in milliseconds; 0 for none.
     */
    default long handshakeTimeoutMillis() {
        return 0;
    }

    /** Who the peer authenticated as on {@code channel} (TLS, RFC 8323 §9.1), or null. */
    default PeerIdentity peerIdentity(Channel channel) {
        return null;
    }

    /** Plain TCP (coap+tcp, RFC 8323 §8.1). */
    Framing TCP = new Framing() {
        @Override
        public String scheme() {
            return "coap+tcp";
        }

        @Override
        public void configure(ChannelPipeline pipeline, boolean client) {
        }

        @Override
        public boolean messageFramed() {
            return false;
        }

        @Override
        public boolean openOnActive() {
            return true;
        }
    };
}
