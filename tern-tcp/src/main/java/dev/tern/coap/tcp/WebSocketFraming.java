package dev.tern.coap.tcp;

import dev.tern.coap.PeerIdentity;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.InetSocketAddress;
import java.net.URI;

/**
 * CoAP over WebSockets (RFC 8323 §4): an HTTP/1.1 upgrade on {@code /.well-known/coap} with the
 * subprotocol {@code coap}, then one CoAP message per binary frame without a length (§4.2).
 * Text frames are refused with close code 1003. Frames (and fragmented messages) above the
 * Max-Message-Size are refused by the decoder before they are buffered. With a {@link TlsSetup}
 * underneath it is {@code coaps+ws} (§8.4).
 */
final class WebSocketFraming implements Framing {
    /** The resource path of CoAP over WebSockets (RFC 8323 §4.1, §8.3). */
    static final String PATH = "/.well-known/coap";
    /** The WebSocket subprotocol of CoAP (RFC 8323 §4.1, §11.1). */
    static final String SUBPROTOCOL = "coap";
    /** Bound on the HTTP upgrade request or response, headers included. */
    private static final int MAX_HANDSHAKE_BYTES = 8192;

    private final TlsSetup tls;
    private final int maxMessageSize;
    private final long handshakeTimeoutMillis;

    WebSocketFraming(TlsSetup tls, int maxMessageSize, long handshakeTimeoutMillis) {
        this.tls = tls;
        this.maxMessageSize = maxMessageSize;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    @Override
    public String scheme() {
        return tls == null ? "coap+ws" : "coaps+ws";
    }

    @Override
    public void configure(ChannelPipeline pipeline, boolean client) {
        if (tls != null) {
            tls.configure(pipeline, client, handshakeTimeoutMillis);
        }
        WebSocketDecoderConfig decoder = WebSocketDecoderConfig.newBuilder()
                .maxFramePayloadLength(maxMessageSize).allowExtensions(false).build();
        if (client) {
            InetSocketAddress destination = pipeline.channel().attr(ConnectionHandler.DESTINATION).get();
            String host = destination.getHostString().contains(":")
                    ? "[" + destination.getHostString() + "]" : destination.getHostString();
            URI uri = URI.create((tls == null ? "ws://" : "wss://") + host + ":" + destination.getPort() + PATH);
            pipeline.addLast(new HttpClientCodec(4096, MAX_HANDSHAKE_BYTES, MAX_HANDSHAKE_BYTES));
            pipeline.addLast(new HttpObjectAggregator(MAX_HANDSHAKE_BYTES));
            pipeline.addLast(new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                    .webSocketUri(uri).version(WebSocketVersion.V13).subprotocol(SUBPROTOCOL)
                    .customHeaders(new DefaultHttpHeaders()).maxFramePayloadLength(maxMessageSize)
                    .allowExtensions(false).handshakeTimeoutMillis(handshakeTimeoutMillis)
                    .dropPongFrames(true).build()));
        } else {
            pipeline.addLast(new HttpServerCodec(4096, MAX_HANDSHAKE_BYTES, MAX_HANDSHAKE_BYTES));
            pipeline.addLast(new HttpObjectAggregator(MAX_HANDSHAKE_BYTES));
            pipeline.addLast(new WebSocketServerProtocolHandler(WebSocketServerProtocolConfig.newBuilder()
                    .websocketPath(PATH).subprotocols(SUBPROTOCOL).checkStartsWith(false)
                    .handshakeTimeoutMillis(handshakeTimeoutMillis).decoderConfig(decoder)
                    .dropPongFrames(true).build()));
        }
        pipeline.addLast(new WebSocketFrameAggregator(maxMessageSize));
        pipeline.addLast(new MessageFrames(tls != null));
    }

    @Override
    public boolean messageFramed() {
        return true;
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
        return tls == null ? null : tls.peerIdentity(channel);
    }

    /**
     * Between the WebSocket frames and the connection handler: a binary frame's content goes up as
     * one message, a message going down becomes one binary frame (RFC 8323 §4.2); a text frame
     * closes the connection with 1003; the handshake's end opens the CoAP connection.
     */
    private static final class MessageFrames extends ChannelDuplexHandler {
        /**
         * Under TLS, each frame is flushed into a TLS record of its own: libcoap 4.3.4's WebSocket
         * server reads one frame per TLS record and drops a second one in the same record.
         */
        private final boolean recordPerFrame;
        private boolean open;
        private boolean closing;

        MessageFrames(boolean recordPerFrame) {
            this.recordPerFrame = recordPerFrame;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete
                    || evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                open = true;
                ctx.fireUserEventTriggered(ConnectionHandler.READY);
                return;
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof BinaryWebSocketFrame frame) {
                ctx.fireChannelRead(frame.content());
            } else if (msg instanceof TextWebSocketFrame frame) {
                frame.release();
                closing = true;
                ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE,
                        "CoAP over WebSockets uses binary frames (RFC 8323 4.2)"))
                        .addListener(ChannelFutureListener.CLOSE);
            } else if (msg instanceof WebSocketFrame frame) {
                frame.release(); // control frames are answered by the protocol handler
            } else {
                ctx.fireChannelRead(msg);
            }
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
            if (msg instanceof ByteBuf buf && open) {
                if (!buf.isReadable()) {
                    buf.release();
                    promise.trySuccess();
                    return;
                }
                ctx.write(new BinaryWebSocketFrame(buf), promise);
                if (recordPerFrame) {
                    ctx.flush();
                }
                return;
            }
            super.write(ctx, msg, promise);
        }

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
            if (open && !closing && ctx.channel().isActive()) {
                closing = true;
                ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE))
                        .addListener(done -> ctx.close(promise));
                return;
            }
            super.close(ctx, promise);
        }
    }
}
