package dev.tern.coap.bench;

import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.proxy.CoapProxy;
import dev.tern.coap.proxy.HttpGateway;
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
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.TcpConfig;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.proxy2.ClientSingleEndpoint;
import org.eclipse.californium.proxy2.config.Proxy2Config;
import org.eclipse.californium.proxy2.http.server.ProxyHttpServer;
import org.eclipse.californium.proxy2.resources.ForwardProxyMessageDeliverer;
import org.eclipse.californium.proxy2.resources.ProxyCoapClientResource;
import org.eclipse.californium.proxy2.resources.ProxyCoapResource;

/**
 * HTTP-to-CoAP gateways under the same load (RFC 8075): Tern's {@link HttpGateway} against
 * Californium's proxy2 3.9.1 {@code ProxyHttpServer}, both in front of one Tern CoAP origin
 * ({@code GET /hello}, a fresh one per phase) on loopback, caching off on both, in one JVM. The load is {@code --connections}
 * keep-alive HTTP/1.1 connections, each a thread that sends a GET and reads the whole response
 * before the next (no HTTP client library in the way). Rounds alternate the order; prints req/s of
 * every round and the Tern / Californium ratio, and the CPU time per request of each gateway's own
 * threads (Tern: {@code tern-http*} and its CoAP client; Californium: every other non-JVM thread),
 * which the load generator and the origin, shared by both, do not blur.
 *
 * <pre>
 * java -cp tern-bench/target/tern-bench.jar dev.tern.coap.bench.HttpGatewayBench [--rounds 3]
 *     [--seconds 5] [--warmup 3] [--connections 16]
 * </pre>
 */
public final class HttpGatewayBench {
    private HttpGatewayBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = intArg(args, "--rounds", 3);
        int seconds = intArg(args, "--seconds", 5);
        int warmup = intArg(args, "--warmup", 3);
        int connections = intArg(args, "--connections", 16);
        CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1").maxCacheEntries(0).build();
        HttpGateway tern = HttpGateway.builder(proxy).maxConnections(1024).build().start();
        ProxyHttpServer californium = californium();
        int cfPort = californiumPort;
        System.out.printf(Locale.ROOT, "warm-up %d s each, %d connections%n", warmup, connections);
        phase(tern.port(), "/hc/", connections, warmup);
        phase(cfPort, "/proxy/", connections, warmup);
        phase(tern.port(), "/hc/", connections, warmup);
        phase(cfPort, "/proxy/", connections, warmup);
        List<Double> ratios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            Result t;
            Result c;
            if (round % 2 == 1) {
                t = phase(tern.port(), "/hc/", connections, seconds);
                c = phase(cfPort, "/proxy/", connections, seconds);
            } else {
                c = phase(cfPort, "/proxy/", connections, seconds);
                t = phase(tern.port(), "/hc/", connections, seconds);
            }
            ratios.add(t.rps() / c.rps());
            cpuRatios.add(c.cpuMicros() / t.cpuMicros());
            System.out.printf(Locale.ROOT, "round %d: tern %.0f req/s (%.1f us CPU/req), californium-proxy2 %.0f req/s"
                    + " (%.1f us CPU/req), ratio %.2f (CPU %.2f)%n", round, t.rps(), t.cpuMicros(), c.rps(),
                    c.cpuMicros(), t.rps() / c.rps(), c.cpuMicros() / t.cpuMicros());
        }
        ratios.sort(null);
        cpuRatios.sort(null);
        System.out.printf(Locale.ROOT, "median ratio %.2f req/s, %.2f CPU per request (Californium / Tern)%n",
                ratios.get(ratios.size() / 2), cpuRatios.get(cpuRatios.size() / 2));
        californium.stop();
        tern.close();
        proxy.close();
        System.exit(0);
    }

    /**
     * One measurement against a fresh origin: a client may send at most 65 536 requests to one
     * server per EXCHANGE_LIFETIME (RFC 7252 §4.4, Message IDs), so every phase gets a new origin port.
     */
    private static Result phase(int port, String prefix, int connections, int seconds)
            throws IOException, InterruptedException {
        CoapServer origin = CoapServer.builder().port(0).bind("127.0.0.1")
                .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build())
                .build().start();
        try {
            String path = prefix + "coap://127.0.0.1:" + origin.port() + "/hello";
            check(port, path);
            boolean tern = prefix.equals("/hc/");
            long cpu = gatewayCpu(tern);
            long[] counted = new long[2];
            double rps = load(port, path, connections, seconds, counted);
            long used = gatewayCpu(tern) - cpu;
            return new Result(rps, used / 1000.0 / Math.max(1, counted[0]));
        } finally {
            origin.close();
        }
    }

    private static int californiumPort;

    /** Requests per phase at most: one client may use 65 536 Message IDs per server and EXCHANGE_LIFETIME (RFC 7252 §4.4). */
    private static final long MAX_PER_PHASE = 50_000;

    /** Californium's proxy2 HTTP server with a coap2coap forwarding resource, as its BasicHttpForwardingProxy2 demo. */
    private static ProxyHttpServer californium() throws IOException {
        CoapConfig.register();
        UdpConfig.register();
        TcpConfig.register();
        Proxy2Config.register();
        Configuration config = Configuration.createStandardWithoutFile();
        config.set(CoapConfig.MAX_ACTIVE_PEERS, 20000);
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            californiumPort = probe.getLocalPort();
        }
        CoapEndpoint endpoint = CoapEndpoint.builder().setConfiguration(config).build();
        ClientSingleEndpoint outgoing = new ClientSingleEndpoint(endpoint);
        ProxyCoapResource coap2coap = new ProxyCoapClientResource("coap2coap", false, false, null, outgoing);
        ForwardProxyMessageDeliverer deliverer = new ForwardProxyMessageDeliverer(coap2coap);
        ProxyHttpServer server = ProxyHttpServer.buider().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress("127.0.0.1", californiumPort))
                .setExecutor(endpoint).setProxyCoapDeliverer(deliverer).build();
        endpoint.start();
        server.start();
        return server;
    }

    private static void check(int port, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            String body = exchange(s, s.getInputStream(), request(path));
            if (!body.contains("Hello World!")) {
                throw new IllegalStateException("unexpected answer from port " + port + ": " + body);
            }
        }
    }

    /** Requests per second, and CPU microseconds per request of the gateway's own threads. */
    record Result(double rps, double cpuMicros) {
    }

    private static final java.util.Set<String> JVM_THREADS = java.util.Set.of("Reference Handler", "Finalizer",
            "Signal Dispatcher", "Common-Cleaner", "Notification Thread", "Attach Listener", "main");

    /** Whether a thread is the gateway's: Tern's HTTP and CoAP client threads, or (Californium) any other. */
    private static boolean gatewayThread(String name, boolean tern) {
        if (name.startsWith("load-") || name.startsWith("tern-server-") || name.startsWith("tern-handler-")
                || JVM_THREADS.contains(name)) {
            return false;
        }
        boolean ternThread = name.startsWith("tern-");
        return tern == ternThread;
    }

    private static long gatewayCpu(boolean tern) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info != null && gatewayThread(info.getThreadName(), tern)) {
                long t = mx.getThreadCpuTime(info.getThreadId());
                sum += Math.max(0, t);
            }
        }
        return sum;
    }

    /** Runs the load for {@code seconds}; returns successful responses per second. */
    private static double load(int port, String path, int connections, int seconds, long[] counted)
            throws InterruptedException {
        byte[] request = request(path);
        AtomicBoolean running = new AtomicBoolean(true);
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        java.util.concurrent.atomic.AtomicLong issued = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicReference<String> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();
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
        counted[0] = ok.sum();
        if (failed.sum() > 0) {
            System.out.printf(Locale.ROOT, "  (port %d: %d failed, first: %s)%n", port, failed.sum(), firstFailure.get());
        }
        return count / elapsed;
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

    private static int intArg(String[] args, String name, int fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return fallback;
    }
}
