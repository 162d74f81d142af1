package dev.tern.coap;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A CoAP client: sends requests from one UDP socket and matches responses by token (RFC 7252
 * §5.3.2). Thread-safe; thousands of requests can be outstanding without a thread each.
 *
 * <pre>{@code
 * try (CoapClient client = CoapClient.create()) {
 *     Response r = client.call(Request.get("coap://localhost/hello").build());
 *     System.out.println(r.code() + " " + r.payloadString());
 * }
 * }</pre>
 */
public final class CoapClient implements AutoCloseable {
    private CoapClient() {
    }

    /** A client with the default configuration on an ephemeral port. */
    public static CoapClient create() {
        return builder().build();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sends {@code request}; the future completes with the response, or fails with
     * {@link CoapTimeoutException}, {@link CoapResetException} or {@link CoapTransportException}.
     */
    public CompletableFuture<Response> send(Request request) {
        throw new UnsupportedOperationException("TEMPORARY");
    }

    /** Sends {@code request} and waits for the response; throws the {@link CoapException} of a failure. */
    public Response call(Request request) {
        throw new UnsupportedOperationException("TEMPORARY");
    }

    /** GET {@code uri} and wait for the response. */
    public Response get(String uri) {
        return call(Request.get(uri).build());
    }

    /** CoAP ping (RFC 7252 §4.3): an empty CON that the peer answers with RST; completes with the round-trip time. */
    public CompletableFuture<Duration> ping(String uri) {
        throw new UnsupportedOperationException("TEMPORARY");
    }

    /** The bound local address. */
    public InetSocketAddress localAddress() {
        throw new UnsupportedOperationException("TEMPORARY");
    }

    /** Fails outstanding requests with {@link CoapTransportException} and releases the socket. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("TEMPORARY");
    }

    /** Builds a {@link CoapClient}. */
    public static final class Builder {
        private Builder() {
        }

        /** Transmission parameters and bounds. */
        public Builder config(EndpointConfig config) {
            return this;
        }

        /** Local address to bind; default an ephemeral port on all interfaces. */
        public Builder bind(InetSocketAddress address) {
            return this;
        }

        /** Sees every message sent and received. */
        public Builder tracer(MessageTracer tracer) {
            return this;
        }

        /** The client; its socket is bound now. */
        public CoapClient build() {
            return new CoapClient();
        }
    }
}
