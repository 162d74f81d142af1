package dev.tern.coap.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Turns a request without a body (no Content-Length or 0, no Transfer-Encoding, no Expect: the
 * common GET) into one {@link io.netty.handler.codec.http.FullHttpRequest} at once, so that only
 * requests with a body go through the {@link io.netty.handler.codec.http.HttpObjectAggregator} (which gives every request a
 * composite buffer). The decoder emits such a request and its empty last content together; anything
 * else (a body, a decoder failure, an unexpected message) passes on unchanged, in order.
 */
final class BodilessRequests extends ChannelInboundHandlerAdapter {
    /** A bodiless request whose empty last content has not arrived yet (event loop only). */
    private HttpRequest held;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (held != null) {
            HttpRequest start = held;
            held = null;
            if (msg instanceof LastHttpContent last && !last.content().isReadable() && last.trailingHeaders().isEmpty()
                    && last.decoderResult().isSuccess()) {
                last.release();
                DefaultFullHttpRequest full = new DefaultFullHttpRequest(start.protocolVersion(), start.method(),
                        start.uri(), Unpooled.EMPTY_BUFFER, start.headers(), last.trailingHeaders());
                full.setDecoderResult(start.decoderResult());
                ctx.fireChannelRead(full);
                return;
            }
            ctx.fireChannelRead(start); // not what the decoder sends for a bodiless request: the aggregator decides
            ctx.fireChannelRead(msg);
            return;
        }
        if (msg instanceof HttpRequest r && !(msg instanceof FullHttpMessage) && isBodiless(r)) {
            held = r;
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        held = null; // a request cut short: nothing to answer (it holds no buffer)
        super.channelInactive(ctx);
    }

    private static boolean isBodiless(HttpRequest r) {
        if (!r.decoderResult().isSuccess()) {
            return false;
        }
        HttpHeaders h = r.headers();
        String length = h.get(HttpHeaderNames.CONTENT_LENGTH);
        return (length == null || length.equals("0")) && !h.contains(HttpHeaderNames.TRANSFER_ENCODING)
                && !h.contains(HttpHeaderNames.EXPECT);
    }
}
