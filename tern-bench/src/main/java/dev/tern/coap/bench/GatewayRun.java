package dev.tern.coap.bench;

import dev.tern.coap.CoapServer;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * HTTP-to-CoAP gateways compared in separate processes ({@code HttpGatewayBench run}, run by
 * {@code bench/gateway.sh}): Tern's {@code HttpGateway} and Californium's proxy2 3.9.1
 * {@code ProxyHttpServer}, each alone in its own JVM ({@code HttpGatewayBench serve ...}) pinned to
 * CPU 1 with {@code taskset}; the load and the CoAP origin run on CPU 0: by default
 * {@code bench/coap-origin.c} with its own HTTP load, or beside {@code wrk} with {@code --load wrk}
 * ({@link GatewayNativeLoad}, {@code --origin-bin}); with {@code --load java} this
 * process (run it pinned to CPU 0) is the load generator and the CoAP origin (fresh ones per phase,
 * {@link GatewayLoad}), one selector thread over every connection ({@link GatewayNioLoad}), or a
 * blocking thread per connection with {@code --threads}. Warm-up phases, then rounds in
 * alternating order; per phase the req/s and the gateway process's CPU time per request (utime +
 * stime from {@code /proc/PID/stat}, every thread of that JVM, GC and JIT included). Prints a
 * Markdown table and the medians. {@code --tern-base-cp} also runs the Tern gateway of another build
 * (its {@code tern-bench.jar}) in every round, in rotating order, for a before/after in the same run.
 *
 * <pre>
 * HttpGatewayBench run [--rounds 5] [--seconds 5] [--warmup 5] [--connections 32]
 *     [--gateway-jvm "-Xms256m -Xmx256m"] [--tern-jvm ...] [--cf-jvm ...] [--no-pin] [--threads]
 *     [--tern-base-cp OTHER/tern-bench.jar] [--tern-base-jvm ...]
 *     [--load c|wrk --origin-bin tern-bench/target/coap-origin | --load java [--origins 1]]
 * </pre>
 */
final class GatewayRun {
    private static final double CLK_TCK = 100;
    /** The load: a blocking thread per connection ({@code --threads}) instead of one selector thread. */
    private static boolean threads;
    /**
     * CoAP origins per phase ({@code --origins}, default 1): each takes at most
     * {@link GatewayLoad#MAX_PER_PHASE} requests, so at 50 000 req/s one origin ends a phase after
     * about a second; more origins let it run its full length. The selector load only.
     */
    private static int origins = 1;
    /** The default load, the C origin with its own load or with {@code wrk}; null with {@code --load java}. */
    private static GatewayNativeLoad nativeLoad;

    private GatewayRun() {
    }

    /** One gateway process. */
    private record Gateway(String name, String prefix, Process process, int port) {
        long ticks() throws IOException {
            String stat = Files.readString(Paths.get("/proc/" + process.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }

        /**
         * Nanoseconds the process's threads spent runnable but waiting for a CPU
         * ({@code /proc/PID/task/TID/schedstat}, second field): how much other work on its CPU held it back.
         */
        long runQueueWait() {
            long sum = 0;
            try (var tasks = Files.list(Paths.get("/proc/" + process.pid() + "/task"))) {
                for (var task : (Iterable<java.nio.file.Path>) tasks::iterator) {
                    try {
                        sum += Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split(" ")[1]);
                    } catch (IOException | RuntimeException e) {
                        // a thread that ended meanwhile
                    }
                }
            } catch (IOException e) {
                return 0;
            }
            return sum;
        }
    }

    /**
     * One phase: req/s, gateway CPU µs per request, gateway CPU % of one core, its run-queue wait %,
     * and how busy CPU 0 (the load's, when pinned) was: near 100 % the load, not the gateway, sets the pace.
     */
    private record Phase(double rps, double cpuMicros, double cpuPct, double waitPct, double loadCpuPct) {
    }

    /** CPU 0's busy and total ticks so far ({@code /proc/stat}; busy: all but idle and iowait). */
    static long[] cpu0Ticks() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/stat"))) {
            if (line.startsWith("cpu0 ")) {
                String[] f = line.trim().split("\\s+");
                long total = 0;
                for (int i = 1; i <= 8 && i < f.length; i++) {
                    total += Long.parseLong(f[i]);
                }
                return new long[] {total - Long.parseLong(f[4]) - Long.parseLong(f[5]), total};
            }
        }
        return new long[] {0, 0};
    }

    static void main(String[] args) throws Exception {
        int rounds = GatewayLoad.intArg(args, "--rounds", 5);
        int seconds = GatewayLoad.intArg(args, "--seconds", 5);
        int warmup = GatewayLoad.intArg(args, "--warmup", 5);
        int connections = GatewayLoad.intArg(args, "--connections", 32);
        String jvm = GatewayLoad.arg(args, "--gateway-jvm", "-Xms256m -Xmx256m");
        boolean pin = !Arrays.asList(args).contains("--no-pin");
        threads = Arrays.asList(args).contains("--threads");
        origins = GatewayLoad.intArg(args, "--origins", 1);
        if (origins < 1 || origins > 1 && threads) {
            throw new IllegalArgumentException("--origins must be at least 1, and 1 with --threads: " + origins);
        }
        String load = GatewayLoad.arg(args, "--load", "c");
        if (load.equals("c") || load.equals("wrk")) {
            nativeLoad = new GatewayNativeLoad(GatewayLoad.arg(args, "--origin-bin", "coap-origin"), pin, load.equals("c"));
        } else if (!load.equals("java")) {
            throw new IllegalArgumentException("--load c|wrk|java, not " + load);
        }
        String ternJvm = GatewayLoad.arg(args, "--tern-jvm", jvm);
        String baseCp = GatewayLoad.arg(args, "--tern-base-cp", null);
        Gateway tern = start("tern", "/hc/", ternJvm, pin, System.getProperty("java.class.path"));
        Gateway cf = start("californium", "/proxy/", GatewayLoad.arg(args, "--cf-jvm", jvm), pin,
                System.getProperty("java.class.path"));
        Gateway base = baseCp == null ? null
                : start("tern", "/hc/", GatewayLoad.arg(args, "--tern-base-jvm", ternJvm), pin, baseCp);
        if (base != null) {
            base = new Gateway("tern (base build)", base.prefix(), base.process(), base.port()); // named in errors
            ALL.add(base);
        }
        ALL.add(tern);
        ALL.add(cf);
        List<double[]> baseRows = new ArrayList<>();
        try {
            System.out.printf(Locale.ROOT, "%d connections (%s), keep-alive, no pipelining; gateways %s; %d s warm-up"
                    + " x2 each, %d rounds of %d s; load average %s%n", connections,
                    load.equals("c") ? "coap-origin's own load, one thread with the origin"
                            : load.equals("wrk") ? "wrk, one thread" : threads ? "a thread each" : "one selector thread",
                    pin ? "pinned to CPU 1 (taskset -c 1), one JVM each" : "not pinned", warmup, rounds, seconds,
                    loadAverage());
            if (nativeLoad != null) {
                System.out.println("CoAP origin: bench/coap-origin.c, one thread, fresh UDP ports per phase (3 per second)");
            } else {
                System.out.printf(Locale.ROOT, "%d CoAP origin(s) per phase, at most %d requests per phase%n", origins,
                        GatewayLoad.MAX_PER_PHASE * origins);
            }
            for (int i = 0; i < 2; i++) {
                phase(tern, connections, warmup);
                phase(cf, connections, warmup);
                if (base != null) {
                    phase(base, connections, warmup);
                }
            }
            System.out.println("| Round | Tern req/s | Tern µs CPU/req | Tern CPU % | proxy2 req/s | proxy2 µs CPU/req"
                    + " | proxy2 CPU % | req/s ratio | CPU/req ratio (Cf/Tern) | run-queue wait % Tern / proxy2"
                    + " | CPU 0 (load) busy % Tern / proxy2 | load avg |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            List<double[]> rows = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                // alternating order (with a base build: rotating), so no gateway always comes first
                List<Gateway> order = new ArrayList<>(base == null ? List.of(tern, cf) : List.of(tern, cf, base));
                java.util.Collections.rotate(order, -((round - 1) % order.size()));
                java.util.Map<Gateway, Phase> got = new java.util.IdentityHashMap<>();
                for (Gateway g : order) {
                    got.put(g, phase(g, connections, seconds));
                }
                Phase t = got.get(tern);
                Phase c = got.get(cf);
                if (base != null) {
                    Phase b = got.get(base);
                    baseRows.add(new double[] {b.rps(), b.cpuMicros(), b.cpuPct(), b.rps() / c.rps(),
                        c.cpuMicros() / b.cpuMicros(), b.waitPct(), b.loadCpuPct()});
                }
                double[] row = {t.rps(), t.cpuMicros(), t.cpuPct(), c.rps(), c.cpuMicros(), c.cpuPct(),
                    t.rps() / c.rps(), c.cpuMicros() / t.cpuMicros()};
                rows.add(row);
                System.out.printf(Locale.ROOT, "| %d | %.0f | %.1f | %.0f | %.0f | %.1f | %.0f | %.2f | %.2f | %.0f / %.0f"
                        + " | %.0f / %.0f | %s |%n", round, row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7],
                        t.waitPct(), c.waitPct(), t.loadCpuPct(), c.loadCpuPct(), loadAverage());
            }
            System.out.printf(Locale.ROOT, "| median | %.0f | %.1f | %.0f | %.0f | %.1f | %.0f | **%.2f** | **%.2f** | | | |%n",
                    median(rows, 0), median(rows, 1), median(rows, 2), median(rows, 3), median(rows, 4),
                    median(rows, 5), median(rows, 6), median(rows, 7));
            if (base != null) {
                System.out.printf(Locale.ROOT, "%nTern of %s in the same rounds:%n", baseCp);
                System.out.println("| Round | req/s | µs CPU/req | CPU % | req/s ratio to proxy2 | CPU/req ratio (Cf/it)"
                        + " | run-queue wait % | CPU 0 (load) busy % |");
                System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
                for (int i = 0; i < baseRows.size(); i++) {
                    double[] b = baseRows.get(i);
                    System.out.printf(Locale.ROOT, "| %d | %.0f | %.1f | %.0f | %.2f | %.2f | %.0f | %.0f |%n", i + 1, b[0],
                            b[1], b[2], b[3], b[4], b[5], b[6]);
                }
                System.out.printf(Locale.ROOT, "| median | %.0f | %.1f | %.0f | **%.2f** | **%.2f** | | |%n",
                        median(baseRows, 0), median(baseRows, 1), median(baseRows, 2), median(baseRows, 3),
                        median(baseRows, 4));
            }
        } finally {
            stop(tern);
            stop(cf);
            if (base != null) {
                stop(base);
            }
        }
    }

    private static Gateway start(String name, String prefix, String jvm, boolean pin, String classPath)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        if (pin) {
            cmd.addAll(List.of("taskset", "-c", "1"));
        }
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        for (String o : jvm.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                cmd.add(o);
            }
        }
        cmd.addAll(List.of("-cp", classPath, HttpGatewayBench.class.getName(),
                "serve", name));
        File log = File.createTempFile("gateway-" + name + "-", ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        String line = out.readLine();
        while (line != null && !line.startsWith("port ")) {
            line = out.readLine(); // the JVM's own start-up lines (-XX:StartFlightRecording, ...)
        }
        if (line == null || !line.startsWith("port ")) {
            p.destroyForcibly();
            throw new IllegalStateException(name + " gateway did not start (see " + log + "): " + line);
        }
        return new Gateway(name, prefix, p, Integer.parseInt(line.substring(5).trim()));
    }

    private static void stop(Gateway g) throws InterruptedException {
        try {
            g.process().getOutputStream().close(); // its cue to stop
        } catch (IOException e) {
            g.process().destroy();
        }
        if (!g.process().waitFor(10, TimeUnit.SECONDS)) {
            g.process().destroyForcibly();
        }
    }

    /** Every gateway process, so that a phase starts only once the others are idle ({@link #settle}). */
    private static final List<Gateway> ALL = new ArrayList<>();

    private static Phase phase(Gateway g, int connections, int seconds) throws Exception {
        settle();
        if (nativeLoad != null) {
            long[] marks = new long[3]; // CPU ticks, run-queue wait, time: taken once the origin is up and checked
            long[][] cpu0 = new long[1][];
            GatewayLoad.Outcome o;
            try {
                o = nativeLoad.run(g.port(), g.prefix(), connections, seconds, () -> {
                    try {
                        marks[0] = g.ticks();
                        cpu0[0] = cpu0Ticks();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    marks[1] = g.runQueueWait();
                    marks[2] = System.nanoTime();
                });
            } catch (IOException e) {
                throw new IOException("the " + g.name() + " gateway's phase failed: " + e.getMessage(), e);
            }
            return measured(g, o, marks[0], marks[1], marks[2], cpu0[0]);
        }
        List<CoapServer> servers = new ArrayList<>();
        try {
            List<String> paths = new ArrayList<>();
            for (int i = 0; i < origins; i++) {
                CoapServer origin = GatewayLoad.origin();
                servers.add(origin);
                paths.add(g.prefix() + "coap://127.0.0.1:" + origin.port() + "/hello");
                GatewayLoad.check(g.port(), paths.get(i));
            }
            String path = paths.get(0);
            long before = g.ticks();
            long waitedBefore = g.runQueueWait();
            long[] cpu0 = cpu0Ticks();
            long start = System.nanoTime();
            GatewayLoad.Outcome o;
            try {
                o = threads ? GatewayLoad.run(g.port(), path, connections, seconds)
                        : GatewayNioLoad.run(g.port(), paths, connections, seconds);
            } catch (IOException e) {
                throw new IOException("the " + g.name() + " gateway's phase failed: " + e.getMessage(), e);
            }
            return measured(g, o, before, waitedBefore, start, cpu0);
        } finally {
            servers.forEach(CoapServer::close);
        }
    }

    /**
     * Waits (10 s at most) until no gateway process has used more than 2 % of a CPU for half a
     * second: a gateway keeps working for a while after its phase (expiring its exchanges, GC), and
     * on the shared CPU 1 that work would be taken from the next phase's gateway.
     */
    private static void settle() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            long before = 0;
            for (Gateway g : ALL) {
                before += g.ticks();
            }
            Thread.sleep(500);
            long after = 0;
            for (Gateway g : ALL) {
                after += g.ticks();
            }
            if (after - before <= 1) {
                return;
            }
        }
    }

    /** The phase's figures: the load's req/s, and the gateway's CPU and run-queue wait since the marks. */
    private static Phase measured(Gateway g, GatewayLoad.Outcome o, long ticksBefore, long waitedBefore, long start,
                                  long[] cpu0Before) throws IOException {
        double elapsed = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (g.ticks() - ticksBefore) / CLK_TCK;
        double waited = (g.runQueueWait() - waitedBefore) / 1e9;
        long[] cpu0 = cpu0Ticks();
        long total = cpu0[1] - cpu0Before[1];
        return new Phase(o.rps(), cpuSeconds * 1e6 / Math.max(1, o.ok()), 100 * cpuSeconds / elapsed,
                100 * waited / elapsed, total <= 0 ? Double.NaN : 100.0 * (cpu0[0] - cpu0Before[0]) / total);
    }

    private static double median(List<double[]> rows, int column) {
        return Medians.of(rows.stream().mapToDouble(r -> r[column]).toArray());
    }

    private static String loadAverage() throws IOException {
        String[] f = Files.readString(Paths.get("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }
}
