package dev.tern.coap;

import dev.tern.coap.internal.engine.CoapEndpoint;
import dev.tern.coap.internal.transport.udp.UdpEventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A CoAP client: sends requests from one UDP socket and matches responses by token (RFC 7252
 * §5.3.2). Thread-safe; thousands of requests can be outstanding without a thread each.
 * Futures complete on the client's I/O thread: use the {@code ...Async} methods of
 * {@link CompletableFuture} for slow follow-up work.
 *
 * <pre>{@code
 * try (CoapClient client = CoapClient.create()) {
 *     Response r = client.call(Request.get("coap://localhost/hello").build());
 *     System.out.println(r.code() + " " + r.payloadString());
 * }
 * }</pre>
 */
public final class CoapClient implements AutoCloseable {
    private final CoapEndpoint endpoint;
    private final dev.tern.coap.spi.StateStore state;
    private final dev.tern.coap.spi.SecurityLayer securityLayer;
    private final Map<Request, Observation> restored;
    private boolean stateSaved;
    /** {@code coap}, the security layer's scheme ({@code coaps}), or the connection transport's. */
    private final String scheme;
    /** The thread of a client on a connection transport, or null. */
    private final AutoCloseable ownScheduler;
    /** False for a server's view ({@link CoapServer#client()}): the server owns the endpoint. */
    private final boolean ownsEndpoint;
    /** The observations told to {@link Builder#observationListener}, or null. */
    private final ClientObservations observations;

    /**
     * A view of a server's endpoint: its requests leave from the server's socket and security
     * sessions; its observations are told to {@code observations} (the server's), when not null.
     */
    CoapClient(CoapEndpoint endpoint, String scheme, ClientObservations observations) {
        this.endpoint = endpoint;
        this.scheme = scheme;
        this.ownsEndpoint = false;
        this.ownScheduler = null;
        this.state = null;
        this.securityLayer = null;
        this.restored = Map.of();
        this.observations = observations;
    }

    private CoapClient(Builder b) {
        this.ownsEndpoint = true;
        this.observations = b.observationListener == null ? null : new ClientObservations(b.observationListener);
        this.state = b.state;
        this.securityLayer = b.security;
        if (b.connections != null) {
            scheme = b.connections.scheme();
            var thread = new dev.tern.coap.internal.engine.SchedulerThread("tern-client-" + scheme);
            ownScheduler = thread;
            try {
                endpoint = CoapEndpoint.assembleReliable(b.connections, thread, b.config, null, Runnable::run,
                        b.tracer, null, new SecureRandom(), b.metrics);
            } catch (RuntimeException e) {
                thread.close();
                throw e;
            }
            restored = Map.of();
            return;
        }
        this.ownScheduler = null;
        this.scheme = b.security == null ? CoapUri.COAP : b.security.scheme();
        if (state != null && b.security instanceof dev.tern.coap.spi.StateHolder h) {
            dev.tern.coap.internal.state.EndpointState.restoreHolders(state, List.of(h));
        }
        this.endpoint = assemble(b);
        this.restored = state == null ? Map.of() : ClientState.resume(state, endpoint, b.resume);
        if (observations != null) { // told once a notification re-establishes each (RFC 7641 §3)
            restored.forEach((request, o) -> observations.track(request, request.peer(), o));
        }
    }

    private static CoapEndpoint assemble(Builder b) {
        CoapEndpoint endpoint;
        String scheme = b.security == null ? CoapUri.COAP : b.security.scheme();
        if (b.transport != null) {
            dev.tern.coap.spi.Transport wire = b.security == null ? b.transport : b.security.wrap(b.transport,
                    b.scheduler, b.metrics);
            return CoapEndpoint.assemble(wire, b.scheduler, b.config, null, Runnable::run, scheme, b.tracer,
                    null, new SecureRandom(), b.metrics, b.objectSecurity);
        }
        InetSocketAddress bind = b.bind == null ? new InetSocketAddress(0) : b.bind;
        UdpEventLoop loop = new UdpEventLoop(bind, 0, "tern-client");
        try {
            if (b.multicastInterface != null) {
                loop.multicastInterface(b.multicastInterface);
            }
            dev.tern.coap.spi.Transport wire = b.security == null ? loop : b.security.wrap(loop, loop, b.metrics);
            endpoint = CoapEndpoint.assemble(wire, loop, b.config, null, Runnable::run, scheme, b.tracer,
                    null, new SecureRandom(), b.metrics, b.objectSecurity);
        } catch (RuntimeException e) {
            loop.close();
            throw e;
        }
        return endpoint;
    }

    /**
     * The observations taken back from the {@link Builder#state state store} when this client was
     * built, by their registration request (RFC 7641 §3); empty without a store. Each
     * {@link Observation} is active: {@link Observation#cancel()} deregisters it (§3.6).
     */
    public Map<Request, Observation> restoredObservations() {
        return restored;
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
     * {@link CoapTimeoutException}, {@link CoapResetException} or {@link CoapTransportException}
     * (RFC 7252 §5.3.2). 4.xx and 5.xx are responses, not failures. Note that
     * {@code send(r).join()} throws the failure wrapped in a
     * {@link java.util.concurrent.CompletionException} (its {@code getCause()}); {@link #call}
     * throws it bare.
     */
    public CompletableFuture<Response> send(Request request) {
        Objects.requireNonNull(request, "request");
        InetSocketAddress destination;
        try {
            checkScheme(request.scheme());
            destination = resolve(request.peer());
        } catch (CoapTransportException | CoapSecurityException e) {
            return CompletableFuture.failedFuture(e);
        }
        return endpoint.send(request, destination);
    }

    /**
     * Sends {@code request} and waits for the response; throws the {@link CoapException} of a
     * failure bare (not wrapped in a {@link java.util.concurrent.CompletionException}, unlike
     * {@code send(request).join()}).
     */
    public Response call(Request request) {
        Objects.requireNonNull(request, "request");
        return await(send(request));
    }

    /**
     * GET {@code uri} and wait for the response (RFC 7252 §5.8.1), up to the configured
     * {@link EndpointConfig#requestTimeout()} (MAX_TRANSMIT_WAIT, 93 s by default); see
     * {@link #get(String, Duration)} to wait less.
     */
    public Response get(String uri) {
        return call(Request.get(Objects.requireNonNull(uri, "uri")).build());
    }

    /**
     * GET {@code uri} and wait at most {@code timeout} for the response (RFC 7252 §5.8.1); throws
     * {@link CoapTimeoutException} when none came in time, e.g. from a dead host.
     */
    public Response get(String uri, Duration timeout) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(timeout, "timeout");
        return call(Request.get(uri).timeout(timeout).build());
    }

    /**
     * PUT {@code payload} with {@code contentFormat} (a {@link ContentFormat} number) to {@code uri}
     * and wait for the response (RFC 7252 §5.8.3); a large payload goes block-wise (RFC 7959).
     */
    public Response put(String uri, Bytes payload, int contentFormat) {
        return call(withBody(Request.put(Objects.requireNonNull(uri, "uri")), payload, contentFormat));
    }

    /**
     * POST {@code payload} with {@code contentFormat} (a {@link ContentFormat} number) to {@code uri}
     * and wait for the response (RFC 7252 §5.8.2); a large payload goes block-wise (RFC 7959).
     */
    public Response post(String uri, Bytes payload, int contentFormat) {
        return call(withBody(Request.post(Objects.requireNonNull(uri, "uri")), payload, contentFormat));
    }

    /** DELETE {@code uri} and wait for the response (RFC 7252 §5.8.4). */
    public Response delete(String uri) {
        return call(Request.delete(Objects.requireNonNull(uri, "uri")).build());
    }

    private static Request withBody(Request.Builder b, Bytes payload, int contentFormat) {
        Objects.requireNonNull(payload, "payload");
        if (contentFormat < 0 || contentFormat > 0xFFFF) {
            throw new IllegalArgumentException("contentFormat must be 0..65535 (RFC 7252 §12.3): " + contentFormat);
        }
        return b.payload(payload).contentFormat(contentFormat).build();
    }

    /**
     * Observes a resource (RFC 7641): sends {@code request} (a GET) with Observe=0 and hands the
     * first response and every fresh notification to {@code listener}, in order, on the client's
     * I/O thread. Notifications that arrive out of order are dropped (§3.4); the registration is
     * renewed when Max-Age passes without a notification (§3.3.1). {@link Observation#registered()}
     * completes before the listener sees the first response, on {@code coap} and {@code coaps}
     * alike; a registration answered without Observe or with an error (4.04) gives the listener
     * that one response and ends the observation (see {@link Observation}).
     *
     * <pre>{@code
     * Observation obs = client.observe(Request.get("coap://localhost/obs").build(),
     *         r -> System.out.println(r.payloadString()));
     * obs.registered().join();   // the first response
     * obs.cancel();              // GET with Observe=1
     * }</pre>
     */
    public Observation observe(Request request, java.util.function.Consumer<Response> listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        if (request.method() != Method.GET && request.method() != Method.FETCH) {
            throw new IllegalArgumentException("observe needs a GET or FETCH request (RFC 7641 §2, RFC 8132)");
        }
        Observation observation = new Observation();
        try {
            checkScheme(request.scheme());
            InetSocketAddress destination = resolve(request.peer());
            Request registration = observations == null ? request : observations.withToken(request);
            endpoint.observe(registration, destination, observation, listener);
            if (observations != null) {
                observations.track(registration, destination, observation);
            }
        } catch (CoapTransportException | CoapSecurityException e) {
            observation.registered().completeExceptionally(e);
            observation.ended().completeExceptionally(e);
        }
        return observation;
    }

    /**
     * Sends {@code request} to a multicast group (RFC 7252 §8.1), such as All-CoAP-Nodes
     * ({@code coap://224.0.1.187/.well-known/core}, {@code coap://[ff02::fd]/...}), and collects the
     * responses of every server that answers until {@code deadline} has passed. The request goes out
     * once, as NON, whatever {@link Request#isConfirmable()} says; servers answer from their unicast
     * addresses, after a random delay of up to their Leisure (§8.2, 5 s by default, so a deadline
     * above that is advisable), and never with errors (§8.1). Each {@link Response#peer()} is the
     * server that sent it.
     *
     * @return completes at the deadline with the responses in arrival order, possibly none; fails
     *     with {@link CoapTransportException} when the host cannot be resolved, is not a multicast
     *     address, or the client is closed
     */
    public CompletableFuture<List<Response>> multicast(Request request, Duration deadline) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(deadline, "deadline");
        InetSocketAddress group;
        try {
            group = resolve(request.peer());
        } catch (CoapTransportException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (!group.getAddress().isMulticastAddress()) {
            return CompletableFuture.failedFuture(new CoapTransportException(
                    group.getAddress().getHostAddress() + " is not a multicast address"));
        }
        return endpoint.multicast(request, group, deadline);
    }

    /** CoAP ping (RFC 7252 §4.3): an empty CON that the peer answers with RST; completes with the round-trip time. */
    public CompletableFuture<Duration> ping(String uri) {
        Objects.requireNonNull(uri, "uri");
        CoapUri u = CoapUri.parse(uri);
        try {
            checkScheme(u.scheme());
            return endpoint.ping(resolve(InetSocketAddress.createUnresolved(u.host(), u.port())));
        } catch (CoapTransportException | CoapSecurityException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The bound local address. */
    public InetSocketAddress localAddress() {
        return endpoint.localAddress();
    }

    /**
     * Fails outstanding requests with {@link CoapTransportException} and releases the socket. On a
     * server's client ({@link CoapServer#client()}) it does nothing: closing the server closes it.
     */
    @Override
    public void close() {
        if (!ownsEndpoint) {
            return; // a server's client: closing the server closes it
        }
        if (state != null && !stateSaved) {
            stateSaved = true;
            ClientState.save(state, endpoint, securityLayer);
        }
        endpoint.close();
        if (ownScheduler != null) {
            try {
                ownScheduler.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A client speaks one scheme: coaps only with a security layer, and then never plain coap. */
    private void checkScheme(String requested) {
        if (requested.equalsIgnoreCase(scheme)) {
            return;
        }
        if (scheme.contains("+")) {
            throw new CoapTransportException("this client speaks " + scheme + "://, not " + requested
                    + "://; use a client on another transport for it");
        }
        if (scheme.equals(CoapUri.COAP)) {
            throw new CoapSecurityException(requested + ":// needs a client with a security layer, e.g. "
                    + "CoapClient.builder().security(Dtls.client(...)) from tern-dtls");
        }
        throw new CoapSecurityException("this client speaks " + scheme + "://; a " + requested
                + ":// request would go unprotected; use a plain CoapClient for it");
    }

    private static InetSocketAddress resolve(InetSocketAddress peer) {
        if (!peer.isUnresolved()) {
            return peer;
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(peer.getHostString()), peer.getPort());
        } catch (UnknownHostException e) {
            throw new CoapTransportException("cannot resolve host " + peer.getHostString(), e);
        }
    }

    /** Waits for {@code future}, rethrowing a {@link CoapException} as itself. */
    static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CoapTransportException("interrupted while waiting for a response", e);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new CoapTransportException("request failed", cause);
        }
    }

    /** Builds a {@link CoapClient}. */
    public static final class Builder {
        private EndpointConfig config = EndpointConfig.clientDefaults();
        private InetSocketAddress bind;
        private MessageTracer tracer;
        private dev.tern.coap.spi.EndpointMetrics metrics = dev.tern.coap.spi.EndpointMetrics.NONE;
        private java.net.NetworkInterface multicastInterface;
        private dev.tern.coap.spi.SecurityLayer security;
        private dev.tern.coap.spi.Transport transport;
        private dev.tern.coap.spi.Scheduler scheduler;
        private dev.tern.coap.spi.ObjectSecurity objectSecurity;
        private dev.tern.coap.spi.StateStore state;
        private java.util.function.Function<Request, java.util.function.Consumer<Response>> resume;
        private dev.tern.coap.spi.ConnectionTransport connections;
        private dev.tern.coap.spi.ClientObservationListener observationListener;

        private Builder() {
        }

        /**
         * Sends over connections (CoAP over TCP, TLS or WebSockets, RFC 8323) instead of UDP, e.g.
         * {@code transport(TcpTransports.client())} from {@code tern-tcp}: the client then sends
         * requests of that transport's scheme ({@code coap+tcp://...}) with the same API. A
         * connection per server is opened on the first request, starts with CSM (§5.3), carries
         * pipelined requests, closes when idle and reopens on the next request; a 7.05 Abort or a
         * reset fails the requests in flight with {@link CoapTransportException} carrying the
         * peer's diagnostic. {@link CoapClient#ping} sends 7.02 Ping and waits for 7.03 Pong (§5.4).
         * Not combinable with the datagram options ({@link #bind}, {@link #security}, ...).
         */
        public Builder transport(dev.tern.coap.spi.ConnectionTransport transport) {
            this.connections = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Runs the client on {@code transport} and {@code scheduler} instead of a UDP socket and its
         * own I/O thread: for tests and simulators, such as {@code tern-testkit}'s in-memory network
         * on a manual clock, where retransmissions and timeouts (RFC 7252 §4.2, §4.8) happen in
         * virtual time. Requests go out and responses come in through {@code transport}; futures and
         * listeners complete on {@code scheduler}'s thread, so with a manual scheduler nothing
         * happens until the test runs it: use {@link CoapClient#send} rather than the blocking
         * {@link CoapClient#call}. The client closes {@code transport} when closed; a
         * {@link #security} layer wraps it. {@link #build()} throws {@link IllegalStateException}
         * when combined with {@link #bind} or {@link #multicastInterface}, which need a UDP socket.
         */
        public Builder transport(dev.tern.coap.spi.Transport transport, dev.tern.coap.spi.Scheduler scheduler) {
            this.transport = Objects.requireNonNull(transport, "transport");
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Protects every request with {@code layer} (DTLS from {@code tern-dtls}); the client then
         * sends {@code coaps://} requests only. Sessions are set up on the first request to a server
         * and kept; a failed handshake fails the waiting requests with {@link CoapSecurityException}.
         */
        public Builder security(dev.tern.coap.spi.SecurityLayer layer) {
            this.security = Objects.requireNonNull(layer, "layer");
            return this;
        }

        /**
         * Protects every request end to end with {@code layer} (OSCORE from {@code tern-oscore},
         * RFC 8613) and verifies every response; blocks of a block-wise transfer are protected one
         * by one. A response that is not authentic fails the request with {@link CoapSecurityException}.
         */
        public Builder objectSecurity(dev.tern.coap.spi.ObjectSecurity layer) {
            this.objectSecurity = Objects.requireNonNull(layer, "layer");
            return this;
        }

        /**
         * Transmission parameters and bounds; default {@link EndpointConfig#clientDefaults()}
         * (RFC 7252 §4.8 timing, response bodies up to 16 MiB). Start from
         * {@code EndpointConfig.clientDefaults().toBuilder()} to keep the client's body limit.
         */
        public Builder config(EndpointConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Local address to bind; default an ephemeral port on all interfaces. */
        public Builder bind(InetSocketAddress address) {
            this.bind = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * The interface group requests ({@link #multicast}) go out of (IP_MULTICAST_IF); default the
         * one the routing table picks.
         */
        public Builder multicastInterface(java.net.NetworkInterface nif) {
            this.multicastInterface = Objects.requireNonNull(nif, "nif");
            return this;
        }

        /** Sees every message sent and received. */
        public Builder tracer(MessageTracer tracer) {
            this.tracer = Objects.requireNonNull(tracer, "tracer");
            return this;
        }

        /**
         * Tells {@code metrics} what the client does: retransmissions (RFC 7252 §4.2), timeouts
         * (§4.8.2), duplicates (§4.5), block-wise transfers (RFC 7959), dropped datagrams and, with
         * a security layer, handshakes and sessions. Default: none, which costs nothing.
         */
        public Builder metrics(dev.tern.coap.spi.EndpointMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * Keeps the client's observations (RFC 7641 §3) and its security layer's state (the DTLS
         * resumption cache) in {@code store} across restarts: saved on {@link CoapClient#close()},
         * taken back by {@link #build()}. For each saved observation {@code resume} gets the
         * registration request and returns the listener for its notifications, or null to let it go
         * (the server's next notification is then answered with RST, which ends it, §3.6); see
         * {@link CoapClient#restoredObservations()}. {@link #bind} the same local address as before,
         * since the server sends the notifications there. The store stays open.
         */
        public Builder state(dev.tern.coap.spi.StateStore store,
                             java.util.function.Function<Request, java.util.function.Consumer<Response>> resume) {
            this.state = Objects.requireNonNull(store, "store");
            this.resume = Objects.requireNonNull(resume, "resume");
            return this;
        }

        /**
         * Tells {@code listener} when each observation this client starts with {@link #observe} is
         * established and when it ends (RFC 7641 §3), and gives it the means to cancel one (§3.6),
         * e.g. {@code tern-cluster}'s mirror, so that any node lists and cancels them. An observation
         * request without a token gets one of 8 random bytes from the client before it is sent.
         * Observations taken back from the {@link #state state store} are told once their first
         * notification arrives.
         */
        public Builder observationListener(dev.tern.coap.spi.ClientObservationListener listener) {
            this.observationListener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** The client; its socket is bound now (or its {@link #transport} started). */
        public CoapClient build() {
            if (connections != null && (transport != null || bind != null || security != null
                    || objectSecurity != null || multicastInterface != null)) {
                throw new IllegalStateException("a client on a connection transport takes none of transport(Transport,"
                        + " Scheduler), bind, security, objectSecurity or multicastInterface");
            }
            if (transport != null && bind != null) {
                throw new IllegalStateException("bind needs a UDP socket: a client on a given transport has that"
                        + " transport's address");
            }
            if (transport != null && multicastInterface != null) {
                throw new IllegalStateException("multicastInterface needs a UDP socket: a client on a given"
                        + " transport cannot choose one");
            }
            return new CoapClient(this);
        }
    }

    /** The protocol stack, for tests in this package (its table sizes); null before start. */
    dev.tern.coap.internal.engine.CoapEndpoint endpoint() {
        return endpoint;
    }
}
