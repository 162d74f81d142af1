package dev.tern.coap.testkit;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A network in memory, on one {@link ManualScheduler}: CoAP servers and clients built on it (with
 * {@code CoapServer.Builder.transport} and {@code CoapClient.Builder.transport}) exchange datagrams
 * without sockets or threads, and time moves only when the test says so, so an exchange that takes
 * a 247-s EXCHANGE_LIFETIME or 93-s MAX_TRANSMIT_WAIT (RFC 7252 §4.8.2) runs in milliseconds and
 * the same way every time. Not thread-safe: use it from the test's thread only.
 *
 * <pre>{@code
 * try (InMemoryNetwork network = new InMemoryNetwork()) {
 *     CoapServer server = network.server(Router.builder().get("/hello", req -> Response.content("hi")).build());
 *     CoapClient client = network.client();
 *     Response r = network.call(client, Request.get(InMemoryNetwork.uri(server, "/hello")).build());
 * }
 * }</pre>
 *
 * <p>A datagram sent to an address that has a transport on this network is delivered to it as a
 * scheduler task (so the next {@link #runPending()} or {@link #advance} delivers it); one sent
 * anywhere else is lost, as UDP would lose it, and stays readable by a {@link ScriptedPeer} at
 * that address. Servers get addresses 192.0.2.1, 192.0.2.2, ... port 5683 and clients
 * 198.51.100.1, 198.51.100.2, ... port 49152, in the documentation ranges of RFC 5737.
 */
public final class InMemoryNetwork implements AutoCloseable {
    /** How much virtual time {@link #await(CompletableFuture)} lets pass before it gives up. */
    public static final Duration DEFAULT_AWAIT = Duration.ofMinutes(10);

    /** Decides which datagrams the network loses, to test retransmission and deduplication (RFC 7252 §4.2, §4.5). */
    @FunctionalInterface
    public interface Loss {
        /**
         * Whether the datagram {@code data} from {@code source} to {@code destination} is lost; called once
         * for every datagram sent on the network, in sending order, on the test's thread.
         */
        boolean loses(byte[] data, InetSocketAddress source, InetSocketAddress destination);
    }

    private final ManualScheduler scheduler = new ManualScheduler();
    private Loss loss = (data, source, destination) -> false;
    private long lost;
    private final Map<InetSocketAddress, InMemoryTransport> transports = new HashMap<>();
    private final List<AutoCloseable> built = new ArrayList<>();
    private int servers;
    private int clients;

    /** An empty network whose clock is at 0. */
    public InMemoryNetwork() {
    }

    /** The clock and thread of every endpoint on this network. */
    public ManualScheduler scheduler() {
        return scheduler;
    }

    /**
     * A transport at {@code address} on this network, for {@code transport(network.transport(a),
     * network.scheduler())} on a server or client builder.
     *
     * @throws IllegalArgumentException when the address already has a transport here
     */
    public InMemoryTransport transport(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        if (transports.containsKey(address)) {
            throw new IllegalArgumentException(address + " is already on this network");
        }
        InMemoryTransport t = new InMemoryTransport(address, scheduler, this);
        transports.put(address, t);
        return t;
    }

    /** A started server at the next free server address running {@code service} on this network. */
    public CoapServer server(Service service) {
        return server(service, EndpointConfig.defaults());
    }

    /**
     * A started server at the next free server address running {@code service} with {@code config}
     * (transmission parameters of RFC 7252 §4.8 and bounds) on this network.
     */
    public CoapServer server(Service service, EndpointConfig config) {
        InetSocketAddress at = address(192, 0, 2, servers + 1, 5683);
        CoapServer s = CoapServer.builder().service(service).config(config).transport(transport(at), scheduler)
                .build().start();
        servers++;
        built.add(s);
        return s;
    }

    /** A client at the next free client address on this network, with the default configuration. */
    public CoapClient client() {
        return client(EndpointConfig.defaults());
    }

    /** A client at the next free client address on this network with {@code config} (RFC 7252 §4.8). */
    public CoapClient client(EndpointConfig config) {
        InetSocketAddress at = address(198, 51, 100, clients + 1, 49_152);
        CoapClient c = CoapClient.builder().config(config).transport(transport(at), scheduler).build();
        clients++;
        built.add(c);
        return c;
    }

    /**
     * A {@link ScriptedPeer} at {@code address} (which has no transport on this network) talking to
     * {@code client}: it reads what the client sends to {@code address} and answers in its place.
     */
    public ScriptedPeer peer(InetSocketAddress address, CoapClient client) {
        return peer(address, client.localAddress());
    }

    /** A {@link ScriptedPeer} at {@code address} talking to {@code server}, a client in its place. */
    public ScriptedPeer peer(InetSocketAddress address, CoapServer server) {
        return peer(address, server.localAddress());
    }

    private ScriptedPeer peer(InetSocketAddress address, InetSocketAddress endpoint) {
        if (transports.containsKey(address)) {
            throw new IllegalArgumentException(address + " is an endpoint on this network, not free for a peer");
        }
        InMemoryTransport t = transports.get(endpoint);
        if (t == null) {
            throw new IllegalArgumentException(endpoint + " is not on this network");
        }
        return new ScriptedPeer(address, t, scheduler);
    }

    /** The URI of {@code path} on {@code server}, e.g. {@code coap://192.0.2.1:5683/hello}. */
    public static String uri(CoapServer server, String path) {
        InetSocketAddress a = server.localAddress();
        return "coap://" + a.getAddress().getHostAddress() + ":" + a.getPort() + path;
    }

    /** Delivers every datagram in flight and runs every queued task, without moving the clock. */
    public void runPending() {
        scheduler.runPending();
    }

    /** Moves the clock forward by {@code d}, running every timer due and every datagram they send. */
    public void advance(Duration d) {
        scheduler.advance(d);
    }

    /**
     * Runs the network until {@code future} completes, moving the clock from timer to timer, at most
     * {@link #DEFAULT_AWAIT} of virtual time; returns its value.
     *
     * @throws AssertionError when it does not complete by then, or nothing is left to run
     * @throws RuntimeException the failure of {@code future}, e.g. a {@code CoapTimeoutException}
     */
    public <T> T await(CompletableFuture<T> future) {
        return await(future, DEFAULT_AWAIT);
    }

    /** Like {@link #await(CompletableFuture)}, letting at most {@code within} of virtual time pass. */
    public <T> T await(CompletableFuture<T> future, Duration within) {
        long until = scheduler.nanoTime() + within.toNanos();
        scheduler.runPending();
        while (!future.isDone()) {
            OptionalLong next = scheduler.nextDeadline();
            if (next.isEmpty()) {
                throw new AssertionError("the future cannot complete: no task or timer is left (t="
                        + scheduler.nanoTime() / 1_000_000 + " ms)");
            }
            if (next.getAsLong() - until > 0) {
                scheduler.advanceTo(until);
                if (future.isDone()) {
                    break;
                }
                throw new AssertionError("the future did not complete within " + within + " of virtual time");
            }
            scheduler.advanceTo(next.getAsLong());
        }
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** Sends {@code request} from {@code client} and {@link #await}s the response (RFC 7252 §5.3). */
    public Response call(CoapClient client, Request request) {
        return await(client.send(request));
    }

    /**
     * Loses the datagrams {@code rule} picks from now on (default: none); e.g. {@code (d, from, to) ->
     * from.equals(server.localAddress()) && lost() == 0} loses the server's first answer. A lost
     * datagram still shows in its sender's {@link InMemoryTransport#sent()}.
     */
    public void loss(Loss rule) {
        this.loss = Objects.requireNonNull(rule, "rule");
    }

    /** How many datagrams {@link #loss} has lost so far. */
    public long lost() {
        return lost;
    }

    /** Called by a transport on this network for every datagram it sends. */
    void route(byte[] data, InetSocketAddress source, InetSocketAddress destination) {
        InMemoryTransport to = transports.get(destination);
        if (to != null && loss.loses(data.clone(), source, destination)) {
            lost++;
            return;
        }
        if (to != null) {
            scheduler.execute(() -> {
                if (!to.isClosed()) {
                    to.deliver(data, source);
                }
            });
        }
    }

    /** Closes every server and client this network built ({@link #server}, {@link #client}). */
    @Override
    public void close() {
        for (AutoCloseable c : built) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + c, e);
            }
        }
        built.clear();
        scheduler.runPending();
    }

    private static InetSocketAddress address(int a, int b, int c, int d, int port) {
        if (d > 254) {
            throw new IllegalStateException("no more addresses: at most 254 servers and 254 clients");
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}),
                    port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
