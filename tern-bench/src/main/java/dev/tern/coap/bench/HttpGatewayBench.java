package dev.tern.coap.bench;

import dev.tern.coap.CoapServer;
import dev.tern.coap.proxy.CoapProxy;
import dev.tern.coap.proxy.HttpGateway;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 *
 * {@code HttpGatewayBench run ...} ({@link GatewayRun}, {@code bench/gateway.sh}) measures the same
 * with each gateway in its own pinned JVM; {@code HttpGatewayBench serve tern|californium} is one
 * such gateway process.
 */
public final class HttpGatewayBench {
    private HttpGatewayBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("serve")) {
            serve(args[1]);
            return;
        }
        if (args.length > 0 && args[0].equals("run")) {
            GatewayRun.main(args);
            return;
        }
        int rounds = GatewayLoad.intArg(args, "--rounds", 3);
        int seconds = GatewayLoad.intArg(args, "--seconds", 5);
        int warmup = GatewayLoad.intArg(args, "--warmup", 3);
        int connections = GatewayLoad.intArg(args, "--connections", 16);
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
        System.out.printf(Locale.ROOT, "median ratio %.2f req/s, %.2f CPU per request (Californium / Tern)%n",
                Medians.of(ratios), Medians.of(cpuRatios));
        californium.stop();
        tern.close();
        proxy.close();
        System.exit(0);
    }

    /**
     * One gateway alone in this process ({@code serve tern} or {@code serve californium}, for
     * {@link GatewayRun}): prints {@code port N}, then serves until standard input closes. The JVM
     * option {@code -Dtern.bench.ioThreads=N} sets Tern's {@code HttpGateway.Builder.ioThreads}.
     */
    private static void serve(String which) throws Exception {
        AutoCloseable stop;
        int port;
        if (which.equals("tern")) {
            CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1").maxCacheEntries(0).build();
            HttpGateway.Builder builder = HttpGateway.builder(proxy).maxConnections(1024);
            Integer ioThreads = Integer.getInteger("tern.bench.ioThreads");
            if (ioThreads != null) {
                builder.ioThreads(ioThreads);
            }
            HttpGateway tern = builder.build().start();
            port = tern.port();
            stop = () -> {
                tern.close();
                proxy.close();
            };
        } else if (which.equals("californium")) {
            ProxyHttpServer californium = californium();
            port = californiumPort;
            stop = californium::stop;
        } else {
            throw new IllegalArgumentException("serve tern|californium, not " + which);
        }
        System.out.println("port " + port);
        System.out.flush();
        System.in.transferTo(java.io.OutputStream.nullOutputStream()); // until the driver closes our standard input
        stop.close();
        System.exit(0);
    }

    /**
     * One measurement against a fresh origin: a client may send at most 65 536 requests to one
     * server per EXCHANGE_LIFETIME (RFC 7252 §4.4, Message IDs), so every phase gets a new origin port.
     */
    private static Result phase(int port, String prefix, int connections, int seconds)
            throws IOException, InterruptedException {
        CoapServer origin = GatewayLoad.origin();
        try {
            String path = prefix + "coap://127.0.0.1:" + origin.port() + "/hello";
            GatewayLoad.check(port, path);
            boolean tern = prefix.equals("/hc/");
            long cpu = gatewayCpu(tern);
            GatewayLoad.Outcome o = GatewayLoad.run(port, path, connections, seconds);
            long used = gatewayCpu(tern) - cpu;
            return new Result(o.rps(), used / 1000.0 / Math.max(1, o.ok()));
        } finally {
            origin.close();
        }
    }

    private static int californiumPort;

    /** Californium's proxy2 HTTP server with a coap2coap forwarding resource, as its BasicHttpForwardingProxy2 demo. */
    static ProxyHttpServer californium() throws IOException {
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
}
