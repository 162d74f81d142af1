package dev.tern.coap.bench.dtls;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The DTLS load generator: one thread, one selector, {@link LeanConnection}s on connected UDP
 * channels (one local port each). Two modes:
 * <ul>
 * <li>{@code rps}: {@code sessions} connections handshake once, then each keeps {@code window}
 * CON GETs outstanding (every response sends the next request at once); a request without a
 * response after {@code timeout} counts as a timeout and is replaced by a new one (no
 * retransmission). Reports requests/s and the latency of each request.
 * <li>{@code hs}: {@code concurrency} fresh clients at a time, each on a new port: a full handshake
 * with the cookie exchange, one GET, then the socket is closed without close_notify (the server
 * keeps the session, as it would for a device that went to sleep) and a new client starts.
 * Reports completed handshakes/s (handshake plus the answered GET) and their duration.
 * <li>{@code abbr}: as {@code hs}, but each of the {@code concurrency} slots makes one full
 * handshake (during the warm-up) and then, each time on a new port, resumes that session by its
 * session ID (an abbreviated handshake, RFC 5246 §7.3) and sends one GET. Counts only resumed
 * handshakes; a client the server did not resume (a full handshake) is counted in {@code
 * not_resumed} and its new session is the one offered next.
 * </ul>
 * With {@code sourceHosts} above 1 the clients bind to that many loopback addresses (127.0.1.1,
 * 127.0.1.2, ..., client slot {@code i} on the {@code i % sourceHosts}-th), so that a server's
 * per-host handshake cap sees as many hosts, as it would with devices; 1 binds every client to the
 * server's own address.
 *
 * <p>With {@code spin} the thread polls the selector without blocking (for a load pinned to a core of
 * its own: no wake-up latency, and a background process on that core hardly runs); {@code busy_pct}
 * in the result is the share of the measured time spent handling datagrams rather than polling or
 * waiting, i.e. how close the generator is to its own limit.
 *
 * <p>After the warm-up it prints {@code phase measure} on stdout, after the measured time {@code phase
 * end}, then one line {@code result {json}}; the caller times CPU use between the two phases.
 */
public final class DtlsLoad implements LeanConnection.Events {
    static final byte[] HELLO = "Hello World!".getBytes(StandardCharsets.US_ASCII);
    /** CON GET, token length 4, then Message ID and token patched per request, Uri-Path "hello". */
    private static final byte[] GET = {0x44, 0x01, 0, 0, 0, 0, 0, 0, (byte) 0xB5, 'h', 'e', 'l', 'l', 'o'};

    private final InetSocketAddress server;
    private final String mode;
    private final int sessions;
    private final int window;
    private final int concurrency;
    private final long warmupNanos;
    private final long durationNanos;
    private final long timeoutNanos;
    private final byte[] identity;
    private final byte[] psk;
    private final boolean closeNotify;
    private final boolean spin;
    private final int sourceHosts;
    private final PrintStream out;

    private final LeanConnection.Io io = new LeanConnection.Io();
    private final SplittableRandom random = new SplittableRandom();
    private final byte[] request = GET.clone();
    private final ByteBuffer rxBuffer = ByteBuffer.allocate(65536);
    private Selector selector;

    // rps: per session and window slot
    private LeanConnection[] conns;
    private int[] nextMid;
    private int[][] slotMid;
    private long[][] slotSent;
    private int established;
    private int setupFailures;

    // hs and abbr: per concurrency slot
    private LeanConnection[] clients;
    /** abbr: the session each slot resumes (null until its first full handshake). */
    private LeanConnection.Resumable[] kept;
    private long notResumed;

    private boolean measuring;
    private final Histogram latency = new Histogram();
    private long ok;
    private long errors;
    private long timeouts;
    private long failures;
    private final Map<String, Integer> failureReasons = new LinkedHashMap<>();
    private long started;
    /** Time spent handling datagrams and timers while measuring (not waiting in or spinning on select). */
    private long busyNanos;

    /** A load against {@code server}; see the class comment for the parameters. */
    public DtlsLoad(InetSocketAddress server, String mode, int sessions, int window, int concurrency,
                    double warmupSeconds, double durationSeconds, double timeoutSeconds, String identity,
                    String psk, boolean closeNotify, boolean spin, int sourceHosts, PrintStream out) {
        if (!mode.equals("rps") && !mode.equals("hs") && !mode.equals("abbr")) {
            throw new IllegalArgumentException("mode must be rps, hs or abbr: " + mode);
        }
        if (window < 1 || window > 65535 || sessions < 1 || concurrency < 1) {
            throw new IllegalArgumentException("sessions, window and concurrency must be positive (window < 65536)");
        }
        if (sourceHosts < 1 || sourceHosts > 254 || sourceHosts > 1 && !(server.getAddress().isLoopbackAddress()
                && server.getAddress().getAddress().length == 4)) {
            throw new IllegalArgumentException("source hosts must be 1, or 2 to 254 with an IPv4 loopback server");
        }
        this.server = server;
        this.mode = mode;
        this.sessions = sessions;
        this.window = window;
        this.concurrency = concurrency;
        this.warmupNanos = (long) (warmupSeconds * 1e9);
        this.durationNanos = (long) (durationSeconds * 1e9);
        this.timeoutNanos = (long) (timeoutSeconds * 1e9);
        this.identity = identity.getBytes(StandardCharsets.UTF_8);
        this.psk = psk.getBytes(StandardCharsets.UTF_8);
        this.closeNotify = closeNotify;
        this.spin = spin;
        this.sourceHosts = sourceHosts;
        this.out = out;
    }

    /** Runs the load and prints the phases and the result. */
    public void run() throws IOException {
        selector = Selector.open();
        if (mode.equals("rps")) {
            setUpSessions();
            for (int s = 0; s < sessions; s++) {
                for (int w = 0; w < window; w++) {
                    sendRequest(s, w, System.nanoTime());
                }
            }
        } else {
            clients = new LeanConnection[concurrency];
            if (mode.equals("abbr")) {
                kept = new LeanConnection.Resumable[concurrency];
            }
            for (int i = 0; i < concurrency; i++) {
                startClient(i);
            }
        }
        started = System.nanoTime();
        long measureAt = started + warmupNanos;
        long endAt = measureAt + durationNanos;
        long measureStart = 0;
        long nextTick = started;
        while (true) {
            long now = System.nanoTime();
            if (now >= nextTick) {
                tick(now);
                nextTick = now + TimeUnit.MILLISECONDS.toNanos(10);
                if (!measuring && now >= measureAt) {
                    measuring = true;
                    measureStart = now;
                    out.println("phase measure");
                    out.flush();
                } else if (measuring && now >= endAt) {
                    break;
                }
            }
            int ready = spin ? selector.selectNow()
                    : selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextTick - now)));
            if (ready == 0) {
                continue;
            }
            long t0 = System.nanoTime();
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey k = it.next();
                it.remove();
                if (k.isValid()) {
                    drain((LeanConnection) k.attachment());
                }
            }
            if (measuring) {
                busyNanos += System.nanoTime() - t0;
            }
        }
        long measured = System.nanoTime() - measureStart;
        measuring = false;
        out.println("phase end");
        out.flush();
        out.println("result " + json(measured));
        out.flush();
        if (conns != null && closeNotify) {
            for (LeanConnection c : conns) {
                c.closeNotify();
            }
        }
    }

    private void drain(LeanConnection c) {
        byte[] rx = rxBuffer.array();
        while (!c.failed() && c.channel.isOpen()) {
            rxBuffer.clear();
            int n;
            try {
                n = c.channel.read(rxBuffer);
            } catch (IOException e) {
                c.fail("receive: " + e);
                return;
            }
            if (n <= 0) {
                return;
            }
            c.onDatagram(rx, n);
        }
    }

    // ---------------------------------------------------------------- rps

    private void setUpSessions() throws IOException {
        conns = new LeanConnection[sessions];
        nextMid = new int[sessions];
        slotMid = new int[sessions][window];
        slotSent = new long[sessions][window];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // at most 32 handshakes at a time, below every server's handshake cap
        int next = 0;
        while (established < sessions) {
            int inFlight = 0;
            for (int i = 0; i < next; i++) {
                if (conns[i] != null && !conns[i].established()) {
                    inFlight++;
                }
            }
            while (next < sessions && inFlight < 32) {
                conns[next] = open(next, null);
                conns[next].startedNanos = System.nanoTime();
                conns[next].start();
                next++;
                inFlight++;
            }
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IOException("only " + established + " of " + sessions + " sessions after 60 s (failures: "
                        + failureReasons + ")");
            }
            for (int i = 0; i < next; i++) {
                LeanConnection c = conns[i];
                if (c.failed() || (!c.established() && now - c.startedNanos > timeoutNanos)) {
                    if (++setupFailures > 10 * sessions) {
                        throw new IOException("session setup keeps failing: " + failureReasons);
                    }
                    close(c);
                    conns[i] = open(i, null);
                    conns[i].startedNanos = now;
                    conns[i].start();
                }
            }
            selector.select(10);
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey k = it.next();
                it.remove();
                if (k.isValid()) {
                    drain((LeanConnection) k.attachment());
                }
            }
        }
    }

    private void sendRequest(int s, int slot, long now) {
        int mid = nextMid[s]++ & 0xFFFF;
        slotMid[s][slot] = mid;
        slotSent[s][slot] = now;
        byte[] r = request;
        r[2] = (byte) (mid >> 8);
        r[3] = (byte) mid;
        r[4] = (byte) (slot >> 8);
        r[5] = (byte) slot;
        r[6] = (byte) (mid >> 8);
        r[7] = (byte) mid;
        conns[s].send(r, 0, r.length);
    }

    private void rpsResponse(LeanConnection c, byte[] d, int off, int len) {
        long now = System.nanoTime();
        if (len < 8 || (d[off] & 0xFF) != 0x64) {
            return; // not a piggybacked ACK with our 4-byte token
        }
        int s = c.slot;
        int slot = (d[off + 4] & 0xFF) << 8 | (d[off + 5] & 0xFF);
        int mid = (d[off + 2] & 0xFF) << 8 | (d[off + 3] & 0xFF);
        if (slot >= window || slotMid[s][slot] != mid || slotSent[s][slot] == 0) {
            return; // late (already timed out) or duplicate
        }
        boolean good = (d[off + 1] & 0xFF) == 0x45 && isHello(d, off, len);
        if (measuring) {
            if (good) {
                ok++;
                latency.record(now - slotSent[s][slot]);
            } else {
                errors++;
            }
        }
        sendRequest(s, slot, now);
    }

    private static boolean isHello(byte[] d, int off, int len) {
        int p = off + len - HELLO.length;
        if (p < off + 5 || (d[p - 1] & 0xFF) != 0xFF) {
            return false;
        }
        for (int i = 0; i < HELLO.length; i++) {
            if (d[p + i] != HELLO[i]) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- hs

    private void startClient(int i) {
        try {
            LeanConnection c = open(i, kept == null ? null : kept[i]);
            clients[i] = c;
            c.startedNanos = System.nanoTime();
            c.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a client socket", e);
        }
    }

    private void finishClient(LeanConnection c) {
        if (closeNotify) {
            c.closeNotify();
        }
        close(c);
        startClient(c.slot);
    }

    // ---------------------------------------------------------------- common

    private LeanConnection open(int slot, LeanConnection.Resumable resume) throws IOException {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
        InetAddress local = server.getAddress();
        if (sourceHosts > 1) {
            local = InetAddress.getByAddress(new byte[] {127, 0, 1, (byte) (1 + slot % sourceHosts)});
        }
        ch.bind(new InetSocketAddress(local, 0));
        ch.connect(server);
        ch.configureBlocking(false);
        LeanConnection c = new LeanConnection(ch, io, identity, psk, random, this, resume);
        c.slot = slot;
        c.key = ch.register(selector, SelectionKey.OP_READ, c);
        return c;
    }

    private static void close(LeanConnection c) {
        c.key.cancel();
        try {
            c.channel.close();
        } catch (IOException e) {
            // closing
        }
    }

    private void tick(long now) {
        if (conns != null) {
            for (int s = 0; s < sessions; s++) {
                for (int w = 0; w < window; w++) {
                    if (now - slotSent[s][w] > timeoutNanos) {
                        if (measuring) {
                            timeouts++;
                        }
                        sendRequest(s, w, now);
                    }
                }
            }
        } else {
            for (LeanConnection c : clients) {
                if (now - c.startedNanos > timeoutNanos) {
                    if (measuring) {
                        timeouts++;
                    }
                    close(c);
                    startClient(c.slot);
                }
            }
        }
    }

    @Override
    public void established(LeanConnection c) {
        if (conns != null && established < sessions && conns[c.slot] == c) {
            established++;
            return;
        }
        if (clients != null) {
            if (kept != null && !c.resumed() && clients[c.slot] == c) {
                kept[c.slot] = c.resumable();
            }
            int mid = 1;
            byte[] r = request;
            r[2] = 0;
            r[3] = (byte) mid;
            r[4] = 0;
            r[5] = 0;
            r[6] = 0;
            r[7] = (byte) mid;
            c.send(r, 0, r.length);
        }
    }

    @Override
    public void application(LeanConnection c, byte[] data, int off, int len) {
        if (clients != null) {
            long now = System.nanoTime();
            if (clients[c.slot] != c) {
                return;
            }
            boolean good = len >= 8 && (data[off] & 0xFF) == 0x64 && (data[off + 1] & 0xFF) == 0x45
                    && isHello(data, off, len);
            if (kept != null && !c.resumed()) {
                if (measuring) {
                    notResumed++;
                }
            } else if (measuring) {
                if (good) {
                    ok++;
                    latency.record(now - c.startedNanos);
                } else {
                    errors++;
                }
            }
            finishClient(c);
        } else {
            rpsResponse(c, data, off, len);
        }
    }

    @Override
    public void failed(LeanConnection c, String why) {
        failureReasons.merge(why, 1, Integer::sum);
        if (clients != null && clients[c.slot] == c) {
            if (measuring) {
                failures++;
            }
            close(c);
            startClient(c.slot);
        } else if (conns != null && established >= sessions) {
            failures++;
            throw new IllegalStateException("session " + c.slot + " failed during the run: " + why);
        }
    }

    private String json(long measuredNanos) {
        double seconds = measuredNanos / 1e9;
        List<String> f = new ArrayList<>();
        f.add(q("mode") + ":" + q(mode));
        f.add(q("seconds") + ":" + fmt(seconds));
        f.add(q("ok") + ":" + ok);
        f.add(q("per_s") + ":" + fmt(ok / seconds));
        f.add(q("errors") + ":" + errors);
        f.add(q("timeouts") + ":" + timeouts);
        f.add(q("failures") + ":" + failures);
        f.add(q("not_resumed") + ":" + notResumed);
        f.add(q("p50_us") + ":" + fmt(latency.percentile(50) / 1e3));
        f.add(q("p99_us") + ":" + fmt(latency.percentile(99) / 1e3));
        f.add(q("p999_us") + ":" + fmt(latency.percentile(99.9) / 1e3));
        f.add(q("max_us") + ":" + fmt(latency.max() / 1e3));
        f.add(q("busy_pct") + ":" + fmt(100.0 * busyNanos / measuredNanos));
        f.add(q("spin") + ":" + spin);
        f.add(q("source_hosts") + ":" + sourceHosts);
        f.add(q("setup_failures") + ":" + setupFailures);
        StringBuilder reasons = new StringBuilder("{");
        failureReasons.forEach((k, v) ->
                reasons.append(reasons.length() > 1 ? "," : "").append(q(k)).append(':').append(v));
        f.add(q("failure_reasons") + ":" + reasons.append('}'));
        return "{" + String.join(",", f) + "}";
    }

    private static String q(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
