package dev.tern.coap.cluster.internal;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's internal UDP port. Out: DTLS records whose Connection ID names another live node
 * (RFC 9146 §4), with the client's address, and the replies this node owes to clients whose
 * records came through another node. In: such frames from members only ({@link ForwardFrame}: a
 * valid HMAC, a sender id whose lease names the address the frame came from, a timestamp within
 * {@code maxSkew}); a record is handed to the DTLS transport as if it came from the client, a
 * reply is sent to the client from this node's public socket, so the client's NAT binding and
 * the balancer's flow stay valid. Everything else is dropped and counted.
 *
 * <p>Relay routes (client address to the node its records come through) are bounded by
 * {@code maxRoutes}; a route idle for {@code routeIdleNanos} is swept, and a datagram that arrives
 * directly from the address ends its route.
 */
public final class Forwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    private final DatagramSocket socket;
    private final ClusterKeys keys;
    private final long maxSkewMillis;
    private final int maxRoutes;
    private final long routeIdleNanos;
    private volatile NodeDirectory directory;
    private final List<ForwardingTransport> transports = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<InetSocketAddress, Route> routes = new ConcurrentHashMap<>();
    private final Thread receiver;
    private volatile boolean closed;
    private long lastSweep = System.nanoTime();

    final AtomicLong recordsForwarded = new AtomicLong();
    final AtomicLong recordsReceived = new AtomicLong();
    final AtomicLong repliesRelayed = new AtomicLong();
    final AtomicLong repliesSent = new AtomicLong();
    final AtomicLong droppedForged = new AtomicLong();
    final AtomicLong droppedNonMember = new AtomicLong();
    final AtomicLong droppedStale = new AtomicLong();
    final AtomicLong droppedOwnerGone = new AtomicLong();
    final AtomicLong routesRefused = new AtomicLong();
    /** Completed DTLS handshakes of this node's endpoints, full and abbreviated (RFC 5246 §7.3). */
    public final java.util.concurrent.atomic.LongAdder fullHandshakes = new java.util.concurrent.atomic.LongAdder();
    /** See {@link #fullHandshakes}. */
    public final java.util.concurrent.atomic.LongAdder abbreviatedHandshakes = new java.util.concurrent.atomic.LongAdder();

    /** Where a client's records come through, and when one last did. */
    private record Route(int node, long lastNanos) {
    }

    /** A forwarder bound to {@code bind}; it receives once {@link #start} gives it the directory. */
    public Forwarder(InetSocketAddress bind, ClusterKeys keys, long maxSkewMillis, int maxRoutes, long routeIdleNanos)
            throws SocketException {
        this.socket = new DatagramSocket(bind);
        this.keys = keys;
        this.maxSkewMillis = maxSkewMillis;
        this.maxRoutes = maxRoutes;
        this.routeIdleNanos = routeIdleNanos;
        this.receiver = new Thread(this::receive, "tern-cluster-forwarder");
        receiver.setDaemon(true);
    }

    /** The bound internal address. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Starts receiving frames from the members of {@code members}. */
    public void start(NodeDirectory members) {
        this.directory = members;
        receiver.start();
    }

    int nodeId() {
        return directory.nodeId();
    }

    void register(ForwardingTransport t) {
        transports.add(t);
    }

    void unregister(ForwardingTransport t) {
        transports.remove(t);
    }

    /** Relay routes held now. */
    public int routes() {
        return routes.size();
    }

    /** Whether the node left the cluster (its id may belong to another node now). */
    boolean closed() {
        return closed;
    }

    boolean hasRoutes() {
        return !routes.isEmpty();
    }

    /** Forwards a client's record to live node {@code node}; false if that node is not a member. */
    boolean forward(Mac mac, byte[] frame, int node, InetSocketAddress client, byte[] data, int length) {
        InetSocketAddress to = directory.member(node);
        if (to == null) {
            droppedOwnerGone.incrementAndGet();
            return false;
        }
        send(mac, frame, ForwardFrame.RECORD, to, client, data, length);
        recordsForwarded.incrementAndGet();
        return true;
    }

    /** Sends {@code data} for {@code client} through the node its records come through; false if none. */
    boolean relay(Mac mac, byte[] frame, InetSocketAddress client, byte[] data, int length) {
        Route r = routes.get(client);
        InetSocketAddress to = r == null ? null : directory.member(r.node());
        if (to == null) {
            return false;
        }
        send(mac, frame, ForwardFrame.REPLY, to, client, data, length);
        repliesRelayed.incrementAndGet();
        return true;
    }

    /** A datagram came straight from {@code client}: its records no longer come through another node. */
    void direct(InetSocketAddress client) {
        routes.remove(client);
    }

    private void send(Mac mac, byte[] frame, int kind, InetSocketAddress to, InetSocketAddress client, byte[] data,
                      int length) {
        int n = ForwardFrame.encode(kind, nodeId(), System.currentTimeMillis(), client, data, length, mac, frame);
        try {
            socket.send(new DatagramPacket(frame, n, to));
        } catch (IOException e) {
            LOG.debug("forwarding to {} failed: {}", to, e.toString());
        }
    }

    private void receive() {
        byte[] buf = new byte[65_535];
        Mac mac = keys.forwardingMac();
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                p.setLength(buf.length);
                socket.receive(p);
            } catch (IOException e) {
                if (!closed) {
                    LOG.debug("internal socket: {}", e.toString());
                }
                continue;
            }
            try {
                onFrame(buf, p.getLength(), (InetSocketAddress) p.getSocketAddress(), mac);
            } catch (RuntimeException e) {
                LOG.debug("internal frame from {} not handled: {}", p.getSocketAddress(), e.toString()); // the port stays open
            }
        }
    }

    /** One frame from {@code from}: checked, then handed over; package-private for the attack tests. */
    void onFrame(byte[] buf, int length, InetSocketAddress from, Mac mac) {
        ForwardFrame.Frame f = ForwardFrame.parse(buf, length);
        if (f == null || !ForwardFrame.authentic(buf, length, mac)) {
            droppedForged.incrementAndGet();
            return;
        }
        InetSocketAddress member = directory.member(f.node());
        if (member == null || f.node() == nodeId() || !member.equals(from)) {
            droppedNonMember.incrementAndGet();
            return;
        }
        if (Math.abs(System.currentTimeMillis() - f.sentAt()) > maxSkewMillis) {
            droppedStale.incrementAndGet();
            return;
        }
        if (transports.isEmpty()) {
            return;
        }
        byte[] payload = java.util.Arrays.copyOfRange(buf, f.payloadOffset(), f.payloadOffset() + f.payloadLength());
        ForwardingTransport t = transports.get(Math.floorMod(f.client().hashCode(), transports.size()));
        if (f.kind() == ForwardFrame.RECORD) {
            long now = System.nanoTime();
            if (now - lastSweep > routeIdleNanos / 2) {
                lastSweep = now;
                sweep();
            }
            if (!routes.containsKey(f.client()) && routes.size() >= maxRoutes) {
                sweep();
                if (routes.size() >= maxRoutes) {
                    routesRefused.incrementAndGet();
                    return;
                }
            }
            routes.put(f.client(), new Route(f.node(), System.nanoTime()));
            recordsReceived.incrementAndGet();
            t.inject(payload, f.client());
        } else {
            repliesSent.incrementAndGet();
            t.sendDirect(payload, f.client());
        }
    }

    /** Forgets the routes idle for longer than the route idle time. */
    public void sweep() {
        long now = System.nanoTime();
        routes.values().removeIf(r -> now - r.lastNanos() > routeIdleNanos);
    }

    /** The node's figures, with the cache's and Redis's. */
    public dev.tern.coap.cluster.ClusterStatistics statistics(RedisResumptionCache cache,
                                                              NodeDirectory.RedisHealth health) {
        NodeDirectory d = directory;
        return new dev.tern.coap.cluster.ClusterStatistics(d.nodeId(), d.members().size(), recordsForwarded.get(),
                recordsReceived.get(), repliesRelayed.get(), repliesSent.get(), droppedForged.get(),
                droppedNonMember.get(), droppedStale.get(), droppedOwnerGone.get(), routes.size(),
                routesRefused.get(), fullHandshakes.sum(), abbreviatedHandshakes.sum(), cache.hits(), cache.misses(), cache.rejected(), health.errors(),
                health.lastLatencyMicros(), d.conflict());
    }

    @Override
    public void close() {
        closed = true;
        socket.close();
    }
}
