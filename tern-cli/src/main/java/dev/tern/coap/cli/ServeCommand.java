package dev.tern.coap.cli;

import dev.tern.coap.CoapException;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Router;
import dev.tern.coap.rd.ResourceDirectory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tern serve}: a CoAP server with the demo resources ({@link DemoResources}) or, with
 * {@code --plugtest}, the ETSI plugtest resources ({@link PlugtestResources}); with {@code --dtls}
 * a second server answers {@code coaps://} with the same resources. Runs until SIGTERM or Ctrl-C,
 * which close the servers through a shutdown hook.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        description = {"Serve demo resources over coap://, or coaps:// with --dtls.",
            "The demo resources are /hello, /time, /echo, /counter, /whoami and /.well-known/core;",
            "with --plugtest, the ETSI CoAP plugtest resources instead. With --dtls, also over",
            "coaps:// (DTLS 1.2) on port 5684. Stop with Ctrl-C."},
        footer = {"", "Examples:",
            "  tern serve --dtls --psk-file keys.psk         # lines identity:KEY, chmod 600",
            "  tern serve --dtls --psk-identity dev1 --psk-key @dev1.key",
            "  tern serve --dtls -c server.crt -j server.key -C ca.crt",
            "  tern serve --dtls --rpk -j server.key --trusted-key client.pub",
            "  tern serve --proxy --proxy-allow 192.0.2.0/24,[2001:db8::1]:5683 --reverse /dev=coap://192.0.2.7",
            "  tern serve --http 8080 --proxy-allow 127.0.0.1   (then: curl localhost:8080/hc/coap://127.0.0.1/hello)",
            "  tern serve --metrics 9464    (then: curl localhost:9464/metrics)",
            "  tern serve --dtls --psk-file keys.psk --state-dir /var/lib/tern --state-key @state.key",
            "  tern serve --oscore server.conf   (then: tern get -E client.conf coap://localhost/hello)"})
public final class ServeCommand implements Callable<Integer> {
    private final Io io;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile CoapServer server;
    private volatile CoapServer secureServer;
    private volatile dev.tern.coap.proxy.CoapProxy proxy;
    private volatile dev.tern.coap.proxy.HttpGateway http;
    private volatile MetricsHttpServer metricsServer;
    private volatile ResourceDirectory directory;
    private volatile dev.tern.coap.cluster.Cluster clusterNode;
    private boolean closed;
    private dev.tern.coap.spi.EncryptedStateFile state;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "UDP port (default: ${DEFAULT-VALUE}; 0 picks one)")
    int port = 5683;

    @Option(names = {"-b", "--bind"}, paramLabel = "ADDR", description = "local address to bind (default: all interfaces)")
    String bind;

    @Option(names = "--tcp", description = "also serve coap+tcp:// (CoAP over TCP, RFC 8323) with the same resources")
    boolean tcp;

    @Option(names = "--tcp-port", paramLabel = "PORT",
            description = "TCP port for --tcp (default: ${DEFAULT-VALUE}; 0 picks one)")
    int tcpPort = 5683;

    @Option(names = "--plugtest", description = "serve the ETSI plugtest resources (/test, /separate, /validate, ...)")
    boolean plugtest;

    @Option(names = "--max-stored", paramLabel = "N",
            description = "at most N resources created by POST /large-create, the oldest evicted (default: ${DEFAULT-VALUE})")
    int maxStored = ResourceLimits.DEFAULT.maxEntries();

    @Option(names = "--max-stored-bytes", paramLabel = "BYTES",
            description = "at most BYTES of payload in them, the oldest evicted (default: ${DEFAULT-VALUE})")
    long maxStoredBytes = ResourceLimits.DEFAULT.maxBytes();

    @Option(names = "--stored-lifetime", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "how long a body a client stored (/echo, /large-create/N, PUTs) is kept (default: 10m)")
    Duration storedLifetime = ResourceLimits.DEFAULT.lifetime();

    @Option(names = {"-m", "--multicast"},
            description = {"also answer requests to the All-CoAP-Nodes groups 224.0.1.187, ff02::fd and ff05::fd (RFC 7252 §8):",
                "GET /.well-known/core (and /hello, /time of the demo) only, at most 3x the request's size;",
                "joined on every interface, or with --bind only on that address's interface"})
    boolean multicast;

    @Option(names = "--io-threads", paramLabel = "N",
            description = "I/O threads sharing the port with SO_REUSEPORT, each peer served by one (default: ${DEFAULT-VALUE}; Linux)")
    int ioThreads = 1;

    @Option(names = "--metrics", paramLabel = "PORT",
            description = "serve Prometheus metrics on http://127.0.0.1:PORT/metrics and a health check on /health")
    Integer metricsPort;

    @Option(names = "--metrics-bind", paramLabel = "ADDR",
            description = "address the metrics HTTP server binds (default: ${DEFAULT-VALUE}, this host only)")
    String metricsBind = "127.0.0.1";

    @Option(names = {"-v", "--verbose"}, description = "show every message received (<) and sent (>) on stderr")
    boolean verbose;

    @Option(names = "--oscore", paramLabel = "CONF[,SEQ]",
            description = {"accept only requests protected with OSCORE (RFC 8613; 4.01 otherwise) as libcoap's",
                "coap-oscore-conf(5) file CONF describes; sequence numbers kept in SEQ (default: CONF.seq)"})
    String oscore;

    @Option(names = "--rd", description = {"also host a Resource Directory (RFC 9176): POST /rd, /.well-known/rd,",
        "/reg/ID, GET /rd-lookup/ep and /rd-lookup/res"})
    boolean rd;

    @Option(names = "--rd-max-registrations", paramLabel = "N",
            description = "with --rd: at most N registrations, 5.03 beyond (default: ${DEFAULT-VALUE})")
    int rdMaxRegistrations = 10_000;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = {"keep state across restarts in DIR/state.bin: observe relations, the DTLS resumption",
                "cache and --rd registrations, written on SIGTERM/Ctrl-C, loaded (and removed) on start;",
                "needs --state-key"})
    java.nio.file.Path stateDir;

    @Option(names = "--state-key", paramLabel = "KEY",
            description = {"key sealing the state file (AES-256-GCM via HKDF-SHA256), at least 16 bytes:",
                "@FILE or env:VAR (or text, 0x<hex>, hex:<hex>); a wrong key moves the old file aside"})
    String stateKey;

    @picocli.CommandLine.Mixin
    ReliableServerFlags reliable = new ReliableServerFlags();

    @ArgGroup(validate = false, heading = DtlsServerFlags.HEADING)
    DtlsServerFlags dtls = new DtlsServerFlags();

    @ArgGroup(validate = false, heading = ProxyFlags.HEADING)
    ProxyFlags proxyFlags = new ProxyFlags();

    @ArgGroup(validate = false, heading = ClusterFlags.HEADING)
    ClusterFlags clusterFlags = new ClusterFlags();

    /** A serve command talking to {@code io}. */
    public ServeCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (tcpPort < 0 || tcpPort > 65535) {
            throw new UsageException("--tcp-port must be 0..65535: " + tcpPort);
        }
        if (port < 0 || port > 65535) {
            throw new UsageException("port must be 0..65535: " + port);
        }
        if (ioThreads < 1) {
            throw new UsageException("--io-threads must be at least 1: " + ioThreads);
        }
        if (ioThreads > 1 && multicast) {
            throw new UsageException("--multicast needs --io-threads 1");
        }
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw new UsageException("--metrics port must be 0..65535: " + metricsPort);
        }
        if (maxStored < 1 || maxStoredBytes < 1) {
            throw new UsageException("--max-stored and --max-stored-bytes must be at least 1");
        }
        if (rdMaxRegistrations < 1) {
            throw new UsageException("--rd-max-registrations must be at least 1");
        }
        if ((stateDir == null) != (stateKey == null)) {
            throw new UsageException("--state-dir and --state-key go together");
        }
        ResourceLimits limits = new ResourceLimits(maxStored, maxStoredBytes, storedLifetime);
        DtlsServerFlags secure = dtls != null ? dtls : new DtlsServerFlags();
        secure.check(reliable.needsTls());
        reliable.check();
        dev.tern.coap.tcp.TlsConfig tlsConfig = reliable.needsTls()
                ? ReliableServerFlags.tlsConfig(secure, KeyHygiene.to(io.err())) : null;
        ClusterFlags clustering = clusterFlags != null ? clusterFlags : new ClusterFlags();
        clustering.check(secure.enabled);
        ProxyFlags proxying = proxyFlags != null ? proxyFlags : new ProxyFlags();
        proxying.check();
        InetAddress bindAddress = null;
        if (bind != null) {
            try {
                bindAddress = InetAddress.getByName(bind);
            } catch (UnknownHostException e) {
                io.err().println("tern: cannot resolve bind address '" + bind + "'");
                return ExitCodes.ERROR;
            }
        }
        // Builds the DTLS layer (reading keys and certificates) before anything is bound.
        HandshakeFailureLog failures = new HandshakeFailureLog(io.err(), System::nanoTime);
        if (clustering.enabled()) {
            try {
                clusterNode = ClusterSetup.start(clustering, KeyHygiene.to(io.err()));
            } catch (IllegalStateException e) {
                io.err().println("tern: " + e.getMessage());
                return ExitCodes.ERROR;
            }
        }
        DtlsSetup.Server dtlsServer;
        try {
            dtlsServer = !secure.enabled ? null : clusterNode == null
                    ? DtlsSetup.server(secure, KeyHygiene.to(io.err()), failures)
                    : DtlsSetup.clusterServer(secure, KeyHygiene.to(io.err()), failures, clusterNode);
        } catch (RuntimeException e) {
            closeCluster();
            throw e;
        }
        if (dtlsServer != null) {
            Ticker.daemon().every(HandshakeFailureLog.WINDOW, failures, HandshakeFailureLog::flush);
        }
        dev.tern.coap.spi.ObjectSecurity objectSecurity = oscore == null ? null
                : OscoreSetup.server(oscore, io.err(), verbose); // the file is read before anything is bound
        if (stateDir != null) { // after every other file: a state file is used once
            byte[] key = PskKeys.option(stateKey, "--state-key", KeyHygiene.to(io.err()));
            try {
                state = dev.tern.coap.spi.EncryptedStateFile.open(stateDir, key);
            } catch (IllegalArgumentException e) {
                throw new UsageException("--state-key: " + e.getMessage());
            } catch (java.io.UncheckedIOException e) {
                io.err().println("tern: " + e.getMessage());
                return ExitCodes.ERROR;
            } finally {
                java.util.Arrays.fill(key, (byte) 0);
            }
            state.rejection().ifPresent(r -> io.err().println("tern: " + r));
        }
        Router.Builder routes = plugtest
                ? PlugtestResources.routes(PlugtestResources.SEPARATE_DELAY, limits, Clock.systemUTC(), Ticker.daemon())
                : DemoResources.routes(Clock.systemUTC(), limits, Ticker.daemon());
        if (rd) {
            directory = ResourceDirectory.builder().maxRegistrations(rdMaxRegistrations).build();
            directory.addTo(routes);
        }
        if (clusterNode != null) {
            ClusterSetup.addStatus(routes, clusterNode);
        }
        Router router = routes.build();
        dev.tern.coap.Service app = router;
        if (proxying.enabled()) {
            proxy = proxying.build();
            app = proxying.wrap(proxy, router);
        }
        // Every demo and plugtest handler is non-blocking (/separate and /obs use timers), so they run
        // on the I/O thread: no hand-off per request. The proxy may resolve host names: the handler pool.
        if (metricsPort != null) {
            // Bound before the CoAP ports, so that a busy metrics port leaves nothing behind.
            try {
                metricsServer = new MetricsHttpServer(new InetSocketAddress(InetAddress.getByName(metricsBind),
                        metricsPort), () -> address() != null).start();
            } catch (java.io.IOException e) {
                closeDirectory();
                closeProxy();
                io.err().println("tern: cannot serve metrics on " + metricsBind + " port " + metricsPort + ": "
                        + e.getMessage());
                closeCluster();
                keepStateFile();
                return ExitCodes.ERROR;
            }
        }
        CoapServer.Builder b = CoapServer.builder().port(port).service(app).ioThreads(ioThreads);
        configure(b, proxying);
        if (state != null && directory != null) {
            b.stateHolder(directory); // RD registrations survive a restart (RFC 9176 §5)
        }
        if (metricsServer != null) {
            b.metrics(metricsServer.metrics());
            if (clusterNode != null) {
                dev.tern.coap.micrometer.ClusterMeters.bind(metricsServer.metrics().registry(), clusterNode::statistics);
            }
        }
        if (bindAddress != null) {
            b.bind(bindAddress);
        }
        if (verbose) {
            b.tracer(new TraceWriter(io.err(), true));
        }
        if (objectSecurity != null) {
            b.objectSecurity(objectSecurity);
        }
        if (multicast) {
            b.joinAllCoapNodes();
        }
        if (tcp) {
            dev.tern.coap.tcp.TcpTransports.Builder t = dev.tern.coap.tcp.TcpTransports.builder().port(tcpPort);
            if (bindAddress != null) {
                t.bind(bindAddress);
            }
            b.listener(t.buildServer());
        }
        List<String> reliableSchemes = reliable.addTo(b, bindAddress, tlsConfig);
        try {
            server = b.build().start();
        } catch (CoapException e) {
            closeMetrics();
            closeDirectory();
            io.err().println("tern: cannot serve on " + (bind == null ? "port " : bind + " port ") + port + ": "
                    + e.getMessage());
            closeProxy();
            closeCluster();
            keepStateFile();
            return ExitCodes.ERROR;
        }
        if (dtlsServer != null) {
            // The same router, so coap:// and coaps:// share the resources and their state; one I/O thread.
            CoapServer.Builder sb = CoapServer.builder().port(secure.port()).service(app)
                    .security(dtlsServer.layer());
            configure(sb, proxying);
            if (metricsServer != null) {
                sb.metrics(metricsServer.metrics()); // one registry: the coaps counts add to the coap ones
            }
            if (bindAddress != null) {
                sb.bind(bindAddress);
            }
            if (verbose) {
                sb.tracer(new TraceWriter(io.err(), true));
            }
            try {
                secureServer = sb.build().start();
            } catch (CoapException e) {
                server.close();
                closeProxy();
                closeMetrics();
                closeDirectory();
                io.err().println("tern: cannot serve coaps on " + (bind == null ? "port " : bind + " port ")
                        + secure.port() + ": " + e.getMessage());
                closeCluster();
                keepStateFile();
                return ExitCodes.ERROR;
            }
        }
        try {
            http = proxying.startHttp(proxy);
        } catch (IllegalStateException | UsageException e) {
            shutDown();
            io.err().println("tern: cannot serve HTTP on " + proxying.httpBind + " port " + proxying.httpPort + ": "
                    + e.getMessage());
            return ExitCodes.ERROR;
        }
        Thread hook = new Thread(this::shutDown, "tern-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        String names = String.join(", ", plugtest ? PlugtestResources.NAMES : DemoResources.NAMES)
                + (rd ? ", Resource Directory rd" : "");
        io.err().println("tern: serving coap://" + Addresses.format(server.localAddress()) + "/ (" + names + ")"
                + (multicast ? " and All-CoAP-Nodes" : ""));
        if (oscore != null) {
            io.err().println("tern: coap:// requests must be protected: " + OscoreSetup.describe(oscore));
        }
        if (multicast) {
            java.util.List<String> joined = new java.util.ArrayList<>();
            server.multicastInterfaces().forEach(nif -> joined.add(nif.getName()));
            io.err().println("tern: joined All-CoAP-Nodes on " + String.join(", ", joined));
        }
        if (tcp) {
            io.err().println("tern: serving coap+tcp://" + Addresses.format(server.localAddress("coap+tcp")) + "/");
        }
        for (String scheme : reliableSchemes) {
            io.err().println("tern: serving " + scheme + "://" + Addresses.format(server.localAddress(scheme))
                    + (scheme.endsWith("ws") ? "/.well-known/coap" : "/"));
        }
        if (proxy != null) {
            io.err().println("tern: proxying: " + proxying.description());
        }
        if (http != null) {
            io.err().println("tern: serving http://" + Addresses.format(http.localAddress())
                    + "/ (HTTP-to-CoAP at /hc/coap://HOST/PATH, RFC 8075)");
        }
        if (secureServer != null) {
            io.err().println("tern: serving coaps://" + Addresses.format(secureServer.localAddress()) + "/ ("
                    + dtlsServer.description() + ")");
        }
        if (clusterNode != null) {
            io.err().println("tern: cluster node " + clusterNode.nodeId() + " of " + clustering.redis
                    + ", forwarding on " + Addresses.format(clusterNode.internalAddress()) + ", status on "
                    + ClusterSetup.STATUS_PATH);
        }
        if (metricsServer != null) {
            io.err().println("tern: metrics on http://" + Addresses.format(metricsServer.address()) + "/metrics");
        }
        io.err().flush();
        try {
            stopped.await();
        } finally {
            shutDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook is running or has run
            }
        }
        return ExitCodes.OK;
    }

    /** The bound address once serving, else null. */
    InetSocketAddress address() {
        CoapServer s = server;
        return s == null || stopped.getCount() == 0 ? null : s.localAddress();
    }

    /** The address of the {@code scheme} listener (coap+tcp, coaps+tcp, coap+ws, coaps+ws) once serving, else null. */
    InetSocketAddress address(String scheme) {
        CoapServer s = server;
        return s == null || stopped.getCount() == 0 ? null : s.localAddress(scheme);
    }

    /** The bound address of the coaps server once serving, else null. */
    InetSocketAddress secureAddress() {
        CoapServer s = secureServer;
        return s == null || stopped.getCount() == 0 ? null : s.localAddress();
    }

    /** The executor and the forward proxy of a server (RFC 7252 §5.7.2), as the flags ask. */
    private void configure(CoapServer.Builder b, ProxyFlags proxying) {
        if (state != null) {
            b.state(state);
        } else if (clusterNode != null) {
            b.state(clusterNode.stateStore()); // relations kept in Redis for the node that takes this id next
        }
        if (clusterNode != null) {
            b.relationListener(clusterNode.relationListener()); // listed and cancelled from any node
        }
        if (proxy == null) {
            b.executor(Runnable::run);
        } else if (proxying.forward) {
            b.proxy(proxy.forward());
        }
    }

    private void closeProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    /** The bound address of the HTTP gateway once serving, else null. */
    InetSocketAddress httpAddress() {
        dev.tern.coap.proxy.HttpGateway h = http;
        return h == null || stopped.getCount() == 0 ? null : h.localAddress();
    }

    /** The bound address of the metrics HTTP server once serving, else null. */
    InetSocketAddress metricsAddress() {
        MetricsHttpServer m = metricsServer;
        return m == null || stopped.getCount() == 0 ? null : m.address();
    }

    /** Stops serving and lets {@link #call()} return 0, as SIGTERM does. */
    void stop() {
        stopped.countDown();
    }

    private synchronized void shutDown() {
        if (!closed && server != null) {
            closed = true;
            server.close();
            if (secureServer != null) {
                secureServer.close();
            }
            if (http != null) {
                http.close();
            }
            closeProxy();
            closeDirectory();
            closeCluster();
            if (state != null) {
                state.close();
            }
        }
        stopped.countDown();
        closeMetrics();
    }

    /** A planned leave: the node id is released at once (after the servers closed). */
    private void closeCluster() {
        dev.tern.coap.cluster.Cluster c = clusterNode;
        if (c != null) {
            clusterNode = null;
            c.close();
        }
    }

    /**
     * Startup failed after the state file was loaded (and removed): writes the loaded state back
     * untouched, so that the next start still has it.
     */
    private void keepStateFile() {
        if (state != null) {
            try {
                state.flush();
            } catch (RuntimeException e) {
                io.err().println("tern: " + e.getMessage());
            }
            state.close();
        }
    }

    private void closeDirectory() {
        ResourceDirectory d = directory;
        if (d != null) {
            directory = null;
            d.close();
        }
    }

    private void closeMetrics() {
        MetricsHttpServer m = metricsServer;
        if (m != null) {
            metricsServer = null;
            m.close();
        }
    }
}
