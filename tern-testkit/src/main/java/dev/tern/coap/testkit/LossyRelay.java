package dev.tern.coap.testkit;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-process UDP relay on loopback that impairs the path between one client and one server.
 *
 * <p>The client sends to {@link #address()}; the relay forwards each datagram to the server from
 * its own socket and forwards the server's datagrams back to the last client address it saw. Per
 * direction it drops a datagram with probability {@code drop}, sends it twice with probability
 * {@code duplicate}, and holds each copy for a random 0..{@code maxDelayMillis} ms (which reorders
 * datagrams). Every decision comes from a per-direction {@link Random} with a fixed seed, drawn on
 * that direction's receive thread in arrival order, so the decisions depend only on the order of
 * the datagrams. The relay owns two receive threads and one scheduler thread; {@link #close()}
 * stops all three. {@link LossyRelayMain} runs the same relay as a separate OS process.
 */
public final class LossyRelay implements LossyPath {
    /**
     * What happens to datagrams in one direction.
     *
     * @param drop probability of discarding a datagram
     * @param duplicate probability of sending a datagram twice
     * @param maxDelayMillis each copy is held a uniformly random 0..maxDelayMillis ms
     * @param maxDropsInARow the relay delivers a datagram whose identical bytes it already dropped this many
     *        times in a row (a retransmission, or the same cached ACK sent again); this bounds the loss tail
     *        so a test finishes within its timers, at a negligible cost to the loss rate (drop^(n+1)).
     *        0 means no bound
     */
    public record Impairment(double drop, double duplicate, int maxDelayMillis, int maxDropsInARow) {
        /** Validates the probabilities and the delay. */
        public Impairment {
            if (drop < 0 || drop >= 1 || duplicate < 0 || duplicate > 1 || maxDelayMillis < 0 || maxDropsInARow < 0) {
                throw new IllegalArgumentException("bad impairment " + drop + "/" + duplicate + "/" + maxDelayMillis
                        + "/" + maxDropsInARow);
            }
        }

        /** A perfect path. */
        public static Impairment none() {
            return new Impairment(0, 0, 0, 0);
        }
    }

    /** Counters for one direction. */
    public static final class Stats {
        private final AtomicLong received = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private final AtomicLong duplicated = new AtomicLong();
        private final AtomicLong delayed = new AtomicLong();
        private final AtomicLong forwarded = new AtomicLong();
        private final AtomicLong rescued = new AtomicLong();

        Stats() {
        }

        /** Datagrams that reached the relay. */
        public long received() {
            return received.get();
        }

        /** Datagrams the relay discarded. */
        public long dropped() {
            return dropped.get();
        }

        /** Datagrams the relay sent twice. */
        public long duplicated() {
            return duplicated.get();
        }

        /** Copies the relay held back for at least 1 ms. */
        public long delayed() {
            return delayed.get();
        }

        /** Datagrams the dice said to drop but that were delivered because of {@code maxDropsInARow}. */
        public long rescued() {
            return rescued.get();
        }

        /** Copies the relay sent on. */
        public long forwarded() {
            return forwarded.get();
        }

        /** The counters as they are now. */
        public Counts snapshot() {
            return new Counts(received(), dropped(), duplicated(), delayed(), forwarded(), rescued());
        }

        @Override
        public String toString() {
            return snapshot().toString();
        }
    }

    /** A snapshot of one direction's counters; see {@link Stats} for what each counts. */
    public record Counts(long received, long dropped, long duplicated, long delayed, long forwarded, long rescued) {
        private static final Pattern FORMAT = Pattern.compile("received (\\d+), dropped (\\d+), duplicated (\\d+), "
                + "delayed (\\d+), forwarded (\\d+), rescued (\\d+)");

        /** Reads the form {@link #toString()} writes. */
        public static Counts parse(String text) {
            Matcher m = FORMAT.matcher(text.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("not relay counts: " + text);
            }
            return new Counts(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6)));
        }

        @Override
        public String toString() {
            return "received " + received + ", dropped " + dropped + ", duplicated " + duplicated
                    + ", delayed " + delayed + ", forwarded " + forwarded + ", rescued " + rescued;
        }
    }

    /** A snapshot of both directions. */
    public record Counters(Counts toServer, Counts toClient) {
        private static final String TO_SERVER = "to server: ";
        private static final String TO_CLIENT = "; to client: ";

        /** Reads the form {@link #toString()} writes. */
        public static Counters parse(String text) {
            String t = text.strip();
            int split = t.indexOf(TO_CLIENT);
            if (!t.startsWith(TO_SERVER) || split < 0) {
                throw new IllegalArgumentException("not relay counters: " + text);
            }
            return new Counters(Counts.parse(t.substring(TO_SERVER.length(), split)),
                    Counts.parse(t.substring(split + TO_CLIENT.length())));
        }

        @Override
        public String toString() {
            return TO_SERVER + toServer + TO_CLIENT + toClient;
        }
    }

    private final DatagramSocket clientSide;
    private final DatagramSocket serverSide;
    private final InetSocketAddress server;
    private final ScheduledExecutorService delays;
    private final Thread upstream;
    private final Thread downstream;
    private final Stats toServer = new Stats();
    private final Stats toClient = new Stats();
    private volatile SocketAddress client;
    private volatile boolean closed;

    private LossyRelay(int listenPort, InetSocketAddress server, Impairment up, Impairment down, long upSeed,
                       long downSeed) throws IOException {
        this.server = server;
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        clientSide = new DatagramSocket(new InetSocketAddress(loopback, listenPort));
        serverSide = new DatagramSocket(new InetSocketAddress(loopback, 0));
        delays = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lossy-relay-delay");
            t.setDaemon(true);
            return t;
        });
        upstream = new Thread(() -> pump(clientSide, serverSide, up, new Random(upSeed), toServer, true),
                "lossy-relay-to-server");
        downstream = new Thread(() -> pump(serverSide, clientSide, down, new Random(downSeed), toClient, false),
                "lossy-relay-to-client");
        upstream.setDaemon(true);
        downstream.setDaemon(true);
        upstream.start();
        downstream.start();
    }

    /**
     * A relay listening on 127.0.0.1:{@code listenPort} (0: any free port) to {@code server}, impairing each
     * direction as given, each direction's decisions seeded by its own seed.
     */
    public static LossyRelay start(int listenPort, InetSocketAddress server, Impairment toServer, Impairment toClient,
                                   long toServerSeed, long toClientSeed) throws IOException {
        return new LossyRelay(listenPort, server, toServer, toClient, toServerSeed, toClientSeed);
    }

    /**
     * A relay to {@code server} impairing each direction as given, its decisions seeded by {@code seed}
     * (client to server) and {@link #toClientSeed(long) toClientSeed(seed)} (server to client).
     */
    public static LossyRelay start(InetSocketAddress server, Impairment toServer, Impairment toClient, long seed)
            throws IOException {
        return new LossyRelay(0, server, toServer, toClient, seed, toClientSeed(seed));
    }

    /** The same impairment both ways. */
    public static LossyRelay start(InetSocketAddress server, Impairment both, long seed) throws IOException {
        return start(server, both, both, seed);
    }

    /** The server-to-client seed derived from a relay's single seed. */
    public static long toClientSeed(long seed) {
        return seed * 31 + 17;
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) clientSide.getLocalSocketAddress();
    }

    @Override
    public Counters counters() {
        return new Counters(toServer.snapshot(), toClient.snapshot());
    }

    /** Client-to-server counters. */
    public Stats toServer() {
        return toServer;
    }

    /** Server-to-client counters. */
    public Stats toClient() {
        return toClient;
    }

    private void pump(DatagramSocket in, DatagramSocket out, Impairment imp, Random random, Stats stats,
                      boolean fromClient) {
        Map<ByteBuffer, Integer> dropsInARow = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Integer> eldest) {
                return size() > 4096;
            }
        };
        byte[] buf = new byte[65_535];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                p.setLength(buf.length);
                in.receive(p);
            } catch (IOException e) {
                return; // socket closed
            }
            SocketAddress to;
            if (fromClient) {
                client = p.getSocketAddress();
                to = server;
            } else {
                to = client;
                if (to == null) {
                    continue; // nobody to answer yet
                }
            }
            stats.received.incrementAndGet();
            // Always draw the same three numbers per datagram so the decisions depend only on the order.
            boolean drop = random.nextDouble() < imp.drop();
            boolean twice = random.nextDouble() < imp.duplicate();
            int delay1 = imp.maxDelayMillis() == 0 ? 0 : random.nextInt(imp.maxDelayMillis() + 1);
            int delay2 = imp.maxDelayMillis() == 0 ? 0 : random.nextInt(imp.maxDelayMillis() + 1);
            byte[] data = Arrays.copyOf(p.getData(), p.getLength());
            ByteBuffer key = ByteBuffer.wrap(data);
            if (drop) {
                int before = dropsInARow.getOrDefault(key, 0);
                if (imp.maxDropsInARow() == 0 || before < imp.maxDropsInARow()) {
                    dropsInARow.put(key, before + 1);
                    stats.dropped.incrementAndGet();
                    continue;
                }
                stats.rescued.incrementAndGet();
            }
            dropsInARow.remove(key);
            forward(out, data, to, delay1, stats);
            if (twice) {
                stats.duplicated.incrementAndGet();
                forward(out, data, to, delay2, stats);
            }
        }
    }

    private void forward(DatagramSocket out, byte[] data, SocketAddress to, int delayMillis, Stats stats) {
        if (delayMillis == 0) {
            send(out, data, to, stats);
            return;
        }
        stats.delayed.incrementAndGet();
        try {
            delays.schedule(() -> send(out, data, to, stats), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void send(DatagramSocket out, byte[] data, SocketAddress to, Stats stats) {
        if (closed) {
            return;
        }
        try {
            out.send(new DatagramPacket(data, data.length, to));
            stats.forwarded.incrementAndGet();
        } catch (IOException e) {
            // closed or unreachable: the datagram is lost, as on a real network
        }
    }

    @Override
    public void close() {
        closed = true;
        clientSide.close();
        serverSide.close();
        delays.shutdownNow();
        try {
            upstream.join(2000);
            downstream.join(2000);
            delays.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return counters().toString();
    }
}
