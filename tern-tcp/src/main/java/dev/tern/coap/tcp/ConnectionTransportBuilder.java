package dev.tern.coap.tcp;

import dev.tern.coap.spi.ConnectionTransport;
import dev.tern.coap.spi.ReliableSettings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * What the builders of {@link TcpTransports}, {@link TlsTransports} and {@link WebSocketTransports}
 * share: where a server listens, the bounds and CSM values of each connection (RFC 8323 §5.3) and
 * the Netty I/O threads; each builder adds what its scheme needs (TLS credentials, handshake
 * timeouts) and says how a connection is framed.
 *
 * @param <B> the builder's own type, returned by every setter
 */
public abstract class ConnectionTransportBuilder<B extends ConnectionTransportBuilder<B>> {
    int port;
    private InetAddress address;
    ReliableSettings settings = ReliableSettings.defaults();
    private int ioThreads = Math.min(2, Runtime.getRuntime().availableProcessors());

    ConnectionTransportBuilder(int defaultPort) {
        this.port = defaultPort;
    }

    /** The port to listen on (0: any free port); default the scheme's port (RFC 8323 §8). */
    public B port(int port) {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        this.port = port;
        return self();
    }

    /** The local address to listen on; default all interfaces. */
    public B bind(InetAddress address) {
        this.address = Objects.requireNonNull(address, "address");
        return self();
    }

    /**
     * Bounds and CSM values the engine applies to each connection (RFC 8323 §5.3): Max-Message-Size
     * (which also bounds each WebSocket frame), Block-Wise-Transfer, CSM, idle and frame timeouts,
     * requests in flight, connection limits.
     */
    public B settings(ReliableSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        return self();
    }

    /** Netty I/O threads of a server transport; default min(2, processors). */
    public B ioThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("ioThreads must be >= 1: " + n);
        }
        this.ioThreads = n;
        return self();
    }

    /** A server transport: listens when its endpoint starts; it can open connections too. */
    public ConnectionTransport buildServer() {
        int p = listenPort();
        InetSocketAddress bind = address == null ? new InetSocketAddress(p) : new InetSocketAddress(address, p);
        return new NettyConnectionTransport(framing(), settings, bind, ioThreads);
    }

    /** A client transport: opens connections on demand, listens on nothing. */
    public ConnectionTransport buildClient() {
        return new NettyConnectionTransport(framing(), settings, null, 1);
    }

    /** The port a server listens on. */
    int listenPort() {
        return port;
    }

    /** How this scheme frames a connection's messages (RFC 8323 §3.2 or §4). */
    abstract Framing framing();

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
