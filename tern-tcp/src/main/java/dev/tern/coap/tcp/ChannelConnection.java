package dev.tern.coap.tcp;

import dev.tern.coap.PeerIdentity;
import dev.tern.coap.spi.ConnectionTransport;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.InetSocketAddress;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Netty channel as the engine's connection (RFC 8323). Frames the engine sends are queued and
 * written by one task on the channel's event loop, with one flush for all that queued meanwhile:
 * not a task and a system call per message.
 */
final class ChannelConnection implements ConnectionTransport.Connection {
    private final Channel channel;
    private final InetSocketAddress remote;
    private final boolean initiated;
    private final boolean messageFramed;
    private final PeerIdentity identity;
    private final Queue<byte[]> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();

    ChannelConnection(Channel channel, InetSocketAddress remote, boolean initiated, boolean messageFramed,
                      PeerIdentity identity) {
        this.identity = identity;
        this.channel = channel;
        this.remote = remote;
        this.initiated = initiated;
        this.messageFramed = messageFramed;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public boolean initiated() {
        return initiated;
    }

    @Override
    public boolean messageFramed() {
        return messageFramed;
    }

    @Override
    public PeerIdentity peerIdentity() {
        return identity;
    }

    @Override
    public void send(byte[] frame) {
        pending.add(frame);
        if (drainScheduled.compareAndSet(false, true)) {
            run(this::drain);
        }
    }

    /** On the event loop: writes every queued frame, then flushes once. */
    private void drain() {
        drainScheduled.set(false);
        boolean wrote = false;
        for (byte[] f; (f = pending.poll()) != null; ) {
            channel.write(Unpooled.wrappedBuffer(f), channel.voidPromise());
            wrote = true;
        }
        if (wrote) {
            channel.flush();
        }
    }

    @Override
    public void close() {
        // after the frames already sent (an Abort's diagnostic reaches the peer first)
        run(() -> {
            drain();
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        });
    }

    private void run(Runnable task) {
        try {
            channel.eventLoop().execute(task);
        } catch (RejectedExecutionException e) {
            pending.clear(); // the transport is closed: so is the channel
        }
    }

    @Override
    public String toString() {
        return "connection " + (initiated ? "to " : "from ") + remote;
    }
}
