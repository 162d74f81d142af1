package dev.tern.coap.proxy;

import dev.tern.coap.CoapClient;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP-to-CoAP gateway (RFC 8075) in front of a {@link CoapProxy}: {@code GET /hc/coap://host/path}
 * (the default URI mapping, §5.3) or {@code GET /hc/?target_uri=coap%3A%2F%2Fhost%2Fpath} (§5.4)
 * becomes a CoAP request to that target, through the proxy's allow-list, cache, in-flight bound and
 * timeouts; the CoAP response comes back mapped to HTTP (status codes §7, media types §6, ETag and
 * Max-Age as ETag and Cache-Control). A GET with {@code Accept: text/event-stream} observes the
 * target (RFC 7641) and relays every notification as a Server-Sent Event until the HTTP client
 * leaves. Other paths serve the browser console's static files from the class path
 * ({@code dev/tern/coap/proxy/console/}, {@code /} is {@code index.html}). Plain coap exchanges
 * run on the HTTP connection's own I/O thread (a UDP socket and CoAP client per thread, see
 * {@link Builder#ioThreads}); observations, coaps and the reliable schemes use the proxy's clients.
 * On Linux the I/O is Netty's native epoll transport, elsewhere NIO.
 *
 * <pre>{@code
 * CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1").build();
 * HttpGateway http = HttpGateway.builder(proxy).port(8080).build().start();
 * // curl http://127.0.0.1:8080/hc/coap://127.0.0.1/hello
 * }</pre>
 *
 * Bounded by {@link Builder#maxConnections}, {@link Builder#maxHeaderBytes},
 * {@link Builder#maxBodyBytes}, {@link Builder#idleTimeout}, {@link Builder#maxEventStreams} and the
 * proxy's {@link CoapProxy.Builder#maxConcurrentRequests}. Binds 127.0.0.1 unless told otherwise.
 */
public final class HttpGateway implements AutoCloseable {
    private final Builder config;
    private final CoapProxy proxy;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger eventStreams = new AtomicInteger();
    private final StaticFiles files = new StaticFiles();
    private EventLoopGroup boss;
    private EventLoopGroup workers;
    private ExecutorService resolver;
    private Channel listener;
    private ChannelGroup children;
    /** The gateway's coap client on each event loop ({@link LoopDatagrams}); empty when the proxy's is the caller's. */
    private final Map<EventLoop, CoapClient> loopClients = new IdentityHashMap<>();

    private HttpGateway(Builder config) {
        this.config = config;
        this.proxy = config.proxy;
    }

    /** A builder for a gateway in front of {@code proxy}: 127.0.0.1, an ephemeral port, the default bounds. */
    public static Builder builder(CoapProxy proxy) {
        return new Builder(Objects.requireNonNull(proxy, "proxy"));
    }

    /** Binds and starts serving; returns this gateway. */
    public synchronized HttpGateway start() {
        if (listener != null) {
            return this;
        }
        boolean epoll = config.nativeTransport && Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("tern-http-accept", true), io);
        workers = new MultiThreadIoEventLoopGroup(config.ioThreads, new DefaultThreadFactory("tern-http", true), io);
        children = new DefaultChannelGroup(workers.next());
        ChannelGroup open = children;
        try {
            for (EventExecutor e : workers) {
                LoopDatagrams datagrams = LoopDatagrams.open((IoEventLoop) e, new InetSocketAddress(0));
                CoapClient client;
                try {
                    client = proxy.loopClient(datagrams, datagrams);
                } catch (RuntimeException failed) {
                    datagrams.close(); // not the client's yet
                    throw failed;
                }
                if (client == null) {
                    datagrams.close();
                    break; // the caller's coap client carries every coap exchange
                }
                loopClients.put((EventLoop) e, client);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        Map<EventLoop, CoapClient> clients = Map.copyOf(loopClients);
        resolver = Executors.newFixedThreadPool(2, new DefaultThreadFactory("tern-http-resolve", true));
        GatewayHandler.Shared shared = new GatewayHandler.Shared(proxy, files, config.console, resolver,
                eventStreams, config.maxEventStreams, config.hostNames, new EventRelays(), proxy.newTargetCache());
        ServerBootstrap b = new ServerBootstrap().group(boss, workers)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (connections.incrementAndGet() > config.maxConnections) {
                            connections.decrementAndGet();
                            ch.close(); // over the bound: refused before any byte is read
                            return;
                        }
                        ch.closeFuture().addListener(f -> connections.decrementAndGet());
                        open.add(ch);
                        long idle = config.idleTimeout.toMillis();
                        ch.pipeline()
                                // responses completed while reading the UDP socket are flushed together after it
                                .addLast(new FlushConsolidationHandler(256, true))
                                .addLast(GatewayHandler.IDLE, new IdleTimeout(idle, TimeUnit.MILLISECONDS))
                                .addLast(new HttpServerCodec(4096, config.maxHeaderBytes, 8192))
                                .addLast(new BodilessRequests()) // a GET skips the aggregator
                                .addLast(new HttpObjectAggregator(config.maxBodyBytes))
                                .addLast(new GatewayHandler(shared, clients.get(ch.eventLoop())));
                    }
                });
        try {
            listener = b.bind(config.bind).sync().channel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("interrupted while binding " + config.bind, e);
        } catch (RuntimeException e) {
            close();
            throw new IllegalStateException("cannot bind the HTTP gateway to " + config.bind + ": " + e.getMessage(), e);
        }
        return this;
    }

    /** The address the gateway listens on (after {@link #start()}). */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** The port the gateway listens on (after {@link #start()}). */
    public int port() {
        return localAddress().getPort();
    }

    /** HTTP connections open now ({@link Builder#maxConnections}). */
    public int connections() {
        return connections.get();
    }

    /** The coap clients on the gateway's own event loops, for tests: one per I/O thread, none when the proxy's is given. */
    synchronized int loopClients() {
        return loopClients.size();
    }

    /** Server-Sent Event streams open now, each one CoAP observation ({@link Builder#maxEventStreams}). */
    public int eventStreams() {
        return eventStreams.get();
    }

    /** Closes the listener and every connection (and so every observation); the proxy stays open. */
    @Override
    public synchronized void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
            listener = null;
        }
        if (children != null) {
            children.close().awaitUninterruptibly(2, TimeUnit.SECONDS); // ends the streams and their observations
            children = null;
        }
        loopClients.values().forEach(CoapClient::close); // on their loops, which are still running
        loopClients.clear();
        if (boss != null) {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            resolver.shutdownNow();
            boss = null;
        }
    }

    /** Builds an {@link HttpGateway}. */
    public static final class Builder {
        private final CoapProxy proxy;
        private InetSocketAddress bind = new InetSocketAddress("127.0.0.1", 0);
        private int maxConnections = 256;
        private int maxHeaderBytes = 8 * 1024;
        private int maxBodyBytes = 1024 * 1024;
        private Duration idleTimeout = Duration.ofSeconds(60);
        private int maxEventStreams = 64;
        private int ioThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
        private boolean console = true;
        private boolean nativeTransport = true;
        private java.util.Set<String> hostNames = java.util.Set.of();

        private Builder(CoapProxy proxy) {
            this.proxy = proxy;
        }

        /** Listens on {@code port} of 127.0.0.1 (or of the address {@link #bind} set); 0 for an ephemeral one. */
        public Builder port(int port) {
            if (port < 0 || port > 0xFFFF) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.bind = new InetSocketAddress(bind.getAddress(), port);
            return this;
        }

        /** Listens on {@code address} (default 127.0.0.1: the gateway is not reachable from elsewhere). */
        public Builder bind(InetSocketAddress address) {
            this.bind = Objects.requireNonNull(address, "address");
            return this;
        }

        /** HTTP connections open at once at most, default 256; beyond, new ones are closed at once. */
        public Builder maxConnections(int connections) {
            this.maxConnections = positive(connections, "maxConnections");
            return this;
        }

        /** Bytes of request headers at most, default 8 KiB; beyond, 431 (RFC 6585 §5) and the connection closes. */
        public Builder maxHeaderBytes(int bytes) {
            this.maxHeaderBytes = positive(bytes, "maxHeaderBytes");
            return this;
        }

        /**
         * Bytes of request body at most, default 1 MiB; beyond, 413 (RFC 9110 §15.5.14). The CoAP
         * request carries the body upstream block-wise (RFC 7959) when it exceeds one datagram.
         */
        public Builder maxBodyBytes(int bytes) {
            this.maxBodyBytes = positive(bytes, "maxBodyBytes");
            return this;
        }

        /** How long a connection may stay without traffic, default 60 s; event streams are exempt. */
        public Builder idleTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive: " + timeout);
            }
            this.idleTimeout = timeout;
            return this;
        }

        /** Server-Sent Event streams (CoAP observations, RFC 7641) at once at most, default 64; beyond, 503. */
        public Builder maxEventStreams(int streams) {
            if (streams < 0) {
                throw new IllegalArgumentException("maxEventStreams must not be negative: " + streams);
            }
            this.maxEventStreams = streams;
            return this;
        }

        /**
         * Netty I/O threads, default 2, or 1 where the JVM has one processor (as tern-tcp's
         * transports). Each thread has its own UDP socket and CoAP client for the coap exchanges of
         * its connections, so that an exchange starts and ends on the thread of its HTTP connection
         * (and each client has the proxy's {@link CoapProxy.Builder#upstreamNstart}); with a coap
         * client given to the proxy ({@link CoapProxy.Builder#coapClient}) that client carries them
         * instead. The threads share nothing per request, so more threads than processors only
         * switch between each other.
         */
        public Builder ioThreads(int threads) {
            this.ioThreads = positive(threads, "ioThreads");
            return this;
        }

        /**
         * Whether to use Netty's native epoll transport where it loads (Linux), default true; NIO
         * otherwise. Package-private: the tests run the gateway on both.
         */
        Builder nativeTransport(boolean use) {
            this.nativeTransport = use;
            return this;
        }

        /** Whether paths outside {@code /hc} serve the console's static files, default true. */
        public Builder console(boolean serve) {
            this.console = serve;
            return this;
        }

        /**
         * Host names browsers may use to reach the gateway, besides IP literals and
         * {@code localhost}, default none: a browser's request with another Host gets 421
         * (RFC 9110 §15.5.20), against DNS rebinding ({@link BrowserGuard}). Replaces earlier names.
         */
        public Builder hostNames(String... names) {
            java.util.Set<String> set = new java.util.HashSet<>();
            for (String n : names) {
                String name = n.trim().toLowerCase(java.util.Locale.ROOT);
                if (name.isEmpty() || name.contains(":") || name.contains("/")) {
                    throw new IllegalArgumentException("not a host name: " + n);
                }
                set.add(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
            }
            this.hostNames = java.util.Set.copyOf(set);
            return this;
        }

        /** The gateway, not started yet. */
        public HttpGateway build() {
            return new HttpGateway(this);
        }

        private static int positive(int value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1: " + value);
            }
            return value;
        }
    }
}
