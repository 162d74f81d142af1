package dev.tern.coap;

import dev.tern.coap.internal.engine.CoapEndpoint;
import dev.tern.coap.internal.state.EndpointState;
import dev.tern.coap.internal.transport.udp.UdpEventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CoAP server on UDP (RFC 7252): binds a port, runs the message and exchange layers on one I/O
 * thread (or several, see {@link Builder#ioThreads(int)}), and hands requests to a {@link Service}
 * (usually a {@link Router}) on an executor.
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
    /** The IPv4 All-CoAP-Nodes group (RFC 7252 §12.8). */
    public static final String ALL_COAP_NODES_IPV4 = "224.0.1.187";
    /** The link-local IPv6 All-CoAP-Nodes group (RFC 7252 §12.8). */
    public static final String ALL_COAP_NODES_IPV6_LINK_LOCAL = "ff02::fd";
    /** The site-local IPv6 All-CoAP-Nodes group (RFC 7252 §12.8). */
    public static final String ALL_COAP_NODES_IPV6_SITE_LOCAL = "ff05::fd";

    private final Builder builder;
    /** Empty until started; then one endpoint per I/O thread, the first with the multicast groups. */
    private volatile List<CoapEndpoint> endpoints = List.of();
    private ExecutorService ownExecutor;
    private volatile List<NetworkInterface> multicastInterfaces = List.of();
    private boolean stateSaved;
    /** The connection listeners (RFC 8323), once started. */
    private volatile ReliableListeners listeners;
    /** The observations of {@link #client()} told to {@link Builder#observationListener}, or null. */
    private final ClientObservations clientObservations;

    private CoapServer(Builder builder) {
        this.builder = builder;
        this.clientObservations = builder.observations == null ? null : new ClientObservations(builder.observations);
    }

    /** A new builder: port 5683 on all interfaces, default configuration. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the socket and starts serving; throws {@link CoapTransportException} when binding fails. With
     * {@link Builder#transport} it starts serving on that transport instead.
     */
    public synchronized CoapServer start() {
        if (!endpoints.isEmpty()) {
            throw new IllegalStateException("already started");
        }
        if (builder.state != null) {
            EndpointState.restoreHolders(builder.state, holders());
        }
        if (builder.transport != null) {
            startOn(builder.transport, builder.scheduler);
            restoreRelations();
            return this;
        }
        if (builder.ioThreads > 1 && !builder.joins.isEmpty()) {
            throw new IllegalStateException("joinMulticast needs ioThreads(1): every SO_REUSEPORT socket on the port"
                    + " gets a copy of each group datagram, which the other loops could not tell from unicast");
        }
        Executor executor = builder.executor;
        if (executor == null) {
            ownExecutor = defaultExecutor();
            executor = ownExecutor;
        }
        if (builder.security != null && !builder.joins.isEmpty()) {
            throw new IllegalStateException("multicast groups cannot be joined with a security layer: DTLS has no"
                    + " group sessions (RFC 7252 §9.1)");
        }
        int port = builder.port >= 0 ? builder.port
                : builder.security != null ? builder.security.defaultPort() : CoapUri.DEFAULT_PORT;
        InetSocketAddress bind = builder.address == null ? new InetSocketAddress(port)
                : new InetSocketAddress(builder.address, port);
        String scheme = builder.security == null ? CoapUri.COAP : builder.security.scheme();
        boolean reusePort = builder.ioThreads > 1;
        List<CoapEndpoint> started = new ArrayList<>();
        List<dev.tern.coap.internal.transport.udp.MulticastMembership> memberships;
        try {
            memberships = MulticastJoins.memberships(builder.joins, builder.address);
        } catch (RuntimeException e) {
            shutdownExecutor();
            throw e;
        }
        try {
            for (int i = 0; i < builder.ioThreads; i++) {
                // The first loop picks the port (when 0) and holds the multicast groups (one loop only); the
                // others bind to the same port, and the kernel hashes each peer to one socket.
                InetSocketAddress at = i == 0 ? bind : new InetSocketAddress(bind.getAddress(),
                        started.get(0).localAddress().getPort());
                String name = "tern-server-" + port + (reusePort ? "-" + i : "");
                UdpEventLoop loop = new UdpEventLoop(at, builder.receiveBufferSize, name,
                        i == 0 ? memberships : List.of(), reusePort,
                        !builder.joins.isEmpty());
                try {
                    dev.tern.coap.spi.Transport wire = builder.security == null ? loop
                            : builder.security.wrap(loop, loop, builder.metrics);
                    started.add(CoapEndpoint.assemble(wire, loop, builder.config, builder.service, executor, scheme,
                            builder.tracer, builder.proxy, new SecureRandom(), builder.metrics, builder.objectSecurity,
                            builder.relations));
                } catch (RuntimeException e) {
                    loop.close();
                    throw e;
                }
            }
        } catch (RuntimeException e) {
            started.forEach(CoapEndpoint::close);
            shutdownExecutor();
            throw e;
        }
        endpoints = List.copyOf(started);
        startListeners(executor);
        List<NetworkInterface> joined = new ArrayList<>();
        for (var m : memberships) {
            if (!joined.contains(m.networkInterface())) {
                joined.add(m.networkInterface());
            }
        }
        multicastInterfaces = List.copyOf(joined);
        restoreRelations();
        return this;
    }

    private void restoreRelations() {
        if (builder.relations != null) {
            builder.relations.started(this::cancelRelation);
        }
        if (builder.state != null) {
            EndpointState.restoreRelations(builder.state, scheme(), endpoints);
        }
    }

    private String scheme() {
        return builder.security == null ? CoapUri.COAP : builder.security.scheme();
    }

    /** The state holders: the security layer if it is one, then those given to the builder. */
    private List<dev.tern.coap.spi.StateHolder> holders() {
        List<dev.tern.coap.spi.StateHolder> all = new ArrayList<>();
        if (builder.security instanceof dev.tern.coap.spi.StateHolder h) {
            all.add(h);
        }
        all.addAll(builder.holders);
        return all;
    }

    /** Serves on a transport and scheduler the application gave ({@link Builder#transport}). */
    private CoapServer startOn(dev.tern.coap.spi.Transport datagrams, dev.tern.coap.spi.Scheduler scheduler) {
        if (builder.ioThreads > 1) {
            throw new IllegalStateException("ioThreads(" + builder.ioThreads + ") needs UDP sockets: a server on a"
                    + " given transport runs one stack on that transport's scheduler");
        }
        if (!builder.joins.isEmpty()) {
            throw new IllegalStateException("joinMulticast needs UDP sockets: a server on a given transport cannot"
                    + " join multicast groups");
        }
        Executor executor = builder.executor != null ? builder.executor : Runnable::run;
        dev.tern.coap.spi.Transport wire = builder.security == null ? datagrams
                : builder.security.wrap(datagrams, scheduler, builder.metrics);
        String scheme = builder.security == null ? CoapUri.COAP : builder.security.scheme();
        endpoints = List.of(CoapEndpoint.assemble(wire, scheduler, builder.config, builder.service, executor, scheme,
                builder.tracer, builder.proxy, new SecureRandom(), builder.metrics, builder.objectSecurity,
                builder.relations));
        startListeners(executor);
        return this;
    }

    private void startListeners(Executor executor) {
        if (builder.listeners.isEmpty()) {
            return;
        }
        try {
            listeners = ReliableListeners.start(builder.listeners, builder.config, builder.service, executor,
                    builder.tracer, builder.proxy, builder.metrics, builder.relations);
        } catch (RuntimeException e) {
            endpoints.forEach(CoapEndpoint::close);
            endpoints = List.of();
            shutdownExecutor();
            throw e;
        }
    }

    /**
     * The listening address of the {@link Builder#listener listener} of {@code scheme} (such as
     * {@code coap+tcp}), after {@link #start()}; the UDP address for {@code coap} or {@code coaps}.
     *
     * @throws IllegalStateException when not started or no listener serves {@code scheme}
     */
    public InetSocketAddress localAddress(String scheme) {
        Objects.requireNonNull(scheme, "scheme");
        ReliableListeners l = listeners;
        InetSocketAddress a = l == null ? null : l.localAddress(scheme);
        if (a != null) {
            return a;
        }
        if (!scheme.contains("+")) {
            return localAddress();
        }
        throw new IllegalStateException("no started listener for " + scheme);
    }

    /** A bounded pool of daemon threads; a full queue makes the server answer 5.03 (RFC 7252 §5.9.3.4). */
    private static ExecutorService defaultExecutor() {
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "tern-handler-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000),
                factory);
    }

    /** The first I/O thread's protocol stack, for tests in this package (its table sizes); null before start. */
    dev.tern.coap.internal.engine.CoapEndpoint endpoint() {
        List<CoapEndpoint> e = endpoints;
        return e.isEmpty() ? null : e.get(0);
    }

    /** The bound address (after {@link #start()}). */
    public InetSocketAddress localAddress() {
        List<CoapEndpoint> e = endpoints;
        if (e.isEmpty()) {
            throw new IllegalStateException("not started");
        }
        return e.get(0).localAddress();
    }

    /**
     * The network interfaces the multicast groups are joined on (RFC 7252 §8), after
     * {@link #start()}; empty without groups. With a specific {@link Builder#bind bind} address, only
     * that address's interface.
     */
    public List<NetworkInterface> multicastInterfaces() {
        return multicastInterfaces;
    }

    /**
     * A client that sends from this server's own endpoint (after {@link #start()}): the same socket,
     * and with a security layer the same DTLS sessions, so a peer that reached the server, even
     * through a NAT, can be sent requests back (the server-initiated requests of RFC 7252 §2.1, as
     * OMA LwM2M's device management uses them). Its scheme is the server's. It needs
     * {@code ioThreads(1)}: with several sockets on the port the kernel could hand the response to
     * another one. {@link CoapClient#close()} on it does nothing; {@link #close()} ends it.
     *
     * @throws IllegalStateException before {@link #start()}, or with more than one I/O thread
     */
    public CoapClient client() {
        List<CoapEndpoint> e = endpoints;
        if (e.isEmpty()) {
            throw new IllegalStateException("not started");
        }
        if (e.size() > 1) {
            throw new IllegalStateException("client() needs ioThreads(1): a response could reach another socket");
        }
        return new CoapClient(e.get(0), builder.security == null ? CoapUri.COAP : builder.security.scheme(),
                clientObservations);
    }

    /**
     * Ends the observe relation of {@code peer} and {@code token} from outside (an operator, another
     * node of a cluster), from any thread: the relation is removed and the observer receives, as
     * its last notification, a confirmable {@code code} response without Observe (RFC 7641 §4.2),
     * protected like any other, after which it expects no more (§3.2). {@code code} must be 4.xx or
     * 5.xx: 5.03 Service Unavailable invites the observer to register again, 4.04 says the resource
     * is gone. Completes with whether this server held the relation.
     */
    public java.util.concurrent.CompletableFuture<Boolean> cancelRelation(InetSocketAddress peer, Bytes token,
                                                                          Code code) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(token, "token");
        if (code.codeClass() != 4 && code.codeClass() != 5) {
            throw new IllegalArgumentException("a relation ends with a 4.xx or 5.xx notification: " + code);
        }
        Response last = Response.of(code);
        java.util.concurrent.CompletableFuture<Boolean> any = java.util.concurrent.CompletableFuture.completedFuture(false);
        ReliableListeners l = listeners;
        List<CoapEndpoint> all = new ArrayList<>(endpoints);
        if (l != null) {
            all.addAll(l.endpoints()); // a relation on a connection (RFC 8323 §7.1): its remote address
        }
        for (CoapEndpoint e : all) { // with several I/O threads only one holds the peer's relations
            any = any.thenCombine(e.cancelRelation(peer, token, last), Boolean::logicalOr);
        }
        return any;
    }

    /** The bound port (after {@link #start()}); useful with port 0. */
    public int port() {
        return localAddress().getPort();
    }

    /** Stops serving and releases the sockets and threads. Idempotent. */
    @Override
    public synchronized void close() {
        if (builder.state != null && !endpoints.isEmpty() && !stateSaved) {
            stateSaved = true;
            EndpointState.save(builder.state, scheme(), endpoints, holders());
        }
        endpoints.forEach(CoapEndpoint::close);
        ReliableListeners l = listeners;
        if (l != null) {
            l.close();
            listeners = null;
        }
        shutdownExecutor();
    }

    private void shutdownExecutor() {
        if (ownExecutor != null) {
            ownExecutor.shutdownNow();
            ownExecutor = null;
        }
    }

    /** Builds a {@link CoapServer}. */
    public static final class Builder {
        /** -1: the scheme's default (5683, or 5684 with DTLS). */
        private int port = -1;
        private InetAddress address;
        private EndpointConfig config = EndpointConfig.defaults();
        private Service service = request -> java.util.concurrent.CompletableFuture.completedFuture(
                Response.of(Code.NOT_FOUND));
        private Executor executor;
        private MessageTracer tracer;
        private dev.tern.coap.spi.EndpointMetrics metrics = dev.tern.coap.spi.EndpointMetrics.NONE;
        private int receiveBufferSize = 2 * 1024 * 1024;
        private int ioThreads = 1;
        private final List<MulticastJoins.Join> joins = new ArrayList<>();
        private dev.tern.coap.spi.SecurityLayer security;
        private dev.tern.coap.spi.Transport transport;
        private dev.tern.coap.spi.Scheduler scheduler;
        private dev.tern.coap.spi.ObjectSecurity objectSecurity;
        private Service proxy;
        private dev.tern.coap.spi.StateStore state;
        private final List<dev.tern.coap.spi.StateHolder> holders = new ArrayList<>();
        private dev.tern.coap.spi.RelationListener relations;
        private dev.tern.coap.spi.ClientObservationListener observations;
        private final List<dev.tern.coap.spi.ConnectionTransport> listeners = new ArrayList<>();

        private Builder() {
        }

        /**
         * Keeps the server's state in {@code store} across restarts: on {@link #start()} the
         * security layer (if it is a {@link dev.tern.coap.spi.StateHolder}, like DTLS with its
         * resumption cache, RFC 5246 §7.3) and the {@link #stateHolder holders} take back their
         * records, and the saved observe relations are restored: each registration runs again and
         * the notifications go on with larger Observe numbers (RFC 7641 §4.4). On {@link #close()}
         * all of it is saved and {@link dev.tern.coap.spi.StateStore#flush() flushed}. The store
         * stays open (the application closes it). See {@link dev.tern.coap.spi.EncryptedStateFile}.
         */
        public Builder state(dev.tern.coap.spi.StateStore store) {
            this.state = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Tells {@code listener} of every observe relation's start and end (RFC 7641 §4.1) on the
         * UDP/DTLS endpoints and the connection {@link #listener}s (RFC 8323 §7.1), and at {@link #start()} gives it {@link #cancelRelation} (e.g. {@code
         * tern-cluster}'s relation mirror, so that any node lists and cancels them). Never called
         * per notification.
         */
        public Builder relationListener(dev.tern.coap.spi.RelationListener listener) {
            this.relations = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Tells {@code listener} of the observations (RFC 7641 §3) that the server's own {@link
         * CoapServer#client()} starts, as {@code CoapClient.Builder.observationListener} does for a
         * client of its own (e.g. {@code tern-cluster}'s mirror, for a node observing its devices).
         */
        public Builder observationListener(dev.tern.coap.spi.ClientObservationListener listener) {
            this.observations = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Adds a component whose state is kept in the {@link #state store} (e.g. a resource directory). */
        public Builder stateHolder(dev.tern.coap.spi.StateHolder holder) {
            this.holders.add(Objects.requireNonNull(holder, "holder"));
            return this;
        }

        /**
         * Runs the server on {@code transport} and {@code scheduler} instead of a UDP socket and its
         * own I/O thread: for tests and simulators, such as {@code tern-testkit}'s in-memory network
         * on a manual clock, where an EXCHANGE_LIFETIME of 247 s (RFC 7252 §4.8.2) passes in
         * milliseconds. The server delivers and sends every datagram through {@code transport},
         * keeps all protocol state on {@code scheduler}'s thread and takes its time from it, and
         * closes {@code transport} when closed; {@link #port}, {@link #bind} and
         * {@link #receiveBufferSize} do not apply. Unless {@link #executor} says otherwise, handlers
         * run on the scheduler's thread, so a test on a manual clock is deterministic. A
         * {@link #security} layer wraps {@code transport}. {@link #start()} throws
         * {@link IllegalStateException} when combined with {@link #ioThreads(int) ioThreads(n)},
         * {@code n > 1}, or with multicast groups ({@link #joinMulticast(InetAddress)}), which need
         * UDP sockets.
         */
        public Builder transport(dev.tern.coap.spi.Transport transport, dev.tern.coap.spi.Scheduler scheduler) {
            this.transport = Objects.requireNonNull(transport, "transport");
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Serves also over {@code transport} (RFC 8323), beside UDP: e.g.
         * {@code listener(TcpTransports.server(5683))} from {@code tern-tcp} for {@code coap+tcp}.
         * Each listener runs the same service with its own stack (framing, CSM and signaling
         * instead of the message layer, then the same exchange, observe and block-wise layers) on
         * a scheduler thread of its own. Repeatable, one per scheme.
         */
        public Builder listener(dev.tern.coap.spi.ConnectionTransport transport) {
            this.listeners.add(Objects.requireNonNull(transport, "transport"));
            return this;
        }

        /**
         * Serves {@code coaps} through {@code layer} (DTLS from {@code tern-dtls}) instead of plain
         * {@code coap}; the default port becomes the layer's (5684). Requests carry the peer's
         * authenticated identity ({@link Request#peerIdentity()}).
         */
        public Builder security(dev.tern.coap.spi.SecurityLayer layer) {
            this.security = Objects.requireNonNull(layer, "layer");
            return this;
        }

        /**
         * Verifies and decrypts requests with {@code layer} (OSCORE from {@code tern-oscore},
         * RFC 8613) before the service sees them, and protects their responses; the layer answers
         * what it cannot verify with the RFC's error responses. Requests carry the peer's OSCORE
         * identity ({@link Request#peerIdentity()}).
         */
        public Builder objectSecurity(dev.tern.coap.spi.ObjectSecurity layer) {
            this.objectSecurity = Objects.requireNonNull(layer, "layer");
            return this;
        }

        /**
         * Also serves requests sent to the multicast {@code group} (RFC 7252 §8), joined on every
         * interface that is up, supports multicast and has an address of the group's family — or,
         * when the server is {@link #bind bound} to a specific address, on that address's interface
         * only ({@link #start()} fails when it cannot be determined); at {@link #start()} there must
         * be one. Only {@link Router} routes that opt in answer ({@link RouteOptions#multicast(boolean)});
         * a {@link Service} of another kind sees every group request ({@link Request#isMulticast()})
         * and must choose itself. Every answer stays within
         * {@link EndpointConfig#multicastAmplificationLimit()} (RFC 7252 §11.3). Group requests are answered from the unicast socket
         * after a random delay of up to {@link EndpointConfig#multicastLeisure()} (§8.2), only with
         * 2.xx responses and never with RST (§8.1); a CON sent to a group is ignored.
         *
         * <p>Each group gets its own socket bound to the group address and the server's port, so
         * that group datagrams can be told from unicast ones; the server's unicast socket is then
         * bound with SO_REUSEADDR. Works on Linux; other systems may refuse to bind a socket to a
         * multicast address.
         */
        public Builder joinMulticast(InetAddress group) {
            joins.add(MulticastJoins.join(group, null, true));
            return this;
        }

        /** Like {@link #joinMulticast(InetAddress)}, on {@code networkInterface} only (RFC 7252 §8). */
        public Builder joinMulticast(InetAddress group, NetworkInterface networkInterface) {
            joins.add(MulticastJoins.join(group, Objects.requireNonNull(networkInterface, "networkInterface"), true));
            return this;
        }

        /**
         * Joins the All-CoAP-Nodes groups (RFC 7252 §12.8) — {@value CoapServer#ALL_COAP_NODES_IPV4},
         * {@value CoapServer#ALL_COAP_NODES_IPV6_LINK_LOCAL} and
         * {@value CoapServer#ALL_COAP_NODES_IPV6_SITE_LOCAL} — on every suitable interface, skipping a
         * family no interface has; see {@link #joinMulticast(InetAddress)}.
         */
        public Builder joinAllCoapNodes() {
            for (String g : List.of(ALL_COAP_NODES_IPV4, ALL_COAP_NODES_IPV6_LINK_LOCAL, ALL_COAP_NODES_IPV6_SITE_LOCAL)) {
                joins.add(MulticastJoins.join(MulticastJoins.literal(g), null, false));
            }
            return this;
        }

        /** UDP port; 0 picks an ephemeral port. Default 5683 (RFC 7252 §12.6), 5684 with a security layer. */
        public Builder port(int port) {
            if (port < 0 || port > 0xFFFF) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Local address to bind; default all interfaces (IPv6 and IPv4). A specific address also
         * limits the multicast groups joined without an interface to that address's interface
         * (RFC 7252 §8, §11.3).
         */
        public Builder bind(InetAddress address) {
            this.address = Objects.requireNonNull(address, "address");
            return this;
        }

        /** Local address to bind, as a host name or literal; throws {@link CoapTransportException} if unknown. */
        public Builder bind(String host) {
            Objects.requireNonNull(host, "host");
            try {
                return bind(InetAddress.getByName(host));
            } catch (UnknownHostException e) {
                throw new CoapTransportException("unknown bind address " + host, e);
            }
        }

        /** Transmission parameters and bounds. */
        public Builder config(EndpointConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** The service that answers requests; default answers 4.04 to everything. */
        public Builder service(Service service) {
            this.service = Objects.requireNonNull(service, "service");
            return this;
        }

        /**
         * Hands requests that carry Proxy-Uri or Proxy-Scheme (RFC 7252 §5.7.2, §5.10.2) to
         * {@code proxy} (e.g. a forward proxy from {@code tern-proxy}) instead of answering them
         * with 5.05 Proxying Not Supported, which is what a server without one does. The other
         * checks still come first (a Proxy-Uri together with Uri-* options is 4.00); block-wise
         * transfer (RFC 7959) and Observe (RFC 7641) work as for {@link #service(Service)}.
         */
        public Builder proxy(Service proxy) {
            this.proxy = Objects.requireNonNull(proxy, "proxy");
            return this;
        }

        /** Where handlers run; default a bounded pool of daemon threads, one per core (at least two). */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** Sees every message sent and received. */
        public Builder tracer(MessageTracer tracer) {
            this.tracer = Objects.requireNonNull(tracer, "tracer");
            return this;
        }

        /**
         * Tells {@code metrics} what the server does: requests by method, response code and route
         * with the handler's latency (RFC 7252 §5), retransmissions (§4.2), duplicates (§4.5),
         * observers and notifications (RFC 7641), block-wise transfers (RFC 7959), dropped
         * datagrams and, with a {@link #security security layer}, handshakes and sessions. Shared by
         * every I/O thread. {@code tern-micrometer}'s {@code TernMetrics} records them in a
         * Micrometer registry. Default: none, which costs nothing.
         */
        public Builder metrics(dev.tern.coap.spi.EndpointMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /**
         * The number of I/O threads, default 1. With {@code n > 1} the server opens {@code n} sockets
         * on the same address and port with SO_REUSEPORT, each served by its own thread and its own
         * protocol stack; the kernel hashes each peer (its address and port) to one socket, so a
         * peer's deduplication, Message IDs, exchanges and observe relations stay on one thread. The
         * {@link Service} and the executor are shared. Needs SO_REUSEPORT (Linux; {@link #start()}
         * throws {@link CoapTransportException} where it is not supported) and cannot be combined
         * with {@link #joinMulticast(InetAddress)} or {@link #joinAllCoapNodes()}. Bounds in the
         * {@link EndpointConfig} (e.g. maximum observers) apply per thread.
         */
        public Builder ioThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("ioThreads must be at least 1: " + n);
            }
            this.ioThreads = n;
            return this;
        }

        /** SO_RCVBUF of each socket in bytes (default 2 MiB; the OS may cap it), 0 for the OS default. */
        public Builder receiveBufferSize(int bytes) {
            this.receiveBufferSize = bytes;
            return this;
        }

        /** The server, not yet started. */
        public CoapServer build() {
            return new CoapServer(this);
        }
    }
}
