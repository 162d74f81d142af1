package dev.tern.coap.tcp;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first handler of every accepted channel: counts it from accept to close, in total and per
 * IP address, and closes it at once beyond {@code maxConnections} or
 * {@code maxConnectionsPerAddress}. So connections still in a TLS handshake or WebSocket upgrade
 * (which the engine does not see yet, each holding a TLS engine or an HTTP decoder) are bounded
 * like open ones (RFC 8323 §9.1; SECURITY.md "Every bound").
 */
@ChannelHandler.Sharable
final class AcceptLimiter extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<Boolean> COUNTED = AttributeKey.valueOf("tern.accept.counted");
    private final int maxTotal;
    private final int maxPerAddress;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    AcceptLimiter(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress address = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        int n = total.incrementAndGet();
        int m = perAddress.merge(address, 1, Integer::sum);
        ctx.channel().attr(COUNTED).set(Boolean.TRUE);
        if (n > maxTotal || m > maxPerAddress) {
            ctx.close();
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().attr(COUNTED).getAndSet(null) != null) {
            total.decrementAndGet();
            InetAddress address = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
            perAddress.computeIfPresent(address, (a, c) -> c <= 1 ? null : c - 1);
        }
        super.channelInactive(ctx);
    }
}
