package dev.tern.coap.bench;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapServer;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.tcp.TcpTransports;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * A lean coap+tcp load generator (RFC 8323) for comparing servers with one client: N connections,
 * each sends its CSM and keeps DEPTH GET / requests pipelined for SECONDS; prints responses per
 * second. {@code serve PORT} runs a Tern server whose {@code GET /} answers 136 bytes, the size of
 * libcoap's {@code coap-server} index, so both servers answer the same request alike
 * ({@link CfTcpServer} does the same on Californium). {@code bench/tcp.sh} runs the whole comparison.
 *
 * <pre>
 * java -cp tern-bench/target/tern-bench.jar dev.tern.coap.bench.TcpLoad serve 5700 [inline] &amp;
 * coap-server-notls -A 127.0.0.1 -p 5701 &amp;
 * java -cp tern-bench/target/tern-bench.jar dev.tern.coap.bench.TcpLoad load 127.0.0.1 5700 100 16 10
 * java -cp tern-bench/target/tern-bench.jar dev.tern.coap.bench.TcpLoad load 127.0.0.1 5701 100 16 10
 * java -cp tern-bench/target/tern-bench.jar dev.tern.coap.bench.TcpLoad idle 127.0.0.1 5700 10000
 * </pre>
 */
public final class TcpLoad {
    private static final byte[] CSM = {0x30, (byte) 0xE1, 0x22, 0x04, (byte) 0x80}; // Max-Message-Size 1152

    private TcpLoad() {
    }

    /** {@code serve PORT} or {@code load HOST PORT CONNECTIONS DEPTH SECONDS}. */
    public static void main(String[] args) throws Exception {
        if (args[0].equals("serve")) {
            byte[] body = new byte[136];
            Arrays.fill(body, (byte) 'x');
            dev.tern.coap.spi.ReliableSettings settings = dev.tern.coap.spi.ReliableSettings.defaults()
                    .withMaxConnections(20_000, 20_000);
            CoapServer.Builder builder = CoapServer.builder();
            if (args.length > 2 && args[2].equals("inline")) {
                builder.executor(Runnable::run); // handlers on the endpoint's thread: no executor hop
            }
            CoapServer server = builder.port(0)
                    .service(Router.builder().get("/", r -> Response.content(Bytes.wrap(body), ContentFormat.TEXT_PLAIN))
                            .build())
                    .listener(TcpTransports.builder().port(Integer.parseInt(args[1])).settings(settings).buildServer())
                    .build().start();
            System.out.println("serving coap+tcp on " + server.localAddress("coap+tcp"));
            Thread.currentThread().join();
            return;
        }
        if (args[0].equals("idle")) {
            idle(new InetSocketAddress(args[1], Integer.parseInt(args[2])), Integer.parseInt(args[3]));
            return;
        }
        InetSocketAddress target = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        int connections = Integer.parseInt(args[3]);
        int depth = Integer.parseInt(args[4]);
        long seconds = Long.parseLong(args[5]);
        Counts counts = new Counts(new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder());
        // connected one after the other before the load starts: a server with a short listen backlog
        // (libcoap's is 5) would reset some of 100 simultaneous connects
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            sockets.add(connect(target));
        }
        long warmupEnd = System.nanoTime() + 2_000_000_000L;
        long end = warmupEnd + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (Socket s : sockets) {
            Thread t = new Thread(() -> run(s, target, depth, end, warmupEnd, counts), "load-" + threads.size());
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.printf("%s: %d connections, depth %d: %.0f req/s (%d responses in %d s after 2 s warm-up,"
                        + " %d error responses, %d connections failed)%n", target, connections, depth,
                counts.measured.sum() / (double) seconds, counts.measured.sum(), seconds, counts.errors.sum(),
                counts.broken.sum());
    }

    /** {@code idle HOST PORT N}: opens N connections, sends each a CSM, holds them until killed. */
    private static void idle(InetSocketAddress target, int n) throws Exception {
        List<java.nio.channels.SocketChannel> open = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(target);
            c.write(java.nio.ByteBuffer.wrap(CSM));
            open.add(c);
        }
        System.out.println(open.size() + " idle connections open");
        Thread.currentThread().join();
    }

    /** Responses (2.xx) in all and after the warm-up, error responses, connections lost before the end. */
    private record Counts(LongAdder all, LongAdder measured, LongAdder errors, LongAdder broken) {
    }

    /** A connection to {@code target}, tried up to three times. */
    private static Socket connect(InetSocketAddress target) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.connect(target, 10_000);
                s.setSoTimeout(10_000);
                return s;
            } catch (IOException e) {
                s.close();
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static void run(Socket socket, InetSocketAddress target, int depth, long end, long warmupEnd,
                            Counts counts) {
        try (Socket s = socket) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(CSM);
            byte[] batch = new byte[4 * depth];
            int token = 0;
            for (int i = 0; i < depth; i++) {
                token = request(batch, 4 * i, token);
            }
            out.write(batch);
            out.flush();
            byte[] buf = new byte[65_536];
            int fill = 0;
            byte[] more = new byte[4 * depth];
            while (System.nanoTime() < end) {
                int n = in.read(buf, fill, buf.length - fill);
                if (n < 0) {
                    counts.broken.increment();
                    return;
                }
                fill += n;
                int p = 0;
                int answered = 0;
                int failed = 0;
                while (true) {
                    int len = frameLength(buf, p, fill - p);
                    if (len < 0 || len > fill - p) {
                        break;
                    }
                    int code = buf[p + headerLength(buf[p]) - 1] & 0xFF;
                    if (code >> 5 == 2) {
                        answered++;
                    } else if (code >> 5 != 7) { // 7.xx: the server's signaling (CSM, Pong)
                        failed++;
                    }
                    p += len;
                }
                System.arraycopy(buf, p, buf, 0, fill - p);
                fill -= p;
                if (failed > 0) {
                    counts.errors.add(failed);
                }
                if (answered + failed > 0) {
                    counts.all.add(answered);
                    if (System.nanoTime() > warmupEnd) {
                        counts.measured.add(answered);
                    }
                    for (int i = 0; i < answered + failed; i++) {
                        token = request(more, 4 * i, token);
                    }
                    out.write(more, 0, 4 * (answered + failed));
                    out.flush();
                }
            }
        } catch (IOException e) {
            counts.broken.increment();
            System.err.println(target + ": " + e);
        }
    }

    /** GET / with a 2-byte token: Len 0, TKL 2, Code 0.01. */
    private static int request(byte[] out, int at, int token) {
        out[at] = 0x02;
        out[at + 1] = 0x01;
        out[at + 2] = (byte) (token >>> 8);
        out[at + 3] = (byte) token;
        return (token + 1) & 0xFFFF;
    }

    private static int headerLength(byte b0) {
        int len = (b0 & 0xFF) >>> 4;
        return 2 + (len < 13 ? 0 : len == 13 ? 1 : len == 14 ? 2 : 4);
    }

    /** The frame length (RFC 8323 §3.2), or -1 while the header is incomplete; TKL 0..8 only. */
    private static int frameLength(byte[] b, int p, int available) {
        if (available < 1) {
            return -1;
        }
        int len = (b[p] & 0xFF) >>> 4;
        int tkl = b[p] & 0x0F;
        int header = headerLength(b[p]);
        if (available < header) {
            return -1;
        }
        long body = len < 13 ? len : len == 13 ? (b[p + 1] & 0xFF) + 13
                : len == 14 ? ((b[p + 1] & 0xFF) << 8 | (b[p + 2] & 0xFF)) + 269
                : ((long) (b[p + 1] & 0xFF) << 24 | (b[p + 2] & 0xFF) << 16 | (b[p + 3] & 0xFF) << 8 | (b[p + 4] & 0xFF))
                + 65_805;
        return (int) (header + tkl + body);
    }
}
