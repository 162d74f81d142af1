package dev.tern.coap.proxy;

import io.netty.channel.IoEventLoop;
import io.netty.channel.SingleThreadEventLoop;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The datagrams a {@link LoopDatagrams} sends during one turn of its event loop, sent back to back
 * when the turn ends (a task Netty runs after the turn's I/O and tasks), or earlier when the batch
 * is full. A turn reads many HTTP requests and each starts a CoAP exchange; sent as they come, the
 * datagrams are spread over the turn, and an origin that is idle between two of them has to be
 * woken for each (on one host that wake-up is paid by the sender). Sent together, the first wakes
 * it and the rest find it awake: the same as Netty's flush at the end of a read, across the loop's
 * connections. A datagram waits at most one turn. Only the loop's thread calls it.
 */
final class SendBatch {
    private static final Logger LOG = LoggerFactory.getLogger(SendBatch.class);
    /** Datagrams held at most: one more sends the held ones first. */
    static final int MAX_DATAGRAMS = 64;

    private final SingleThreadEventLoop loop;
    private final LoopSocket socket;
    /** The held datagrams' bytes, one after the other; sent through {@link #view}. */
    private final ByteBuffer bytes;
    private final ByteBuffer view;
    private final int[] offsets = new int[MAX_DATAGRAMS];
    private final int[] lengths = new int[MAX_DATAGRAMS];
    private final InetSocketAddress[] destinations = new InetSocketAddress[MAX_DATAGRAMS];
    private final Runnable endOfTurn = this::endOfTurn;
    private int count;
    private boolean flushAtEndOfTurn;

    /**
     * {@code capacity}: bytes held at most, at least the largest datagram. On a loop that runs no
     * end-of-turn tasks (not a {@link SingleThreadEventLoop}) every datagram goes out at once.
     */
    SendBatch(IoEventLoop loop, LoopSocket socket, int capacity) {
        this.loop = loop instanceof SingleThreadEventLoop s ? s : null;
        this.socket = socket;
        this.bytes = ByteBuffer.allocateDirect(capacity);
        this.view = bytes.duplicate();
    }

    /** Copies the datagram in; it goes out at the end of this turn (first, those held, when it does not fit). */
    void add(byte[] data, int length, InetSocketAddress destination) {
        if (count == MAX_DATAGRAMS || bytes.remaining() < length) {
            flush();
        }
        if (length > bytes.capacity()) {
            send(ByteBuffer.wrap(data, 0, length), destination); // larger than any UDP payload: fails and is logged
            return;
        }
        offsets[count] = bytes.position();
        lengths[count] = length;
        destinations[count] = destination;
        bytes.put(data, 0, length);
        count++;
        if (loop == null) {
            flush();
        } else if (!flushAtEndOfTurn) {
            flushAtEndOfTurn = true;
            loop.executeAfterEventLoopIteration(endOfTurn);
        }
    }

    private void endOfTurn() {
        flushAtEndOfTurn = false;
        flush();
    }

    /** Datagrams waiting for the end of the turn. */
    int held() {
        return count;
    }

    /** Sends what is held, in the order it was added (UDP: one that cannot be sent is lost). */
    void flush() {
        for (int i = 0; i < count; i++) {
            view.limit(offsets[i] + lengths[i]).position(offsets[i]);
            send(view, destinations[i]);
            destinations[i] = null;
        }
        count = 0;
        bytes.clear();
    }

    private void send(ByteBuffer datagram, InetSocketAddress destination) {
        try {
            socket.send(datagram, destination);
        } catch (IOException | RuntimeException e) {
            LOG.debug("send to {} failed: {}", destination, e.toString());
        }
    }
}
