package dev.tern.coap.internal.transport.udp;

import dev.tern.coap.CoapTransportException;
import dev.tern.coap.internal.engine.TimerHeap;
import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.Transport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP socket and the one thread that serves it: received datagrams, queued tasks and timers all
 * run on this thread (a selector loop), so the CoAP engine above needs no locks and pays no
 * hand-off per datagram. One instance per endpoint; no thread per peer.
 */
public final class UdpEventLoop implements Scheduler, Transport {
    private static final Logger LOG = LoggerFactory.getLogger(UdpEventLoop.class);
    /** Datagrams read per wake-up before timers and tasks get their turn. */
    private static final int READ_BATCH = 64;

    private final DatagramChannel channel;
    private final MulticastChannels groups;
    private final Selector selector;
    private final InetSocketAddress localAddress;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final TimerHeap timers = new TimerHeap();
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final ByteBuffer receiveBuffer = ByteBuffer.allocate(65536);
    /**
     * The unicast socket reads into and the I/O thread sends from direct buffers: given a heap
     * buffer, the JDK borrows a temporary direct one for every call and copies through it anyway.
     */
    private final ByteBuffer receiveDirect = ByteBuffer.allocateDirect(65536);
    private final ByteBuffer sendDirect = ByteBuffer.allocateDirect(65536);
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private Receiver receiver;
    /** Channels registered through {@link #watch}; only the I/O thread changes it. */
    private int watched;

    /**
     * Opens and binds the socket.
     *
     * @param bind the local address; a wildcard address serves IPv4 and IPv6
     * @param receiveBufferSize SO_RCVBUF in bytes, 0 for the OS default
     * @param threadName the name of the I/O thread
     */
    public UdpEventLoop(InetSocketAddress bind, int receiveBufferSize, String threadName) {
        this(bind, receiveBufferSize, threadName, List.of());
    }

    /**
     * Opens and binds the socket and joins multicast groups (RFC 7252 §8.1) on the same port; see
     * {@link MulticastChannels} for how group datagrams are told from unicast ones. With groups, the
     * unicast socket is bound with SO_REUSEADDR, which the group sockets on its port require.
     *
     * @param bind the local address; a wildcard address serves IPv4 and IPv6
     * @param receiveBufferSize SO_RCVBUF in bytes, 0 for the OS default
     * @param threadName the name of the I/O thread
     * @param memberships the groups to join, on which interfaces; empty for none
     */
    public UdpEventLoop(InetSocketAddress bind, int receiveBufferSize, String threadName,
                        List<MulticastMembership> memberships) {
        this(bind, receiveBufferSize, threadName, memberships, false, !memberships.isEmpty());
    }

    /**
     * Opens and binds the socket, optionally with SO_REUSEPORT so that several loops can share one
     * port (the kernel then spreads peers over the sockets by their address and port), and joins
     * multicast groups (RFC 7252 §8.1) on the same port.
     *
     * @param bind the local address; a wildcard address serves IPv4 and IPv6
     * @param receiveBufferSize SO_RCVBUF in bytes, 0 for the OS default
     * @param threadName the name of the I/O thread
     * @param memberships the groups to join, on which interfaces; empty for none
     * @param reusePort bind with SO_REUSEPORT; throws {@link CoapTransportException} where the
     *        platform does not support it
     * @param reuseAddress bind with SO_REUSEADDR (needed beside multicast group sockets on the port)
     */
    public UdpEventLoop(InetSocketAddress bind, int receiveBufferSize, String threadName,
                        List<MulticastMembership> memberships, boolean reusePort, boolean reuseAddress) {
        try {
            // A specific IPv4 address gets an IPv4 socket; a wildcard or IPv6 address a dual-stack one.
            boolean ipv4Only = bind.getAddress() instanceof java.net.Inet4Address
                    && !bind.getAddress().isAnyLocalAddress();
            DatagramChannel ch = ipv4Only ? DatagramChannel.open(StandardProtocolFamily.INET) : DatagramChannel.open();
            try {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, reuseAddress || !memberships.isEmpty());
                if (reusePort) {
                    if (!ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                        throw new UnsupportedOperationException("SO_REUSEPORT is not supported on this platform");
                    }
                    ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                if (receiveBufferSize > 0) {
                    ch.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferSize);
                }
                ch.bind(bind);
                ch.configureBlocking(false);
                this.selector = Selector.open();
                ch.register(selector, SelectionKey.OP_READ);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
            this.channel = ch;
            this.localAddress = (InetSocketAddress) ch.getLocalAddress();
            try {
                this.groups = MulticastChannels.open(memberships, localAddress.getPort(), selector, receiveBufferSize);
            } catch (IOException | RuntimeException e) {
                closeQuietly();
                throw e;
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new CoapTransportException("cannot bind UDP " + describe(bind) + ": " + e.getMessage(), e);
        }
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    private static String describe(InetSocketAddress a) {
        return (a.getAddress() == null ? a.getHostString() : a.getAddress().getHostAddress()) + ":" + a.getPort();
    }

    /** Sends multicast datagrams out of {@code nif} instead of the interface the routing table picks. */
    public void multicastInterface(java.net.NetworkInterface nif) {
        try {
            channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
        } catch (IOException e) {
            throw new CoapTransportException("cannot send multicast on " + nif.getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void start(Receiver r) {
        this.receiver = r;
        thread.start();
    }

    @Override
    public void send(byte[] data, int length, InetSocketAddress destination) {
        try {
            ByteBuffer buffer;
            if (Thread.currentThread() == thread && length <= sendDirect.capacity()) {
                buffer = sendDirect;
                buffer.clear();
                buffer.put(data, 0, length).flip();
            } else {
                buffer = ByteBuffer.wrap(data, 0, length);
            }
            channel.send(buffer, destination);
        } catch (IOException | RuntimeException e) {
            // UDP semantics: a datagram that cannot be sent is lost; retransmission recovers CONs.
            LOG.debug("send to {} failed: {}", destination, e.toString());
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        if (Thread.currentThread() != thread && wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        return timers.schedule(this, task, delayNanos);
    }

    @Override
    public boolean inSchedulerThread() {
        return Thread.currentThread() == thread;
    }

    /** Registers {@code channel} with this loop's selector (on the I/O thread); its callback runs after each select. */
    @Override
    public Cancellable watch(DatagramChannel watchedChannel, Runnable onReadable) {
        Watch w = new Watch();
        execute(() -> {
            if (w.cancelled) {
                return;
            }
            try {
                w.key = watchedChannel.register(selector, SelectionKey.OP_READ, onReadable);
                watched++;
            } catch (IOException | RuntimeException e) {
                LOG.debug("cannot watch {}: {}", watchedChannel, e.toString());
            }
        });
        return w;
    }

    /** A channel {@link #watch}ed by this loop. */
    private final class Watch implements Cancellable {
        private volatile boolean cancelled;
        private SelectionKey key;

        @Override
        public void cancel() {
            cancelled = true;
            execute(() -> {
                if (key != null) {
                    key.cancel();
                    key = null;
                    watched--;
                }
            });
        }
    }

    private void run() {
        try {
            while (running) {
                runTasks();
                long waitNanos = timers.runDue(UdpEventLoop::runTimer);
                if (!running) {
                    break;
                }
                wakeupPending.set(false);
                if (!tasks.isEmpty()) {
                    selector.selectNow();
                } else if (waitNanos < 0) {
                    selector.select();
                } else {
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos + 999_999)));
                }
                if (watched > 0 && runWatched()) {
                    selector.selectedKeys().clear();
                    continue; // only a watched channel woke the loop: no empty read of the socket
                }
                selector.selectedKeys().clear();
                readDatagrams();
            }
        } catch (IOException | RuntimeException e) {
            if (running) {
                LOG.error("I/O loop of {} failed", localAddress, e);
            }
        } finally {
            running = false;
            closeQuietly();
            stopped.countDown();
        }
    }

    private void readDatagrams() throws IOException {
        byte[] array = receiveBuffer.array();
        for (int i = 0; i < READ_BATCH; i++) {
            if (!groups.isEmpty()) {
                groups.drain(receiveBuffer, receiver, System.nanoTime()); // before their copies on the unicast socket
            }
            receiveDirect.clear();
            InetSocketAddress source = (InetSocketAddress) channel.receive(receiveDirect);
            if (source == null) {
                return;
            }
            int length = receiveDirect.position();
            receiveDirect.flip();
            receiveDirect.get(array, 0, length);
            if (!groups.isEmpty() && groups.isCopy(array, length, source, System.nanoTime())) {
                continue;
            }
            try {
                receiver.onDatagram(array, length, source, false);
            } catch (RuntimeException e) {
                LOG.error("unexpected failure handling a datagram from {}", source, e);
            }
        }
    }

    /** Runs the callbacks of the watched channels that are readable; true if only such channels were selected. */
    private boolean runWatched() {
        boolean only = groups.isEmpty() && !selector.selectedKeys().isEmpty();
        for (SelectionKey k : selector.selectedKeys()) {
            if (k.attachment() instanceof Runnable r && k.isValid()) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.error("unexpected failure reading a watched channel", e);
                }
            } else {
                only = false;
            }
        }
        return only;
    }

    private void runTasks() {
        Runnable task;
        int budget = 4096;
        while (budget-- > 0 && (task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("unexpected failure in a task", e);
            }
        }
    }

    private static void runTimer(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("unexpected failure in a timer", e);
        }
    }

    @Override
    public void close() {
        if (!running && stopped.getCount() == 0) {
            return;
        }
        running = false;
        selector.wakeup();
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                stopped.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else if (!thread.isAlive()) {
            closeQuietly();
            stopped.countDown();
        }
    }

    private void closeQuietly() {
        if (groups != null) {
            groups.close();
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("closing selector", e);
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("closing channel", e);
        }
    }
}
