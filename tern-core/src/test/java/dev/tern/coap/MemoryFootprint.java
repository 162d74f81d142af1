package dev.tern.coap;

import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageEncoder;
import dev.tern.coap.internal.engine.CoapEndpoint;
import dev.tern.coap.spi.Transport;
import dev.tern.coap.testkit.ManualScheduler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Random;

/**
 * Not a unit test: measures the heap a server endpoint keeps per observe relation and per
 * deduplication entry. Run after {@code mvn -o verify -pl tern-core} with
 * <pre>
 * java -XX:+UseSerialGC -Xmx1g -cp tern-core/target/classes:tern-core/target/test-classes:SLF4J_API_JAR \
 *     dev.tern.coap.MemoryFootprint [count]
 * </pre>
 * The endpoint runs over a transport that drops what it sends and a {@link ManualScheduler}
 * driven inline; every request comes from its own peer (a new {@link InetSocketAddress}, as a
 * socket would allocate), so the peer's address is counted with the state that keeps it.
 */
public final class MemoryFootprint {
    private MemoryFootprint() {
    }

    /** Drops what the endpoint sends; hands datagrams to the endpoint in a reused buffer. */
    private static final class DropTransport implements Transport {
        private final byte[] buffer = new byte[2048];
        private Receiver receiver;

        @Override
        public void start(Receiver r) {
            receiver = r;
        }

        @Override
        public void send(byte[] data, int length, InetSocketAddress destination) {
        }

        @Override
        public InetSocketAddress localAddress() {
            return new InetSocketAddress(5683);
        }

        @Override
        public void close() {
        }

        void deliver(byte[] datagram, InetSocketAddress source) {
            System.arraycopy(datagram, 0, buffer, 0, datagram.length);
            receiver.onDatagram(buffer, datagram.length, source, false);
        }
    }

    /** One endpoint under measurement. */
    private static final class Server {
        final ManualScheduler scheduler = new ManualScheduler();
        final DropTransport transport = new DropTransport();
        final ObservableResource observable = ObservableResource.create();
        final CoapEndpoint endpoint;

        Server(int count) {
            Router router = Router.builder()
                    .get("/obs", observable.handler(req -> Response.content("22.5 C")), RouteOptions.create().observable())
                    .get("/hello", req -> Response.content("Hello World!"))
                    .build();
            EndpointConfig config = EndpointConfig.builder().maxObservers(count + 1)
                    .maxDeduplicationEntries(count + 1).maxPeers(count + 1).build();
            endpoint = CoapEndpoint.assemble(transport, scheduler, config, router, Runnable::run, "coap", null,
                    new Random(1));
        }

        /** A CON GET of {@code path} from peer number {@code i}, with an 8-byte token, optionally Observe=0. */
        void get(int i, String path, boolean observe) {
            Options.Builder o = Options.builder().uriPath(path);
            if (observe) {
                o.observe(0);
            }
            byte[] token = {(byte) 0xA5, 0x5A, 0, 0, (byte) (i >> 24), (byte) (i >> 16), (byte) (i >> 8), (byte) i};
            Message m = new Message(MessageType.CON, Code.GET, i & 0xFFFF, Bytes.of(token), o.build(), Bytes.EMPTY);
            transport.deliver(MessageEncoder.encode(m), peer(i));
            scheduler.runPending();
        }
    }

    /** A fresh address per peer: 10.x.y.z, port 1024 + i % 60000. */
    private static InetSocketAddress peer(int i) {
        try {
            int host = i / 60_000 + 1;
            InetAddress a = InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) host});
            return new InetSocketAddress(a, 1024 + i % 60_000);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** With {@code -Dhistogram}, prints the top of the live class histogram (runs {@code jcmd}). */
    private static void histogram(String phase) {
        if (System.getProperty("histogram") == null) {
            return;
        }
        System.out.println("-- " + phase);
        try {
            Process p = new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            String[] lines = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .split("\n");
            p.waitFor();
            for (int i = 0; i < Math.min(lines.length, 24); i++) {
                System.out.println(lines[i]);
            }
        } catch (java.io.IOException | InterruptedException e) {
            System.out.println("no histogram: " + e);
        }
    }

    private static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100);
            best = Math.min(best, rt.totalMemory() - rt.freeMemory());
        }
        return best;
    }

    /** Runs both measurements and prints bytes per relation and per entry. */
    public static void main(String[] args) throws InterruptedException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;

        // (a) observe relations: CON GET Observe=0 from n peers.
        Server obs = new Server(n);
        obs.get(-1, "/hello", false); // warm up classes and lazily created tables
        long before = usedHeap();
        for (int i = 0; i < n; i++) {
            obs.get(i, "/obs", true);
        }
        obs.scheduler.advance(Duration.ofSeconds(2)); // purge cancelled separate-response timers
        long withDedup = usedHeap();
        histogram("observe relations with dedup entries");
        if (obs.endpoint.observers() != n || obs.observable.observerCount() != n) {
            throw new IllegalStateException("relations: " + obs.endpoint.observers());
        }
        // EXCHANGE_LIFETIME (247 s) later the deduplication entries are gone and only the relations remain.
        obs.scheduler.advance(Duration.ofSeconds(250));
        obs.get(n, "/hello", false); // expiry happens on the next received message
        long relationsOnly = usedHeap();
        histogram("observe relations alone");
        if (obs.endpoint.observers() != n) {
            throw new IllegalStateException("relations lost: " + obs.endpoint.observers());
        }
        System.out.printf("observe relations: %d%n", n);
        System.out.printf("  bytes per relation, with its dedup entry (first 247 s): %d%n", (withDedup - before) / n);
        System.out.printf("  bytes per relation, alone:                               %d%n", (relationsOnly - before) / n);

        // (b) deduplication entries: CON GET /hello from n peers.
        Server dedup = new Server(n);
        dedup.get(-1, "/hello", false);
        before = usedHeap();
        for (int i = 0; i < n; i++) {
            dedup.get(i, "/hello", false);
        }
        dedup.scheduler.advance(Duration.ofSeconds(2));
        long after = usedHeap();
        histogram("dedup entries");
        if (dedup.endpoint.deduplicationEntries() != n + 1) {
            throw new IllegalStateException("dedup entries: " + dedup.endpoint.deduplicationEntries());
        }
        System.out.printf("dedup entries: %d%n", n);
        System.out.printf("  bytes per entry (CON GET, piggybacked 2.05 cached): %d%n", (after - before) / n);
        // keep both endpoints reachable until measured
        System.out.println(obs.endpoint.stateSummary().length() + dedup.endpoint.stateSummary().length() > 0 ? "" : "-");
    }
}
