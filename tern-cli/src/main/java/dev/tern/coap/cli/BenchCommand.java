package dev.tern.coap.cli;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapTimeoutException;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tern bench URI}: a closed-loop load generator. Each of {@code clients} clients (one UDP
 * socket each) keeps its share of {@code window} GET requests outstanding, sending the next one
 * from the completion of the previous, for a warm-up and then a measured duration.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        description = "Load a server with GET requests (closed loop) and report requests/s and latency percentiles.",
        footer = {"", "Exit status: 0 when any request succeeded (2.xx) in the measured window,",
            "1 when responses came but none was 2.xx, 3 when nothing answered, 2 for usage errors."})
public final class BenchCommand implements Callable<Integer> {
    /** ACK_TIMEOUT of the load clients, as the C load generator uses; also the NON request timeout. */
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(1);

    private final Io io;

    @Parameters(index = "0", paramLabel = "URI", description = "coap://host[:port]/path to GET")
    String uri;

    @Option(names = {"-c", "--clients"}, paramLabel = "N", description = "clients, each with its own UDP port (default: 10)")
    int clients = 10;

    @Option(names = {"-w", "--window"}, paramLabel = "N",
            description = "requests outstanding in total, shared among the clients, at least 1 each (default: 64)")
    int window = 64;

    @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", converter = DurationConverter.class,
            description = "measured time, e.g. 10s, 2m, 500ms (default: 10s)")
    Duration duration = Duration.ofSeconds(10);

    @Option(names = "--warmup", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "unmeasured time before it (default: 2s)")
    Duration warmup = Duration.ofSeconds(2);

    @Option(names = "--non", description = "send Non-confirmable requests (default: Confirmable)")
    boolean non;

    @Option(names = "--format", paramLabel = "FORMAT", description = "text (an aligned table, default) or json (one object)")
    OutputFormat format = OutputFormat.text;

    /** A bench command talking to {@code io}. */
    public BenchCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (clients < 1 || clients > 1000) {
            throw new UsageException("--clients must be 1..1000: " + clients);
        }
        if (window < 1 || window > 1_000_000) {
            throw new UsageException("--window must be 1..1000000: " + window);
        }
        Target target = Target.parse(uri);
        if (target.secure()) {
            throw new UsageException("tern bench speaks coap:// only, not coaps://");
        }
        java.util.Optional<InetSocketAddress> resolved = target.resolveOrReport(io.err(), false);
        if (resolved.isEmpty()) {
            return ExitCodes.ERROR;
        }
        InetSocketAddress address = resolved.get();
        Request request = Request.get(target.uri()).peer(address).confirmable(!non).build();
        long start = System.nanoTime();
        Window measured = new Window(start + warmup.toNanos(), start + warmup.toNanos() + duration.toNanos());
        List<Load> loads = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                int share = Math.max(1, window / clients + (i < window % clients ? 1 : 0));
                // NSTART = the share, or the NSTART queue would serialise the client's requests;
                // a CON request left unset times out after MAX_TRANSMIT_WAIT for ACK_TIMEOUT 1 s.
                EndpointConfig.Builder config = EndpointConfig.builder().nstart(share).ackTimeout(ACK_TIMEOUT);
                if (non) {
                    config.requestTimeout(ACK_TIMEOUT);
                }
                EndpointConfig built = config.build();
                loads.add(new Load(() -> CoapClient.builder().config(built).build(), request, share, measured));
            }
            loads.forEach(Load::pump);
            sleepUntil(measured.end);
        } finally {
            measured.stopped = true;
            loads.forEach(Load::close);
        }
        Load total = new Load(() -> null, request, 0, measured);
        loads.forEach(total::add);
        if (format == OutputFormat.json) {
            printJson(io.out(), target.uri(), total);
        } else {
            printText(io.out(), target.uri(), total, loads.stream().mapToInt(l -> l.share).sum());
        }
        io.out().flush();
        if (total.ok.get() > 0) {
            return ExitCodes.OK;
        }
        if (total.errors.get() > 0) {
            io.err().println("tern: no 2.xx response from " + target.uri());
            return ExitCodes.ERROR;
        }
        io.err().println("tern: no response from " + target.uri());
        return ExitCodes.TIMEOUT;
    }

    private static void sleepUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
            try {
                Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private double seconds() {
        return duration.toNanos() / 1e9;
    }

    private void printText(PrintStream out, String target, Load t, int outstanding) {
        LatencyHistogram h = t.latency;
        String[][] rows = {
            {"target", target},
            {"load", clients + " clients, " + outstanding + " outstanding, " + (non ? "NON" : "CON")},
            {"duration", String.format(Locale.ROOT, "%.2f s after %.2f s warm-up", seconds(), warmup.toNanos() / 1e9)},
            {"requests/s", String.format(Locale.ROOT, "%.1f", t.ok.get() / seconds())},
            {"ok (2.xx)", Long.toString(t.ok.get())},
            {"errors", Long.toString(t.errors.get())},
            {"timeouts", Long.toString(t.timeouts.get())},
            {"failures", Long.toString(t.failures.get())},
            {"latency p50", millis(h.percentile(50))},
            {"latency p90", millis(h.percentile(90))},
            {"latency p99", millis(h.percentile(99))},
            {"latency p99.9", millis(h.percentile(99.9))},
            {"latency max", millis(h.max())},
        };
        int width = 0;
        for (String[] row : rows) {
            width = Math.max(width, row[0].length());
        }
        for (String[] row : rows) {
            out.println(String.format(Locale.ROOT, "%-" + width + "s  %s", row[0], row[1]));
        }
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%8.3f ms", nanos / 1e6);
    }

    private void printJson(PrintStream out, String target, Load t) {
        LatencyHistogram h = t.latency;
        out.println("{\"uri\":" + Json.string(target)
                + ",\"clients\":" + clients + ",\"window\":" + window + ",\"type\":\"" + (non ? "NON" : "CON") + "\""
                + String.format(Locale.ROOT, ",\"duration_s\":%.3f,\"warmup_s\":%.3f,\"requests_per_s\":%.1f",
                        seconds(), warmup.toNanos() / 1e9, t.ok.get() / seconds())
                + ",\"ok\":" + t.ok.get() + ",\"errors\":" + t.errors.get()
                + ",\"timeouts\":" + t.timeouts.get() + ",\"failures\":" + t.failures.get()
                + ",\"latency_us\":{\"p50\":" + micros(h.percentile(50)) + ",\"p90\":" + micros(h.percentile(90))
                + ",\"p99\":" + micros(h.percentile(99)) + ",\"p99_9\":" + micros(h.percentile(99.9))
                + ",\"max\":" + micros(h.max()) + ",\"mean\":" + micros(Math.round(h.mean())) + "}}");
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e3);
    }

    /** The measured window, in {@link System#nanoTime()}; completions outside it are not counted. */
    private static final class Window {
        final long begin;
        final long end;
        volatile boolean stopped;

        Window(long begin, long end) {
            this.begin = begin;
            this.end = end;
        }

        boolean counts(long now) {
            return now >= begin && now < end && !stopped;
        }
    }

    /**
     * One client and its outstanding requests. RFC 7252 §4.4 lets one client endpoint send at most
     * 65536 messages to a server per EXCHANGE_LIFETIME (247 s), fewer than a load test sends: after
     * {@link #REQUESTS_PER_CLIENT} requests the load moves on to a fresh client (a new UDP port, so a
     * new endpoint to the server), and the retired ones are closed at the end.
     */
    private static final class Load {
        static final int REQUESTS_PER_CLIENT = 60_000;
        final java.util.function.Supplier<CoapClient> clients;
        final List<CoapClient> retired = new ArrayList<>();
        CoapClient client;
        int sentOnClient;
        final Request request;
        final int share;
        final Window window;
        final AtomicInteger outstanding = new AtomicInteger();
        final AtomicInteger pumping = new AtomicInteger();
        final LatencyHistogram latency = new LatencyHistogram();
        final AtomicLong ok = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong timeouts = new AtomicLong();
        final AtomicLong failures = new AtomicLong();

        Load(java.util.function.Supplier<CoapClient> clients, Request request, int share, Window window) {
            this.clients = clients;
            this.client = clients.get();
            this.request = request;
            this.share = share;
            this.window = window;
        }

        /**
         * Tops the outstanding requests up to the share. Completions that run inline (a request
         * failing at once) only mark that more is to do, so the stack does not grow.
         */
        void pump() {
            if (pumping.getAndIncrement() != 0) {
                return;
            }
            do {
                while (!window.stopped && outstanding.get() < share) {
                    if (++sentOnClient > REQUESTS_PER_CLIENT) {
                        retired.add(client);
                        client = clients.get();
                        sentOnClient = 1;
                    }
                    outstanding.incrementAndGet();
                    long sent = System.nanoTime();
                    client.send(request).whenComplete((response, failure) -> done(sent, response, failure));
                }
            } while (pumping.decrementAndGet() != 0);
        }

        private void done(long sent, Response response, Throwable failure) {
            long now = System.nanoTime();
            outstanding.decrementAndGet();
            if (window.counts(now)) {
                if (failure != null) {
                    (unwrap(failure) instanceof CoapTimeoutException ? timeouts : failures).incrementAndGet();
                } else if (response.code().isSuccess()) {
                    ok.incrementAndGet();
                    latency.record(now - sent);
                } else {
                    errors.incrementAndGet();
                }
            }
            pump();
        }

        /** Closes the client and the retired ones (the pumping has stopped). */
        void close() {
            synchronized (this) {
                retired.forEach(CoapClient::close);
                client.close();
            }
        }

        void add(Load other) {
            latency.add(other.latency);
            ok.addAndGet(other.ok.get());
            errors.addAndGet(other.errors.get());
            timeouts.addAndGet(other.timeouts.get());
            failures.addAndGet(other.failures.get());
        }

        private static Throwable unwrap(Throwable t) {
            Throwable c = t;
            while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
                c = c.getCause();
            }
            return c;
        }
    }
}
