package dev.tern.coap.bench;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageType;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import dev.tern.coap.internal.engine.CoapEndpoint;
import dev.tern.coap.micrometer.TernMetrics;
import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.Transport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Tern's whole server stack in memory: one CON GET /hello datagram in, decoded, deduplicated,
 * routed to the handler, the piggybacked 2.05 "Hello World!" encoded and handed to the transport.
 *
 * <p>No sockets and no threads: the {@link Transport} is a field the benchmark calls, and the
 * {@link Scheduler} runs tasks on the calling thread (queued, so a task submitted from a task still
 * runs after it) and drops timers (none fire during a measurement anyway: the shortest, the
 * deduplication lifetime, is 247 s). Each invocation uses a fresh (peer, Message ID) pair from
 * 16 peers x 65536 IDs, so no request is a duplicate; the deduplication cache (100 000 entries) is
 * full after the warm-up and evicts one entry per request, which is the steady state of a busy server.
 *
 * <p>{@code metrics}: {@code none} (no listener, {@link EndpointMetrics#NONE}), {@code prometheus}
 * ({@link TernMetrics} with its defaults over a Prometheus registry: every request counted, one in
 * 16 timed into the latency histogram) or {@code prometheus-every} (every request timed: two clock
 * reads and a histogram record each), to measure what metrics cost.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.Throughput, Mode.AverageTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PipelineBenchmark {
    private static final int PEERS = 16;

    private final InetSocketAddress[] peers = new InetSocketAddress[PEERS];
    private final byte[] datagram;
    private final InMemoryTransport transport = new InMemoryTransport();
    private CoapEndpoint endpoint;
    private io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry;
    private int next;

    /** Whether the endpoint reports to a registry-backed listener. */
    @Param({"none", "prometheus", "prometheus-every"})
    public String metrics;

    public PipelineBenchmark() {
        byte[] token = {1, 2, 3, 4, 5, 6, 7, 8};
        datagram = MessageEncoder.encode(new Message(MessageType.CON, Code.GET, 0, Bytes.of(token),
                Options.of(Option.ofString(OptionNumber.URI_PATH, "hello")), Bytes.EMPTY));
    }

    /** Assembles the endpoint and checks that a request gets its 2.05 response. */
    @Setup(Level.Trial)
    public void setUp() throws UnknownHostException {
        for (int i = 0; i < PEERS; i++) {
            peers[i] = new InetSocketAddress(InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) (i + 1)}),
                    40_000 + i);
        }
        EndpointConfig config = EndpointConfig.defaults().toBuilder().maxDeduplicationEntries(100_000).build();
        Router service = Router.builder().get("/hello", r -> Response.content("Hello World!")).build();
        EndpointMetrics listener = EndpointMetrics.NONE;
        if (metrics.startsWith("prometheus")) {
            registry = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                    io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
            int sampling = metrics.equals("prometheus-every") ? 1 : TernMetrics.DEFAULT_LATENCY_SAMPLING;
            if (metrics.startsWith("prometheus:")) { // prometheus:N times one request in N
                sampling = Integer.parseInt(metrics.substring("prometheus:".length()));
            }
            listener = TernMetrics.builder(registry).latencySampling(sampling).build();
        }
        endpoint = CoapEndpoint.assemble(transport, new InlineScheduler(), config, service, Runnable::run,
                "coap", null, new SplittableRandom(1), listener, null);
        long before = transport.sent;
        request();
        if (transport.sent != before + 1) {
            throw new IllegalStateException("no response sent");
        }
        if (!(MessageDecoder.decode(transport.last, 0, transport.lastLength) instanceof Message m)
                || m.type() != MessageType.ACK || !m.code().equals(Code.CONTENT)
                || !m.payload().equals(Bytes.utf8("Hello World!"))) {
            throw new IllegalStateException("unexpected response");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (transport.sent != transport.received) {
            throw new IllegalStateException(transport.received + " requests, " + transport.sent + " responses");
        }
        endpoint.close();
        if (registry != null && !registry.scrape().contains("coap_requests_total{code=\"2.05\",method=\"GET\",route=\"/hello\"}")) {
            throw new IllegalStateException("the registry counted no request");
        }
    }

    /** One request through the stack; returns the number of responses sent so far. */
    @Benchmark
    public long request() {
        int n = next++;
        int mid = (n >>> 4) & 0xFFFF;
        datagram[2] = (byte) (mid >>> 8);
        datagram[3] = (byte) mid;
        transport.deliver(datagram, peers[n & (PEERS - 1)]);
        return transport.sent;
    }

    /** A transport whose datagrams the benchmark pushes in, and which counts what is sent. */
    static final class InMemoryTransport implements Transport {
        private static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5683);
        private Receiver receiver;
        long received;
        long sent;
        byte[] last;
        int lastLength;

        void deliver(byte[] data, InetSocketAddress source) {
            received++;
            receiver.onDatagram(data, data.length, source, false);
        }

        @Override
        public void start(Receiver r) {
            this.receiver = r;
        }

        @Override
        public void send(byte[] data, int length, InetSocketAddress destination) {
            sent++;
            last = data;
            lastLength = length;
        }

        @Override
        public InetSocketAddress localAddress() {
            return LOCAL;
        }

        @Override
        public void close() {
        }
    }

    /** Runs tasks on the calling thread in submission order; timers are dropped. */
    static final class InlineScheduler implements Scheduler {
        private static final Cancellable NOTHING = () -> { };
        private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
        private boolean running;

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void execute(Runnable task) {
            queue.addLast(task);
            if (running) {
                return;
            }
            running = true;
            try {
                Runnable t;
                while ((t = queue.pollFirst()) != null) {
                    t.run();
                }
            } finally {
                running = false;
            }
        }

        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
            return NOTHING;
        }

        @Override
        public boolean inSchedulerThread() {
            return true;
        }
    }
}
