package dev.tern.coap.tcp;

import dev.tern.coap.CoapTransportException;
import dev.tern.coap.spi.ConnectionTransport;
import dev.tern.coap.spi.ReliableSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ConnectionTransport} on Netty NIO: a listener (server) or outgoing connections
 * (client), with a {@link Framing} deciding the pipeline under the connection handler.
 */
final class NettyConnectionTransport implements ConnectionTransport {
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private final Framing framing;
    private final ReliableSettings settings;
    /** The address to listen on, or null for a client transport. */
    private final InetSocketAddress bind;
    private final int ioThreads;
    private EventLoopGroup group;
    private Channel listener;
    private Bootstrap client;
    private volatile Receiver receiver;
    private final AcceptLimiter acceptLimiter;

    NettyConnectionTransport(Framing framing, ReliableSettings settings, InetSocketAddress bind, int ioThreads) {
        this.framing = framing;
        this.settings = settings;
        this.bind = bind;
        this.ioThreads = ioThreads;
        this.acceptLimiter = new AcceptLimiter(settings.maxConnections(), settings.maxConnectionsPerAddress());
    }

    @Override
    public String scheme() {
        return framing.scheme();
    }

    @Override
    public ReliableSettings settings() {
        return settings;
    }

    @Override
    public synchronized void start(Receiver r) {
        if (group != null) {
            throw new IllegalStateException("already started");
        }
        this.receiver = r;
        group = new MultiThreadIoEventLoopGroup(ioThreads, NioIoHandler.newFactory());
        client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(initializer(true));
        if (bind == null) {
            return;
        }
        ServerBootstrap server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(initializer(false));
        try {
            listener = server.bind(bind).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new CoapTransportException("interrupted while binding " + bind, e);
        } catch (RuntimeException e) {
            close();
            throw new CoapTransportException("cannot listen on " + bind + ": " + e.getMessage(), e);
        }
    }

    private ChannelInitializer<SocketChannel> initializer(boolean initiated) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                framing.configure(ch.pipeline(), initiated);
                ch.pipeline().addLast(new ConnectionHandler(receiver, initiated, framing));
                if (!initiated) {
                    ch.pipeline().addFirst(acceptLimiter); // before TLS: counted from accept on
                }
            }
        };
    }

    @Override
    public void connect(InetSocketAddress destination) {
        Bootstrap b;
        synchronized (this) {
            b = client;
        }
        if (b == null) {
            receiver.onConnectFailed(destination, new CoapTransportException("transport not started or closed"));
            return;
        }
        ChannelFuture f = b.clone().attr(ConnectionHandler.DESTINATION, destination).connect(destination);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                Throwable cause = done.cause();
                receiver.onConnectFailed(destination, new CoapTransportException("cannot connect to " + destination
                        + ": " + (cause == null ? "cancelled" : cause.getMessage()), cause));
            }
        });
    }

    @Override
    public InetSocketAddress localAddress() {
        Channel l = listener;
        return l != null ? (InetSocketAddress) l.localAddress() : new InetSocketAddress(0);
    }

    @Override
    public synchronized void close() {
        if (listener != null) {
            listener.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            listener = null;
        }
        client = null;
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            group = null;
        }
    }
}
