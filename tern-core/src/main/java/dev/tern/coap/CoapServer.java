package dev.tern.coap;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;

/**
 * A CoAP server on UDP: binds a port, runs the RFC 7252 message and exchange layers on one I/O
 * thread, and hands requests to a {@link Service} (usually a {@link Router}) on an executor.
 *
 * <pre>{@code
 * CoapServer server = CoapServer.builder()
 *     .port(5683)
 *     .service(Router.builder().get("/hello", req -> Response.content("Hello World!")).build())
 *     .build()
 *     .start();
 * }</pre>
 */
public final class CoapServer implements AutoCloseable {
    private CoapServer() {
    }

    /** A new builder: port 5683 on all interfaces, default configuration. */
    public static Builder builder() {
        return new Builder();
    }

    /** Binds the socket and starts serving; throws {@link CoapTransportException} when binding fails. */
    public CoapServer start() {
        throw new UnsupportedOperationException("TEMPORARY");
    }

    /** The bound address (after {@link #start()}). */
    public InetSocketAddress localAddress() {
        throw new UnsupportedOperationException("TEMPORARY");
    }

    /** The bound port (after {@link #start()}); useful with port 0. */
    public int port() {
        return localAddress().getPort();
    }

    /** Stops serving and releases the socket and threads. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("TEMPORARY");
    }

    /** Builds a {@link CoapServer}. */
    public static final class Builder {
        private Builder() {
        }

        /** UDP port; 0 picks an ephemeral port. Default 5683. */
        public Builder port(int port) {
            return this;
        }

        /** Local address to bind; default all interfaces (IPv6 and IPv4). */
        public Builder bind(InetAddress address) {
            return this;
        }

        /** Local address to bind, as a host name or literal. */
        public Builder bind(String host) {
            return this;
        }

        /** Transmission parameters and bounds. */
        public Builder config(EndpointConfig config) {
            return this;
        }

        /** The service that answers requests. */
        public Builder service(Service service) {
            return this;
        }

        /** Where handlers run; default a small pool of daemon threads. */
        public Builder executor(Executor executor) {
            return this;
        }

        /** Sees every message sent and received. */
        public Builder tracer(MessageTracer tracer) {
            return this;
        }

        /** The server, not yet started. */
        public CoapServer build() {
            return new CoapServer();
        }
    }
}
