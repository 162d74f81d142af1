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
public final class Forwarder implements AutoCloseable, Outbox.Link {
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
    private final int maxBatchFrames;
    private final int maxBatchBytes;
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

    /**
     * A forwarder bound to {@code bind}; it receives once {@link #start} gives it the directory.
     * Batches it sends and reads hold at most {@code maxBatchFrames} frames and (sent) {@code
     * maxBatchBytes} bytes, unless one frame alone is bigger.
     */
    public Forwarder(InetSocketAddress bind, ClusterKeys keys, long maxSkewMillis, int maxRoutes, long routeIdleNanos,
                     int maxBatchFrames, int maxBatchBytes) throws IOException {
        if (maxBatchFrames < 1 || maxBatchFrames > ForwardFrame.MAX_FRAMES) {
            throw new IllegalArgumentException("maxBatchFrames must be 1 to 255: " + maxBatchFrames);
        }
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
        this.maxBatchFrames = maxBatchFrames;
        this.maxBatchBytes = maxBatchBytes;
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

    /** The batching out of an endpoint whose datagrams arrive on {@code scheduler}'s thread. */
    Outbox outbox(Scheduler scheduler) {
        return new Outbox(this, scheduler, keys, maxBatchFrames, maxBatchBytes);
    }

    @Override
    public int nodeId() {
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
        Reader r = new Reader(keys, maxBatchFrames);
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
    boolean forward(Outbox out, int node, InetSocketAddress client, byte[] data, int length) {
        InetSocketAddress to = directory.member(node);
        if (to == null) {
            droppedOwnerGone.incrementAndGet();
            return false;
        }
        out.add(ForwardFrame.RECORD, node, to, client, data, length);
        recordsForwarded.incrementAndGet();
        return true;
    }

    /** Sends {@code data} for {@code client} through the node its records come through; false if none. */
    boolean relay(Outbox out, InetSocketAddress client, byte[] data, int length) {
        Route r = routes.get(client);
        InetSocketAddress to = r == null ? null : directory.member(r.node());
        if (to == null) {
            return false;
        }
        out.add(ForwardFrame.REPLY, r.node(), to, client, data, length);
        repliesRelayed.incrementAndGet();
        return true;
    }

    /** A datagram came straight from {@code client}: its records no longer come through another node. */
    void direct(InetSocketAddress client) {
        routes.remove(client);
    }

    /** Sends the batch of {@code n} bytes in {@code frame} (a heap buffer) to {@code to}. */
    @Override
    public void send(ByteBuffer frame, int n, InetSocketAddress to) {
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

        Reader(ClusterKeys keys, int maxFrames) {
            codec = new ForwardFrame.Codec(keys.forwardingMac(), maxFrames);
        }
    }

    /** The forwarder's own thread: reads the internal port while no endpoint's scheduler does. */
    private void receive() {
        Reader reader = new Reader(keys, maxBatchFrames);
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

    /**
     * One batch of {@code length} bytes in {@code r.in} from {@code from}: checked as a whole
     * (well-formed, within the frame bound, a valid tag, from a member, recent), then its frames
     * handed over in order. A malformed batch is dropped whole and counted as forged.
     */
    private void onFrame(Reader r, int length, InetSocketAddress from) {
        byte[] buf = r.in.array();
        ForwardFrame.Codec c = r.codec;
        int count = c.parse(buf, length);
        if (count < 0 || !c.authentic(buf, length)) {
            droppedForged.incrementAndGet();
            return;
        }
        int node = c.node();
        InetSocketAddress member = directory.member(node);
        if (member == null || node == nodeId() || !member.equals(from)) {
            droppedNonMember.incrementAndGet();
            return;
        }
        if (Math.abs(System.currentTimeMillis() - c.sentAt()) > maxSkewMillis) {
            droppedStale.incrementAndGet();
            return;
        }
        List<ForwardingTransport> ts = transports;
        int transportCount = ts.size();
        if (transportCount == 0) {
            return;
        }
        for (int i = 0; i < count; i++) {
            InetSocketAddress client = c.client(i);
            ForwardingTransport t = transportCount == 1 ? ts.get(0)
                    : ts.get(Math.floorMod(client.hashCode(), transportCount));
            int n = c.length(i);
            System.arraycopy(buf, c.offset(i), r.datagram, 0, n);
            if (c.kind(i) == ForwardFrame.RECORD) {
                if (route(node, client)) {
                    recordsReceived.incrementAndGet();
                    t.inject(r.datagram, n, client);
                }
            } else {
                repliesSent.incrementAndGet();
                t.sendDirect(r.datagram, n, client);
            }
        }
    }

    /** Notes that {@code client}'s records come through {@code node}; false if no route may be added. */
    private boolean route(int node, InetSocketAddress client) {
        long now = System.nanoTime();
        if (now - lastSweep > routeIdleNanos / 2) {
            lastSweep = now;
            sweep();
        }
        Route known = routes.get(client);
        if (known == null && routes.size() >= maxRoutes) {
            sweep();
            if (routes.size() >= maxRoutes) {
                routesRefused.incrementAndGet();
                return false;
            }
        }
        if (known == null || known.node() != node || now - known.lastNanos() > routeIdleNanos / 8) {
            routes.put(client, new Route(node, now));
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
