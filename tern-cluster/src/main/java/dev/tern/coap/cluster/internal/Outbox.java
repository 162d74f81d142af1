package dev.tern.coap.cluster.internal;

import dev.tern.coap.spi.Scheduler;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What one endpoint sends on the internal port: frames for the same node produced on the I/O
 * thread while it handles one read batch (client records for their owner, replies for the node
 * their client's records came through) leave as one {@link ForwardFrame} batch. The first frame
 * of a batch queues a flush task ({@link Scheduler#execute}); the I/O loop runs queued tasks after
 * its read batch, before it waits again, so a lone frame is not delayed past the datagrams read with
 * it. A batch is sent at once when it holds {@code maxFrames} frames or the next frame would take
 * it past {@code maxBytes}; a frame too big for a batch, or one sent from another thread, leaves
 * alone at once. Used under its own lock (the I/O thread, and applications' threads that send).
 */
final class Outbox {
    /** Where batches go: the forwarder's internal socket. */
    interface Link {
        /** This node's id, the sender of every batch. */
        int nodeId();

        /** Sends the batch of {@code n} bytes in {@code frame} (a heap buffer) to {@code to}. */
        void send(ByteBuffer frame, int n, InetSocketAddress to);
    }

    private final Link forwarder;
    private final Scheduler scheduler;
    private final ForwardFrame.Codec codec;
    private final int maxFrames;
    private final int maxBytes;
    /** The batch being filled for each node id, created on first use. */
    private final Batch[] batches = new Batch[256];
    private final List<Batch> used = new ArrayList<>();
    private final ByteBuffer alone = ByteBuffer.wrap(new byte[ForwardFrame.maxSize(65_535)]);
    private final Runnable flush = this::flush;
    private boolean flushQueued;

    private static final class Batch {
        final ByteBuffer buffer;
        InetSocketAddress to;
        int position;
        int count;

        Batch(int maxBytes) {
            buffer = ByteBuffer.wrap(new byte[maxBytes]);
        }
    }

    Outbox(Link forwarder, Scheduler scheduler, ClusterKeys keys, int maxFrames, int maxBytes) {
        this.forwarder = forwarder;
        this.scheduler = scheduler;
        this.codec = new ForwardFrame.Codec(keys.forwardingMac(), 1);
        this.maxFrames = maxFrames;
        this.maxBytes = maxBytes;
    }

    /** Sends a frame of {@code kind} for {@code client} to node {@code node} at {@code to}, batched when it can be. */
    synchronized void add(int kind, int node, InetSocketAddress to, InetSocketAddress client, byte[] data,
                          int length) {
        int size = ForwardFrame.frameSize(length);
        if (maxFrames == 1 || ForwardFrame.HEADER + size + ForwardFrame.MAC > maxBytes
                || !scheduler.inSchedulerThread()) {
            int n = codec.encode(kind, forwarder.nodeId(), System.currentTimeMillis(), client, data, length,
                    alone.array());
            forwarder.send(alone, n, to);
            return;
        }
        Batch b = batches[node & 0xFF];
        if (b == null) {
            b = new Batch(maxBytes);
            batches[node & 0xFF] = b;
            used.add(b);
        }
        if (b.count > 0 && (b.position + size + ForwardFrame.MAC > maxBytes || !b.to.equals(to))) {
            send(b);
        }
        if (b.count == 0) {
            b.to = to;
            b.position = codec.begin(forwarder.nodeId(), System.currentTimeMillis(), b.buffer.array());
        }
        b.position = codec.append(b.buffer.array(), b.position, kind, client, data, length);
        if (++b.count == maxFrames) {
            send(b);
        } else if (!flushQueued) {
            flushQueued = true;
            scheduler.execute(flush);
        }
    }

    /** Sends every batch begun (the task queued by the first frame of a read batch). */
    synchronized void flush() {
        flushQueued = false;
        for (int i = 0; i < used.size(); i++) {
            Batch b = used.get(i);
            if (b.count > 0) {
                send(b);
            }
        }
    }

    private void send(Batch b) {
        int n = codec.finish(b.buffer.array(), b.position, b.count);
        b.count = 0;
        forwarder.send(b.buffer, n, b.to);
    }
}
