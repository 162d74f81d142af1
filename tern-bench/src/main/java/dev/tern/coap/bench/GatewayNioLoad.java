package dev.tern.coap.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A lighter load than {@link GatewayLoad#run}: one thread drives every keep-alive HTTP/1.1
 * connection through a selector (a GET, the whole response by Content-Length, the next GET; no
 * pipelining), so the load generator spends little CPU per request and the gateway, not the
 * load, is what saturates.
 */
final class GatewayNioLoad {
    private GatewayNioLoad() {
    }

    /** One connection's state: the response bytes read so far. */
    private static final class Conn {
        final SocketChannel channel;
        final byte[] request;
        ByteBuffer in = ByteBuffer.allocate(4096);

        Conn(SocketChannel channel, String path) {
            this.channel = channel;
            this.request = ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        }
    }

    /**
     * Runs the load for {@code seconds}, connection {@code i} asking for {@code paths[i % n]} (one
     * origin each), up to {@link GatewayLoad#MAX_PER_PHASE} requests per path.
     */
    static GatewayLoad.Outcome run(int port, List<String> paths, int connections, int seconds) throws IOException {
        long maxRequests = GatewayLoad.MAX_PER_PHASE * paths.size();
        long ok = 0;
        long failed = 0;
        long issued = 0;
        try (Selector selector = Selector.open()) {
            List<Conn> all = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                SocketChannel ch = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                ch.configureBlocking(false);
                Conn c = new Conn(ch, paths.get(i % paths.size()));
                ch.register(selector, SelectionKey.OP_READ, c);
                all.add(c);
            }
            long start = System.nanoTime();
            long deadline = start + seconds * 1_000_000_000L;
            for (Conn c : all) {
                write(c, c.request);
                issued++;
            }
            long outstanding = connections;
            while (outstanding > 0) {
                long now = System.nanoTime();
                if (now > deadline + 10_000_000_000L || selector.select(1000) == 0 && now > deadline + 5_000_000_000L) {
                    failed += outstanding; // no answer within 5 s after the end
                    break;
                }
                var keys = selector.selectedKeys();
                for (SelectionKey k : keys) {
                    Conn c = (Conn) k.attachment();
                    int n = c.channel.read(c.in);
                    if (n < 0) {
                        throw new IOException("the gateway closed a connection");
                    }
                    int body = complete(c.in);
                    if (body < 0) {
                        if (!c.in.hasRemaining()) {
                            ByteBuffer bigger = ByteBuffer.allocate(c.in.capacity() * 2);
                            c.in.flip();
                            c.in = bigger.put(c.in);
                        }
                        continue;
                    }
                    String text = new String(c.in.array(), 0, c.in.position(), StandardCharsets.ISO_8859_1);
                    if (text.startsWith("HTTP/1.1 200") && text.endsWith("Hello World!")) {
                        ok++;
                    } else {
                        failed++;
                    }
                    c.in.clear();
                    outstanding--;
                    if (System.nanoTime() < deadline && issued < maxRequests) {
                        write(c, c.request);
                        issued++;
                        outstanding++;
                    }
                }
                keys.clear();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            for (Conn c : all) {
                c.channel.close();
            }
            if (failed > 0) {
                System.out.printf(Locale.ROOT, "  (port %d: %d failed)%n", port, failed);
            }
            return new GatewayLoad.Outcome(ok / elapsed, ok);
        }
    }

    private static void write(Conn c, byte[] request) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(request);
        while (out.hasRemaining()) {
            c.channel.write(out); // a few dozen bytes into an empty socket buffer: at once
        }
    }

    /** The length of the whole response when {@code in} holds all of it; -1 before. */
    private static int complete(ByteBuffer in) throws IOException {
        byte[] a = in.array();
        int len = in.position();
        for (int i = 3; i < len; i++) {
            if (a[i] == '\n' && a[i - 1] == '\r' && a[i - 2] == '\n' && a[i - 3] == '\r') {
                String head = new String(a, 0, i, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
                int cl = head.indexOf("content-length:");
                if (cl < 0) {
                    throw new IOException("no Content-Length: " + head);
                }
                int eol = head.indexOf('\r', cl);
                int length = Integer.parseInt(head.substring(cl + 15, eol < 0 ? head.length() : eol).trim());
                return len >= i + 1 + length ? i + 1 + length : -1;
            }
        }
        return -1;
    }
}
