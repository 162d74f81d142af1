package dev.tern.coap.tcp;

import dev.tern.coap.PeerIdentity;
import dev.tern.coap.spi.ConnectionTransport;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.InetSocketAddress;

/**
 * One Netty channel as the engine's connection (RFC 8323). Writes from the engine's thread are
 * handed to the channel's event loop, which coalesces their flushes.
 */
final class ChannelConnection implements ConnectionTransport.Connection {
    private final Channel channel;
    private final InetSocketAddress remote;
    private final boolean initiated;
    private final boolean messageFramed;
    private final PeerIdentity identity;

    ChannelConnection(Channel channel, InetSocketAddress remote, boolean initiated, boolean messageFramed,
                      PeerIdentity identity) {
        this.identity = identity;
        this.channel = channel;
        this.remote = remote;
        this.initiated = initiated;
        this.messageFramed = messageFramed;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public boolean initiated() {
        return initiated;
    }

    @Override
    public boolean messageFramed() {
        return messageFramed;
    }

    @Override
    public PeerIdentity peerIdentity() {
        return identity;
    }

    @Override
    public void send(byte[] frame) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(frame), channel.voidPromise());
    }

    @Override
    public void close() {
        // after the writes already queued (an Abort's diagnostic reaches the peer first)
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public String toString() {
        return "connection " + (initiated ? "to " : "from ") + remote;
    }
}
