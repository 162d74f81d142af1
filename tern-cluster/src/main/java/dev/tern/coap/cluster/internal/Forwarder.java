package dev.tern.coap.cluster.internal;

import dev.tern.coap.spi.Scheduler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's internal UDP port. Out: DTLS records whose Connection ID names another live node
 * (RFC 9146 §4), with the client's address, and the replies this node owes to clients whose
 * records came through another node. In: such frames from members only ({@link ForwardFrame}: a
 * valid tag, a sender id whose lease names the address the frame came from, a timestamp within
 * {@code maxSkew}); a record is handed to the DTLS transport as if it came from the client, a
 * reply is sent to the client from this node's public socket, so the client's NAT binding and
 * the balancer's flow stay valid. Everything else is dropped and counted.
 *
 * <p>The internal port is read on the I/O thread of one of the node's endpoints ({@link
 * Scheduler#watch}), so a forwarded record reaches the DTLS layer with no thread hand-off; while no
 * endpoint's scheduler watches it, the forwarder's own thread reads it.
 *
 * <p>Relay routes (client address to the node its records come through) are bounded by
 * {@code maxRoutes}; a route idle for {@code routeIdleNanos} is swept, and a datagram that arrives
 * directly from the address ends its route.
 */
public final class Forwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);

    /** Frames read per wake-up before the reading thread's other work gets its turn. */
    private static final int READ_BATCH = 64;

    private final DatagramChannel channel;
    private final InetSocketAddress localAddress;
    private final Selector ownSelector;
    private final SelectionKey ownKey;
    private final ClusterKeys keys;
    private final long maxSkewMillis;
    private final int maxRoutes;
    private final long routeIdleNanos;
    private volatile NodeDirectory directory;
    private final List<ForwardingTransport> transports = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<InetSocketAddress, Route> routes = new ConcurrentHashMap<>();
    private final Thread receiver;
    private volatile boolean closed;
    private volatile long lastSweep = System.nanoTime();
    /** The endpoint whose scheduler reads the internal port, and its watch; null: the own thread reads. */
    private ForwardingTransport reading;
    private Scheduler.Cancellable watch;

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

    /**
     * Where a client's records come through, and about when one last did (rewritten once older
     * than an eighth of the idle time, not per record).
     */
    private record Route(int node, long lastNanos) {
    }

    /** A forwarder bound to {@code bind}; it receives once {@link #start} gives it the directory. */
    public Forwarder(InetSocketAddress bind, ClusterKeys keys, long maxSkewMillis, int maxRoutes, long routeIdleNanos)
            throws IOException {
        this.channel = bind.getAddress() instanceof java.net.Inet4Address
                ? DatagramChannel.open(StandardProtocolFamily.INET) : DatagramChannel.open();
        try {
            channel.bind(bind);
            channel.configureBlocking(false);
            this.localAddress = (InetSocketAddress) channel.getLocalAddress();
            this.ownSelector = Selector.open();
            this.ownKey = channel.register(ownSelector, SelectionKey.OP_READ);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        this.keys = keys;
        this.maxSkewMillis = maxSkewMillis;
        this.maxRoutes = maxRoutes;
        this.routeIdleNanos = routeIdleNanos;
        this.receiver = new Thread(this::receive, "tern-cluster-forwarder-" + localAddress.getPort());
        receiver.setDaemon(true);
    }

    /** The bound internal address. */
    public InetSocketAddress localAddress() {
        return localAddress;
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
        synchronized (transports) {
            if (reading == null) {
                watchFrom(t);
            }
        }
    }

    void unregister(ForwardingTransport t) {
        transports.remove(t);
        synchronized (transports) {
            if (reading != t) {
                return;
            }
            watch.cancel();
            reading = null;
            watch = null;
            for (ForwardingTransport other : transports) {
                if (watchFrom(other)) {
                    return;
                }
            }
            ownReads(true);
        }
    }

    /** Lets {@code t}'s scheduler read the internal port; false if it cannot watch channels. */
    private boolean watchFrom(ForwardingTransport t) {
        Reader r = new Reader(keys);
        Scheduler.Cancellable w = t.scheduler().watch(channel, () -> drain(r));
        if (w == null) {
            return false;
        }
        reading = t;
        watch = w;
        ownReads(false);
        return true;
    }

    private void ownReads(boolean on) {
        try {
            ownKey.interestOps(on ? SelectionKey.OP_READ : 0);
            ownSelector.wakeup();
        } catch (RuntimeException e) {
            LOG.debug("internal port reader: {}", e.toString()); // closed meanwhile
        }
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
    boolean forward(ForwardFrame.Codec codec, ByteBuffer frame, int node, InetSocketAddress client, byte[] data,
                    int length) {
        InetSocketAddress to = directory.member(node);
        if (to == null) {
            droppedOwnerGone.incrementAndGet();
            return false;
        }
        send(codec, frame, ForwardFrame.RECORD, to, client, data, length);
        recordsForwarded.incrementAndGet();
        return true;
    }

    /** Sends {@code data} for {@code client} through the node its records come through; false if none. */
    boolean relay(ForwardFrame.Codec codec, ByteBuffer frame, InetSocketAddress client, byte[] data, int length) {
        Route r = routes.get(client);
        InetSocketAddress to = r == null ? null : directory.member(r.node());
        if (to == null) {
            return false;
        }
        send(codec, frame, ForwardFrame.REPLY, to, client, data, length);
        repliesRelayed.incrementAndGet();
        return true;
    }

    /** A datagram came straight from {@code client}: its records no longer come through another node. */
    void direct(InetSocketAddress client) {
        routes.remove(client);
    }

    /** Frames into {@code frame} (a heap buffer over an array of {@link ForwardFrame#maxSize}) and sends it. */
    private void send(ForwardFrame.Codec codec, ByteBuffer frame, int kind, InetSocketAddress to,
                      InetSocketAddress client, byte[] data, int length) {
        int n = codec.encode(kind, nodeId(), System.currentTimeMillis(), client, data, length, frame.array());
        try {
            frame.clear().limit(n);
            channel.send(frame, to);
        } catch (IOException e) {
            LOG.debug("forwarding to {} failed: {}", to, e.toString());
        }
    }

    /** What one reading thread keeps: its codec (and MAC) and buffers. */
    private static final class Reader {
        final ForwardFrame.Codec codec;
        final ByteBuffer in = ByteBuffer.allocate(65_535);
        /** The datagram of the frame in hand, at offset 0 as the layers above take it. */
        final byte[] datagram = new byte[65_535];

        Reader(ClusterKeys keys) {
            codec = new ForwardFrame.Codec(keys.forwardingMac());
        }
    }

    /** The forwarder's own thread: reads the internal port while no endpoint's scheduler does. */
    private void receive() {
        Reader reader = new Reader(keys);
        while (!closed) {
            try {
                ownSelector.select();
                ownSelector.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.debug("internal port reader: {}", e.toString());
                }
                return;
            }
            if (ownKey.isValid() && ownKey.interestOps() != 0) {
                drain(reader);
            }
        }
    }

    /** Reads and handles the frames waiting on the internal port, a batch at most. */
    private void drain(Reader r) {
        for (int i = 0; i < READ_BATCH && !closed; i++) {
            InetSocketAddress from;
            try {
                r.in.clear();
                from = (InetSocketAddress) channel.receive(r.in);
            } catch (IOException | RuntimeException e) {
                if (!closed) {
                    LOG.debug("internal socket: {}", e.toString());
                }
                return;
            }
            if (from == null) {
                return;
            }
            try {
                onFrame(r, r.in.position(), from);
            } catch (RuntimeException e) {
                LOG.debug("internal frame from {} not handled: {}", from, e.toString()); // the port stays open
            }
        }
    }

    /** One frame of {@code length} bytes in {@code r.in} from {@code from}: checked, then handed over. */
    private void onFrame(Reader r, int length, InetSocketAddress from) {
        byte[] buf = r.in.array();
        ForwardFrame.Frame f = r.codec.parse(buf, length);
        if (f == null || !r.codec.authentic(buf, length)) {
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
        List<ForwardingTransport> ts = transports;
        int count = ts.size();
        if (count == 0) {
            return;
        }
        ForwardingTransport t = count == 1 ? ts.get(0) : ts.get(Math.floorMod(f.client().hashCode(), count));
        int n = f.payloadLength();
        System.arraycopy(buf, f.payloadOffset(), r.datagram, 0, n);
        if (f.kind() == ForwardFrame.RECORD) {
            if (!route(f)) {
                return;
            }
            recordsReceived.incrementAndGet();
            t.inject(r.datagram, n, f.client());
        } else {
            repliesSent.incrementAndGet();
            t.sendDirect(r.datagram, n, f.client());
        }
    }

    /** Notes that {@code f}'s client's records come through its sender; false if no route may be added. */
    private boolean route(ForwardFrame.Frame f) {
        long now = System.nanoTime();
        if (now - lastSweep > routeIdleNanos / 2) {
            lastSweep = now;
            sweep();
        }
        Route known = routes.get(f.client());
        if (known == null && routes.size() >= maxRoutes) {
            sweep();
            if (routes.size() >= maxRoutes) {
                routesRefused.incrementAndGet();
                return false;
            }
        }
        if (known == null || known.node() != f.node() || now - known.lastNanos() > routeIdleNanos / 8) {
            routes.put(f.client(), new Route(f.node(), now));
        }
        return true;
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
        ownSelector.wakeup();
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing the internal port: {}", e.toString());
        }
        try {
            ownSelector.close();
        } catch (IOException e) {
            LOG.debug("closing the internal port's selector: {}", e.toString());
        }
    }
}
