package dev.tern.coap.tcp;

import dev.tern.coap.PeerIdentity;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * CoAP over TLS ({@code coaps+tcp}, RFC 8323 §3, §8.2, §9.1): the §3.2 byte stream inside a TLS
 * connection. The CoAP connection (and its CSM) starts once the handshake completed; a handshake
 * that fails or takes longer than the timeout closes the channel.
 */
final class TlsFraming implements Framing {
    private final TlsSetup tls;
    private final long handshakeTimeoutMillis;

    TlsFraming(TlsSetup tls, long handshakeTimeoutMillis) {
        this.tls = tls;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    @Override
    public String scheme() {
        return "coaps+tcp";
    }

    @Override
    public void configure(ChannelPipeline pipeline, boolean client) {
        tls.configure(pipeline, client, handshakeTimeoutMillis);
        pipeline.addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
                if (evt instanceof SslHandshakeCompletionEvent done) {
                    if (done.isSuccess()) {
                        ctx.fireUserEventTriggered(ConnectionHandler.READY);
                    } else {
                        ctx.close();
                    }
                    return;
                }
                super.userEventTriggered(ctx, evt);
            }
        });
    }

    @Override
    public boolean messageFramed() {
        return false;
    }

    @Override
    public boolean openOnActive() {
        return false;
    }

    @Override
    public long handshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    public PeerIdentity peerIdentity(Channel channel) {
        return tls.peerIdentity(channel);
    }
}
