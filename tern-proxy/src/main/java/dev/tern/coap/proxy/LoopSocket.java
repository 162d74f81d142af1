package dev.tern.coap.proxy;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandle;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.nio.NioIoOps;
import io.netty.channel.nio.NioSelectableChannelIoHandle;
import io.netty.channel.unix.DatagramSocketAddress;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;

/**
 * The UDP socket under a {@link LoopDatagrams}, in the flavour of its event loop's I/O handler: a
 * JDK {@link DatagramChannel} selected by an NIO loop, or a native socket polled by an epoll loop
 * (Linux; no selector bookkeeping, no JDK socket locks). Both are level-triggered: a readiness the
 * read batch did not drain is reported again on the loop's next turn. Every call is on the loop.
 */
abstract class LoopSocket {
    /** Called on the loop when the socket has datagrams to read. */
    private Runnable onReadable = () -> { };

    /** A socket bound to {@code bind} for {@code loop}'s I/O handler, not yet registered. */
    static LoopSocket open(IoEventLoop loop, InetSocketAddress bind) throws IOException {
        return loop.isCompatible(EpollSocket.class) ? EpollSocket.open(bind) : NioSocket.open(bind);
    }

    final void onReadable(Runnable action) {
        this.onReadable = action;
    }

    final void readable() {
        onReadable.run();
    }

    /** The handle to register with the loop. */
    abstract IoHandle handle();

    /** The interest in reading, for {@link IoRegistration#submit}. */
    abstract IoOps readOps();

    abstract InetSocketAddress localAddress() throws IOException;

    /** Receives one datagram into {@code direct} (from its position); its source, or null when none is waiting. */
    abstract InetSocketAddress receive(ByteBuffer direct) throws IOException;

    /** Sends the remaining bytes of {@code direct} (or of a heap buffer, off the loop) to {@code destination}. */
    abstract void send(ByteBuffer buffer, InetSocketAddress destination) throws IOException;

    abstract void closeSocket() throws IOException;

    /** NIO: a {@link DatagramChannel} on the loop's selector. */
    private static final class NioSocket extends LoopSocket {
        private final DatagramChannel channel;
        private final IoHandle handle;

        @SuppressWarnings("try") // Netty's handle is AutoCloseable; the loop closes it, never a try-with-resources
        private NioSocket(DatagramChannel channel) {
            this.channel = channel;
            this.handle = new NioSelectableChannelIoHandle<DatagramChannel>(channel) {
                @Override
                protected void handle(DatagramChannel ch, SelectionKey key) {
                    if (key.isValid() && key.isReadable()) {
                        readable();
                    }
                }
            };
        }

        static NioSocket open(InetSocketAddress bind) throws IOException {
            DatagramChannel ch = DatagramChannel.open();
            try {
                ch.bind(bind);
                ch.configureBlocking(false);
                return new NioSocket(ch);
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }

        @Override
        IoHandle handle() {
            return handle;
        }

        @Override
        IoOps readOps() {
            return NioIoOps.READ;
        }

        @Override
        InetSocketAddress localAddress() throws IOException {
            return (InetSocketAddress) channel.getLocalAddress();
        }

        @Override
        InetSocketAddress receive(ByteBuffer direct) throws IOException {
            return (InetSocketAddress) channel.receive(direct);
        }

        @Override
        void send(ByteBuffer buffer, InetSocketAddress destination) throws IOException {
            channel.send(buffer, destination);
        }

        @Override
        void closeSocket() throws IOException {
            channel.close();
        }
    }

    /** Epoll: a native non-blocking socket on the loop's epoll set, level-triggered. */
    private static final class EpollSocket extends LoopSocket implements EpollIoHandle {
        private final Socket socket;

        private EpollSocket(Socket socket) {
            this.socket = socket;
        }

        static EpollSocket open(InetSocketAddress bind) throws IOException {
            Socket s = Socket.newSocketDgram();
            try {
                s.bind(bind); // IPv6 where the host has it (dual-stack), so the wildcard serves both
                return new EpollSocket(s);
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }

        @Override
        public FileDescriptor fd() {
            return socket;
        }

        @Override
        public void handle(IoRegistration registration, IoEvent event) {
            EpollIoOps ops = ((EpollIoEvent) event).ops();
            if (ops.contains(EpollIoOps.EPOLLIN) || ops.contains(EpollIoOps.EPOLLERR)) {
                readable(); // an error is read (and cleared) by the next receive
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }

        @Override
        IoHandle handle() {
            return this;
        }

        @Override
        IoOps readOps() {
            return EpollIoOps.EPOLLIN; // without EPOLLET: level-triggered, like the NIO selector
        }

        @Override
        InetSocketAddress localAddress() {
            return socket.localAddress();
        }

        @Override
        InetSocketAddress receive(ByteBuffer direct) throws IOException {
            DatagramSocketAddress source = socket.recvFrom(direct, direct.position(), direct.limit());
            if (source != null) {
                direct.position(direct.position() + source.receivedAmount());
            }
            return source;
        }

        @Override
        void send(ByteBuffer buffer, InetSocketAddress destination) throws IOException {
            ByteBuffer direct = buffer;
            if (!buffer.isDirect()) { // off the loop (rare): the native call needs a direct buffer
                direct = ByteBuffer.allocateDirect(buffer.remaining()).put(buffer).flip();
            }
            socket.sendTo(direct, direct.position(), direct.limit(), destination.getAddress(), destination.getPort());
        }

        @Override
        void closeSocket() throws IOException {
            socket.close();
        }
    }
}
