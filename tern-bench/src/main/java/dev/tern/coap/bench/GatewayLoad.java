package dev.tern.coap.bench;

import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The load of {@link HttpGatewayBench} and {@link GatewayRun}: a Tern CoAP origin ({@code GET /hello})
 * and keep-alive HTTP/1.1 connections, each a thread that sends a GET and reads the whole response
 * before the next (no pipelining, no HTTP client library in the way).
 */
final class GatewayLoad {
    /**
     * Requests per phase at most: one client may use 65 536 Message IDs per server and
     * EXCHANGE_LIFETIME (RFC 7252 §4.4), so every phase gets a fresh origin and stays below that.
     */
    static final long MAX_PER_PHASE = 50_000;

    private GatewayLoad() {
    }

    /** Successful requests per second and how many succeeded. */
    record Outcome(double rps, long ok) {
    }

    /** A fresh origin serving {@code GET /hello} on an ephemeral loopback port. */
    static CoapServer origin() {
        return CoapServer.builder().port(0).bind("127.0.0.1")
                .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build())
                .build().start();
    }

    /** One GET of {@code path} on a new connection: fails unless the origin's answer comes back. */
    static void check(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            String body = exchange(s, s.getInputStream(), request(path));
            if (!body.contains("Hello World!")) {
                throw new IllegalStateException("unexpected answer from port " + port + ": " + body);
            }
        }
    }

    /** Runs the load for {@code seconds} (or {@link #MAX_PER_PHASE} requests). */
    static Outcome run(int port, String path, int connections, int seconds) throws InterruptedException {
        byte[] request = request(path);
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicLong issued = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            Thread t = new Thread(() -> {
                while (running.get()) {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                        s.setTcpNoDelay(true);
                        s.setSoTimeout(30_000);
                        InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 4096);
                        while (running.get()) {
                            if (issued.incrementAndGet() > MAX_PER_PHASE) {
                                running.set(false);
                                break;
                            }
                            String answer = exchange(s, in, request);
                            if (answer.contains("Hello World!")) {
                                ok.increment();
                            } else {
                                failed.increment();
                                firstFailure.compareAndSet(null, answer.lines().findFirst().orElse(""));
                            }
                        }
                    } catch (IOException e) {
                        failed.increment();
                        firstFailure.compareAndSet(null, e.toString());
                    }
                }
            }, "load-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        long deadline = start + seconds * 1_000_000_000L;
        while (running.get() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        running.set(false);
        long count = ok.sum();
        double elapsed = (System.nanoTime() - start) / 1e9;
        for (Thread t : threads) {
            t.join(35_000);
        }
        if (failed.sum() > 0) {
            System.out.printf(Locale.ROOT, "  (port %d: %d failed, first: %s)%n", port, failed.sum(), firstFailure.get());
        }
        return new Outcome(count / elapsed, ok.sum());
    }

    private static byte[] request(String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends one request and reads one whole response (Content-Length framing); returns head and body. */
    private static String exchange(Socket s, InputStream in, byte[] request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request);
        out.flush();
        StringBuilder head = new StringBuilder();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed");
            }
            head.append((char) c);
            state = (c == '\r' && state % 2 == 0) || (c == '\n' && state % 2 == 1) ? state + 1 : 0;
        }
        String h = head.toString().toLowerCase(Locale.ROOT);
        int cl = h.indexOf("content-length:");
        if (cl < 0) {
            throw new IOException("no Content-Length: " + head);
        }
        int eol = h.indexOf('\r', cl);
        int length = Integer.parseInt(h.substring(cl + 15, eol).trim());
        byte[] body = in.readNBytes(length);
        return head + new String(body, StandardCharsets.UTF_8);
    }

    static int intArg(String[] args, String name, int fallback) {
        String v = arg(args, name, null);
        return v == null ? fallback : Integer.parseInt(v);
    }

    static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
