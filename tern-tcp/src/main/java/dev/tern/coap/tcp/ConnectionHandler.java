package dev.tern.coap.tcp;

import dev.tern.coap.CoapTransportException;
import dev.tern.coap.spi.ConnectionTransport;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The last handler of every pipeline: turns channel events into {@link ConnectionTransport.Receiver}
 * calls. Bytes are passed on as read (a stream for TCP and TLS, RFC 8323 §3.2; one message per
 * buffer for a WebSocket pipeline, §4.2), never buffered here: the engine frames and bounds them.
 * A pipeline that needs a handshake first (WebSocket upgrade) fires {@link #READY} when done, and
 * the connection opens then instead of when the channel becomes active.
 */
final class ConnectionHandler extends ChannelInboundHandlerAdapter {
    /** The destination a client channel was opened to (its remote address as the engine knows it). */
    static final AttributeKey<InetSocketAddress> DESTINATION = AttributeKey.valueOf("tern.destination");
    /** User event: the pipeline's own handshake is done, the connection is ready for CoAP. */
    static final Object READY = new Object();

    private final ConnectionTransport.Receiver receiver;
    private final boolean initiated;
    private final Framing framing;
    private final boolean messageFramed;
    private final boolean openOnActive;
    private ChannelConnection connection;
    private String closeReason = "closed by the peer";
    private ScheduledFuture<?> handshakeDeadline;

    ConnectionHandler(ConnectionTransport.Receiver receiver, boolean initiated, Framing framing) {
        this.receiver = receiver;
        this.initiated = initiated;
        this.framing = framing;
        this.messageFramed = framing.messageFramed();
        this.openOnActive = framing.openOnActive();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (openOnActive) {
            open(ctx);
        } else if (framing.handshakeTimeoutMillis() > 0) {
            // the whole handshake, from the first byte (or none) on: a silent or trickling peer is cut off
            handshakeDeadline = ctx.executor().schedule(() -> {
                if (connection == null) {
                    closeReason = "handshake not completed within " + framing.handshakeTimeoutMillis() + " ms";
                    ctx.close();
                }
            }, framing.handshakeTimeoutMillis(), TimeUnit.MILLISECONDS);
        }
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == READY && connection == null) {
            if (handshakeDeadline != null) {
                handshakeDeadline.cancel(false);
            }
            open(ctx);
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    private void open(ChannelHandlerContext ctx) {
        InetSocketAddress destination = ctx.channel().attr(DESTINATION).get();
        InetSocketAddress remote = destination != null ? destination : (InetSocketAddress) ctx.channel().remoteAddress();
        connection = new ChannelConnection(ctx.channel(), remote, initiated, messageFramed,
                framing.peerIdentity(ctx.channel()));
        receiver.onOpened(connection);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (connection == null) {
                return; // nothing before the connection is open
            }
            int length = buf.readableBytes();
            if (buf.hasArray()) {
                receiver.onData(connection, buf.array(), buf.arrayOffset() + buf.readerIndex(), length);
            } else {
                byte[] copy = new byte[length];
                buf.getBytes(buf.readerIndex(), copy);
                receiver.onData(connection, copy, 0, length);
            }
        } finally {
            buf.release();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (connection != null) {
            receiver.onClosed(connection, closeReason);
        } else if (initiated) {
            // a handshake (TLS, WebSocket upgrade) failed or timed out before the connection opened
            InetSocketAddress destination = ctx.channel().attr(DESTINATION).get();
            receiver.onConnectFailed(destination, new CoapTransportException("cannot connect to " + destination
                    + " (" + framing.scheme() + "): " + closeReason));
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        closeReason = root instanceof IOException ? "reset: " + root.getMessage() : "failed: " + root;
        ctx.close();
    }
}
