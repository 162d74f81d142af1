package dev.tern.coap.proxy;

import dev.tern.coap.CoapTransportException;
import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.Transport;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP socket and a {@link Scheduler} on one of the {@link HttpGateway}'s Netty event loops, for
 * the gateway's own CoAP client on that loop: the datagram socket is polled by the same selector
 * (NIO) or epoll set (Linux) as the loop's HTTP connections ({@link LoopSocket}), the CoAP engine's
 * tasks and timers are the loop's, and so a request's CoAP exchange starts, and its response
 * completes, on the thread of the HTTP connection it answers, with no hand-off between threads.
 * Sends on the loop's thread wait for the end of the loop's turn and go out together
 * ({@link SendBatch}); sends from other threads go out at once. UDP semantics: a datagram that
 * cannot be sent is lost, retransmission recovers confirmable ones.
 */
final class LoopDatagrams implements Transport, Scheduler {
    private static final Logger LOG = LoggerFactory.getLogger(LoopDatagrams.class);
    /** Datagrams read per readiness before the loop's other channels and tasks get their turn. */
    private static final int READ_BATCH = 32;
    /** The largest UDP payload: a CoAP message is never cut (RFC 7252 §4.6 leaves the size to the path). */
    private static final int MAX_DATAGRAM = 65536;

    private final IoEventLoop loop;
    private final LoopSocket socket;
    private final InetSocketAddress localAddress;
    /** Read into and sent from direct buffers (a heap buffer costs the JDK a temporary direct one per call). */
    private final ByteBuffer receiveDirect = ByteBuffer.allocateDirect(MAX_DATAGRAM);
    private final byte[] received = new byte[MAX_DATAGRAM];
    private final SendBatch batch;
    private IoRegistration registration;
    private Receiver receiver;

    private LoopDatagrams(IoEventLoop loop, LoopSocket socket) throws IOException {
        this.loop = loop;
        this.socket = socket;
        this.localAddress = socket.localAddress();
        this.batch = new SendBatch(loop, socket, MAX_DATAGRAM);
        socket.onReadable(this::readBatch);
    }

    /** Opens a socket on {@code bind} (a wildcard address serves IPv4 and IPv6) and registers it with {@code loop}. */
    static LoopDatagrams open(IoEventLoop loop, InetSocketAddress bind) {
        LoopSocket socket = null;
        try {
            socket = LoopSocket.open(loop, bind);
            LoopDatagrams datagrams = new LoopDatagrams(loop, socket);
            datagrams.registration = loop.register(socket.handle()).syncUninterruptibly().getNow();
            return datagrams;
        } catch (IOException | RuntimeException e) {
            if (socket != null) {
                try {
                    socket.closeSocket();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            throw new CoapTransportException("cannot open the gateway's UDP socket on " + bind + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void start(Receiver r) {
        this.receiver = r;
        loop.execute(() -> registration.submit(socket.readOps())); // on the loop, after the receiver is set
    }

    private void readBatch() {
        for (int i = 0; i < READ_BATCH; i++) {
            InetSocketAddress source;
            receiveDirect.clear();
            try {
                source = socket.receive(receiveDirect);
            } catch (IOException e) {
                LOG.debug("receive failed: {}", e.toString());
                return;
            }
            if (source == null) {
                return;
            }
            receiveDirect.flip();
            int length = receiveDirect.remaining();
            receiveDirect.get(received, 0, length);
            try {
                receiver.onDatagram(received, length, source, false);
            } catch (RuntimeException e) {
                LOG.warn("datagram from {} not handled", source, e); // the loop goes on with the next
            }
        }
    }

    @Override
    public void send(byte[] data, int length, InetSocketAddress destination) {
        if (loop.inEventLoop()) {
            batch.add(data, length, destination);
            return;
        }
        try {
            socket.send(ByteBuffer.wrap(data, 0, length), destination);
        } catch (IOException | RuntimeException e) {
            LOG.debug("send to {} failed: {}", destination, e.toString());
        }
    }

    /** Datagrams sent on the loop in this turn that wait for its end. */
    int heldSends() {
        return batch.held();
    }

    @Override
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    /**
     * Deregisters and closes the socket, on the loop (on NIO its next select then releases the port,
     * as NIO defers closing a registered channel until its selector deregisters it; epoll at once).
     */
    @Override
    public void close() {
        if (loop.inEventLoop() || loop.isShuttingDown()) {
            closeNow();
            return;
        }
        try {
            loop.submit(this::closeNow).awaitUninterruptibly(2, TimeUnit.SECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            closeNow(); // the loop has just stopped
        }
    }

    private void closeNow() {
        if (loop.inEventLoop()) {
            batch.flush(); // what this turn held still goes out
        }
        if (registration != null) {
            registration.cancel();
        }
        try {
            socket.closeSocket();
        } catch (IOException e) {
            LOG.debug("close failed: {}", e.toString());
        }
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        io.netty.util.concurrent.Future<?> f = loop.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    @Override
    public boolean inSchedulerThread() {
        return loop.inEventLoop();
    }
}
