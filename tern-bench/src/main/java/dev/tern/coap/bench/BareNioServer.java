package dev.tern.coap.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * The floor under any JVM TCP server's memory per idle connection: a bare JDK NIO loop that accepts
 * connections, registers each with one selector for reading and discards what arrives (a CSM). No
 * framing, no protocol state, no timers: what is left per connection is the JDK's own
 * ({@code SocketChannelImpl} with its locks and socket addresses, file descriptor and its cleaner,
 * selection key). {@code bench/tcp.sh}'s memory table measures it beside Tern and Californium.
 *
 * <pre>java -cp tern-bench/target/tern-bench.jar dev.tern.coap.bench.BareNioServer PORT</pre>
 */
public final class BareNioServer {
    private BareNioServer() {
    }

    /** {@code PORT}: serves on 127.0.0.1:PORT until killed. */
    public static void main(String[] args) throws IOException {
        try (ServerSocketChannel server = ServerSocketChannel.open(); Selector selector = Selector.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 4096);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            ByteBuffer sink = ByteBuffer.allocateDirect(4096);
            while (true) {
                selector.select();
                for (Iterator<SelectionKey> it = selector.selectedKeys().iterator(); it.hasNext();) {
                    SelectionKey key = it.next();
                    it.remove();
                    if (key.isAcceptable()) {
                        SocketChannel c;
                        while ((c = server.accept()) != null) {
                            c.configureBlocking(false);
                            c.register(selector, SelectionKey.OP_READ);
                        }
                    } else if (key.isReadable()) {
                        sink.clear();
                        if (((SocketChannel) key.channel()).read(sink) < 0) {
                            key.channel().close();
                        }
                    }
                }
            }
        }
    }
}
