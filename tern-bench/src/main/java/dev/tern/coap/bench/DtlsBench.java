package dev.tern.coap.bench;

import dev.tern.coap.bench.dtls.DtlsLoad;
import dev.tern.coap.bench.dtls.DtlsServers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The coaps:// benchmark: Tern ({@code Dtls.server}) against Californium/Scandium 3.14, PSK with
 * TLS_PSK_WITH_AES_128_CCM_8, GET /hello, measured by the same load generator
 * ({@link DtlsLoad}) in separate JVM processes, interleaved. Three commands:
 *
 * <pre>
 * DtlsBench run    [--servers tern,scandium[,LABEL=tern@CLASSPATH]] [--modes rps,hs,abbr] [--rounds 3] [--duration 10]
 *                  [--warmup 5] [--sessions 50] [--window 8] [--concurrency 32] [--no-pin] [--out DIR] ...
 * DtlsBench server --impl tern|scandium --port P [--host 127.0.0.1]
 * DtlsBench load   --mode rps|hs|abbr --port P [--host 127.0.0.1] [--sessions 50] [--window 8] ...
 * </pre>
 *
 * {@code run} starts, for every round, mode and server (the server order alternates between
 * rounds), a fresh server process pinned to CPU 0 and a load process pinned to CPU 1
 * ({@code taskset}), times both processes' CPU use (from {@code /proc}) and the host's between the
 * load's "phase measure" and "phase end", and prints a table of medians and the Tern / Scandium
 * ratios of each round. See tern-bench/README.md.
 */
public final class DtlsBench {
    static final String IDENTITY = "bench";
    static final String KEY = "bench-secret-psk";
    private static final long CLK_TCK = 100;

    private DtlsBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.err.println("usage: DtlsBench run|server|load [--option value ...]  (see tern-bench/README.md)");
            System.exit(2);
        }
        Map<String, String> o = options(Arrays.copyOfRange(args, 1, args.length));
        switch (args[0]) {
            case "server" -> server(o);
            case "load" -> load(o);
            case "run" -> run(o);
            default -> {
                System.err.println("unknown command " + args[0]);
                System.exit(2);
            }
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option, got " + args[i]);
            }
            String k = args[i].substring(2);
            boolean takesOptions = k.endsWith("-args") || k.endsWith("-jvm"); // their value may start with --
            if (i + 1 < args.length && (takesOptions || !args[i + 1].startsWith("--"))) {
                o.put(k, args[++i]);
            } else {
                o.put(k, "true");
            }
        }
        return o;
    }

    // ---------------------------------------------------------------- server process

    private static void server(Map<String, String> o) throws Exception {
        String impl = o.getOrDefault("impl", "tern");
        String host = o.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(o.getOrDefault("port", "5684"));
        byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
        DtlsServers.Running s = switch (impl) {
            case "tern" -> DtlsServers.tern(host, port, IDENTITY, key,
                    Integer.parseInt(o.getOrDefault("max-sessions", "10000")));
            case "scandium" -> DtlsServers.scandium(host, port, IDENTITY, key,
                    Integer.parseInt(o.getOrDefault("cf-receiver-threads", "1")),
                    Integer.parseInt(o.getOrDefault("cf-connector-threads", "1")),
                    Integer.parseInt(o.getOrDefault("cf-protocol-threads", "1")),
                    Integer.parseInt(o.getOrDefault("cf-verify-on-resumption-pct", "-1")));
            default -> throw new IllegalArgumentException("--impl tern|scandium");
        };
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("statistics: " + s.statistics());
            s.close();
            stop.countDown();
        }, "dtls-bench-stop"));
        System.err.println(s.description() + "; " + Runtime.getRuntime().availableProcessors() + " CPUs visible");
        System.out.println("ready");
        System.out.flush();
        stop.await();
    }

    // ---------------------------------------------------------------- load process

    private static void load(Map<String, String> o) throws Exception {
        String host = o.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(o.getOrDefault("port", "5684"));
        String mode = o.getOrDefault("mode", "rps");
        new DtlsLoad(new InetSocketAddress(InetAddress.getByName(host), port), mode,
                Integer.parseInt(o.getOrDefault("sessions", "50")),
                Integer.parseInt(o.getOrDefault("window", "8")),
                Integer.parseInt(o.getOrDefault("concurrency", "32")),
                Double.parseDouble(o.getOrDefault("warmup", "5")),
                Double.parseDouble(o.getOrDefault("duration", "10")),
                Double.parseDouble(o.getOrDefault("timeout", mode.equals("rps") ? "2" : "5")),
                IDENTITY, KEY, o.containsKey("close-notify"), o.containsKey("spin"),
                Integer.parseInt(o.getOrDefault("source-hosts", "1")), System.out).run();
    }

    // ---------------------------------------------------------------- driver

    /** One measured run. */
    record Result(String server, String mode, int round, double perS, double p50, double p99, double p999,
                  long errors, long timeouts, long failures, double serverCpu, double loadCpu, double loadBusy,
                  double hostBusy,
                  double cpu0, double cpu1, double niced, String loadAvg, String json) {
        double foreign() {
            return Math.max(0, hostBusy - serverCpu - loadCpu);
        }

        /** Completions per second of server CPU time: the rate on a core of its own, if CPU-bound. */
        double perCpuSecond() {
            return serverCpu > 0 ? perS / (serverCpu / 100) : Double.NaN;
        }
    }

    private static void run(Map<String, String> o) throws Exception {
        List<String> servers = List.of(o.getOrDefault("servers", "tern,scandium").split(","));
        List<String> modes = List.of(o.getOrDefault("modes", "rps,hs").split(","));
        int rounds = Integer.parseInt(o.getOrDefault("rounds", "3"));
        String duration = o.getOrDefault("duration", "10");
        String warmup = o.getOrDefault("warmup", "5");
        boolean pin = !o.containsKey("no-pin");
        String host = o.getOrDefault("host", "127.0.0.1");
        Path out = Paths.get(o.getOrDefault("out", "/tmp/tern-dtls-bench-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
        Files.createDirectories(out);
        int quietPct = Integer.parseInt(o.getOrDefault("quiet-pct", "30"));
        int quietWait = Integer.parseInt(o.getOrDefault("quiet-wait", "20"));
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        String serverJvm = o.getOrDefault("server-jvm", "-Xms1g -Xmx1g");
        String loadJvm = o.getOrDefault("load-jvm", "-Xms512m -Xmx512m");
        if (pin && Runtime.getRuntime().availableProcessors() < 2) {
            throw new IllegalStateException("pinning needs 2 CPUs (use --no-pin)");
        }

        PrintStream log = new PrintStream(Files.newOutputStream(out.resolve("summary.txt")), true,
                StandardCharsets.UTF_8);
        Tee tee = new Tee(System.out, log);
        tee.println("# DTLS benchmark " + LocalDateTime.now().withNano(0));
        tee.println("host: " + sh("uname -srm") + "; " + Runtime.getRuntime().availableProcessors() + " CPUs; "
                + sh("awk -F: '/model name/{print $2; exit}' /proc/cpuinfo").trim());
        tee.println("java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        tee.println("uptime: " + sh("uptime").trim());
        tee.println("pinning: " + (pin ? "server taskset -c 0, load taskset -c 1" : "none"));
        tee.println("server JVM: " + serverJvm + (o.containsKey("tern-jvm") ? "; tern: " + o.get("tern-jvm") : "")
                + (o.containsKey("scandium-jvm") ? "; scandium: " + o.get("scandium-jvm") : ""));
        tee.println("load JVM: " + loadJvm);
        tee.println("rounds " + rounds + ", warm-up " + warmup + " s, measured " + duration + " s; rps: "
                + o.getOrDefault("sessions", "50") + " sessions x window " + o.getOrDefault("window", "8")
                + "; hs/abbr: " + o.getOrDefault("concurrency", "32") + " concurrent fresh clients");
        tee.println("results: " + out);
        tee.println("");

        List<Result> results = new ArrayList<>();
        int run = 0;
        for (int round = 1; round <= rounds; round++) {
            for (String mode : modes) {
                List<String> order = new ArrayList<>(servers);
                if (round % 2 == 0) {
                    Collections.reverse(order);
                }
                for (String server : order) {
                    run++;
                    double bg = waitQuiet(quietPct, quietWait);
                    int port = freePort(host);
                    List<String> serverCmd = new ArrayList<>();
                    if (pin) {
                        serverCmd.addAll(List.of("taskset", "-c", "0"));
                    }
                    serverCmd.add(java);
                    // a server is NAME, or LABEL=NAME@CLASSPATH to run another build of it in the same run
                    String impl = server.contains("=") ? server.substring(server.indexOf('=') + 1) : server;
                    String serverClasspath = classpath;
                    if (impl.contains("@")) {
                        serverClasspath = impl.substring(impl.indexOf('@') + 1);
                        impl = impl.substring(0, impl.indexOf('@'));
                    }
                    String label = label(server);
                    serverCmd.addAll(words(o.getOrDefault(label + "-jvm", o.getOrDefault(impl + "-jvm", serverJvm))));
                    serverCmd.addAll(List.of("-cp", serverClasspath, DtlsBench.class.getName(), "server", "--impl", impl,
                            "--host", host, "--port", Integer.toString(port)));
                            for (String k : List.of("cf-receiver-threads", "cf-connector-threads", "cf-protocol-threads",
                            "cf-verify-on-resumption-pct", "max-sessions")) {
                        if (o.containsKey(k)) {
                            serverCmd.addAll(List.of("--" + k, o.get(k)));
                        }
                    }
                    serverCmd.addAll(words(o.getOrDefault(label + "-args", ""))); // e.g. --cap-args "--max-sessions 150000"

                    List<String> loadCmd = new ArrayList<>();
                    if (pin) {
                        loadCmd.addAll(List.of("taskset", "-c", "1"));
                    }
                    loadCmd.add(java);
                    loadCmd.addAll(words(loadJvm));
                    loadCmd.addAll(List.of("-cp", classpath, DtlsBench.class.getName(), "load", "--mode", mode,
                            "--host", host, "--port", Integer.toString(port), "--warmup", warmup,
                            "--duration", duration));
                    for (String k : List.of("sessions", "window", "concurrency", "timeout", "source-hosts")) {
                        if (o.containsKey(k)) {
                            loadCmd.addAll(List.of("--" + k, o.get(k)));
                        }
                    }
                    if (o.containsKey("close-notify")) {
                        loadCmd.add("--close-notify");
                    }
                    if (pin && !o.containsKey("no-spin")) {
                        loadCmd.add("--spin");
                    }
                    String tag = String.format(Locale.ROOT, "%02d-%s-%s-r%d", run, mode, label, round);
                    if (round == 1 && mode.equals(modes.get(0))) {
                        tee.println("server command: " + String.join(" ", serverCmd));
                        tee.println("load command:   " + String.join(" ", loadCmd));
                    }
                    Result r = runOne(label, mode, round, serverCmd, loadCmd, out.resolve(tag));
                    results.add(r);
                    Files.writeString(out.resolve("runs.jsonl"), "{\"server\":\"" + label + "\",\"round\":" + round
                            + ",\"server_cpu\":" + f1(r.serverCpu()) + ",\"load_cpu\":" + f1(r.loadCpu())
                            + ",\"foreign_cpu\":" + f1(r.foreign()) + ",\"niced_cpu\":" + f1(r.niced())
                            + ",\"cpu0\":" + f1(r.cpu0()) + ",\"cpu1\":" + f1(r.cpu1()) + ",\"loadavg\":\""
                            + r.loadAvg() + "\",\"quiet_before\":" + f1(bg) + ",\"load\":" + r.json() + "}\n",
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    tee.println(line(r));
                }
            }
        }
        tee.println("");
        summary(tee, results, servers.stream().map(DtlsBench::label).toList(), modes, rounds);
        log.close();
    }

    private static Result runOne(String server, String mode, int round, List<String> serverCmd, List<String> loadCmd,
                                 Path prefix) throws Exception {
        Process srv = new ProcessBuilder(serverCmd).redirectError(Paths.get(prefix + ".server.log").toFile()).start();
        try {
            BufferedReader srvOut = new BufferedReader(new InputStreamReader(srv.getInputStream(),
                    StandardCharsets.UTF_8));
            CountDownLatch ready = new CountDownLatch(1);
            Thread reader = new Thread(() -> {
                try {
                    String line;
                    while ((line = srvOut.readLine()) != null) {
                        if (line.equals("ready")) {
                            ready.countDown();
                        }
                    }
                } catch (IOException e) {
                    // the server ended
                }
            }, "server-stdout");
            reader.setDaemon(true);
            reader.start();
            long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!ready.await(200, TimeUnit.MILLISECONDS) && srv.isAlive() && System.nanoTime() < readyBy) {
                // waiting for "ready"
            }
            if (ready.getCount() > 0) {
                throw new IllegalStateException("server " + server + " not ready (exited or 60 s); see " + prefix
                        + ".server.log");
            }
            Thread.sleep(500);
            Process load = new ProcessBuilder(loadCmd).redirectError(Paths.get(prefix + ".load.log").toFile()).start();
            long[] a = null;
            long[] b = null;
            long aNanos = 0;
            long bNanos = 0;
            String loadAvg = "";
            String json = null;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(load.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.equals("phase measure")) {
                        aNanos = System.nanoTime();
                        a = snapshot(srv.pid(), load.pid());
                        loadAvg = Files.readString(Paths.get("/proc/loadavg")).split(" ")[0];
                    } else if (line.equals("phase end")) {
                        bNanos = System.nanoTime();
                        b = snapshot(srv.pid(), load.pid());
                    } else if (line.startsWith("result ")) {
                        json = line.substring(7);
                    }
                }
            }
            if (!load.waitFor(60, TimeUnit.SECONDS)) {
                load.destroyForcibly();
            }
            if (json == null || a == null || b == null) {
                throw new IllegalStateException("load for " + server + "/" + mode + " gave no result; see " + prefix
                        + ".load.log");
            }
            double wall = (bNanos - aNanos) / 1e9;
            double serverCpu = 100.0 * (b[0] - a[0]) / CLK_TCK / wall;
            double loadCpu = 100.0 * (b[1] - a[1]) / CLK_TCK / wall;
            double hostBusy = 100.0 * (b[2] - a[2]) / CLK_TCK / wall;
            double cpu0 = 100.0 * (b[3] - a[3]) / CLK_TCK / wall;
            double cpu1 = 100.0 * (b[4] - a[4]) / CLK_TCK / wall;
            double niced = 100.0 * (b[5] - a[5]) / CLK_TCK / wall;
            return new Result(server, mode, round, num(json, "per_s"), num(json, "p50_us"), num(json, "p99_us"),
                    num(json, "p999_us"), (long) num(json, "errors"), (long) num(json, "timeouts"),
                    (long) num(json, "failures"), serverCpu, loadCpu, num(json, "busy_pct"), hostBusy, cpu0, cpu1,
                    niced,
                    loadAvg, json);
        } finally {
            srv.destroy();
            if (!srv.waitFor(10, TimeUnit.SECONDS)) {
                srv.destroyForcibly();
                srv.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * CPU ticks: the server process, the load process, all CPUs busy except niced processes, CPU 0
     * busy, CPU 1 busy (both including niced processes), niced processes on all CPUs.
     */
    private static long[] snapshot(long serverPid, long loadPid) throws IOException {
        long[] s = new long[6];
        s[0] = processTicks(serverPid);
        s[1] = processTicks(loadPid);
        for (String line : Files.readAllLines(Paths.get("/proc/stat"))) {
            String[] f = line.trim().split("\\s+");
            int i = switch (f[0]) {
                case "cpu" -> 2;
                case "cpu0" -> 3;
                case "cpu1" -> 4;
                default -> -1;
            };
            if (i >= 0) {
                // user nice system idle iowait irq softirq steal
                long nice = Long.parseLong(f[2]);
                long busy = Long.parseLong(f[1]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                        + Long.parseLong(f[7]) + Long.parseLong(f[8]);
                s[i] = i == 2 ? busy : busy + nice;
                if (i == 2) {
                    s[5] = nice;
                }
            }
        }
        return s;
    }

    /** utime + stime of a process (all its threads), in clock ticks. */
    private static long processTicks(long pid) throws IOException {
        String stat = Files.readString(Paths.get("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /**
     * Waits until the host is below {@code pct} % of one core busy (niced processes, such as a
     * background fuzzer at nice 19, not counted: they yield to the benchmark), at most
     * {@code maxSeconds}; returns the last value.
     */
    private static double waitQuiet(int pct, int maxSeconds) throws Exception {
        double busy = 0;
        for (int waited = 0; waited <= maxSeconds; waited++) {
            long[] a = snapshot(ProcessHandle.current().pid(), ProcessHandle.current().pid());
            Thread.sleep(1000);
            long[] b = snapshot(ProcessHandle.current().pid(), ProcessHandle.current().pid());
            busy = 100.0 * (b[2] - a[2]) / CLK_TCK;
            if (busy < pct) {
                break;
            }
        }
        return busy;
    }

    private static void summary(Tee tee, List<Result> results, List<String> servers, List<String> modes, int rounds) {
        tee.println("| mode | server | median /s | per server CPU-s | p50 µs | p99 µs | p99.9 µs | errors | timeouts"
                + " | failures | server CPU % | load CPU % | load busy % | foreign CPU % | niced CPU % |");
        tee.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String mode : modes) {
            for (String server : servers) {
                List<Result> rs = results.stream().filter(r -> r.server().equals(server) && r.mode().equals(mode))
                        .toList();
                if (rs.isEmpty()) {
                    continue;
                }
                tee.println(String.format(Locale.ROOT, "| %s | %s | %.0f | %.0f | %.0f | %.0f | %.0f | %d | %d | %d"
                                + " | %.0f | %.0f | %.0f | %.0f | %.0f |",
                        mode.equals("rps") ? "req/s" : mode.equals("hs") ? "handshakes/s" : "abbreviated/s", server,
                        median(rs, Result::perS), median(rs, Result::perCpuSecond), median(rs, Result::p50),
                        median(rs, Result::p99), median(rs, Result::p999),
                        rs.stream().mapToLong(Result::errors).sum(), rs.stream().mapToLong(Result::timeouts).sum(),
                        rs.stream().mapToLong(Result::failures).sum(), median(rs, Result::serverCpu),
                        median(rs, Result::loadCpu), median(rs, Result::loadBusy), median(rs, Result::foreign),
                        median(rs, Result::niced)));
            }
        }
        for (String other : servers) {
            if (other.equals("scandium") || !servers.contains("scandium")) {
                continue;
            }
            tee.println("");
            tee.println(other + " / scandium, same round:");
            for (String mode : modes) {
                List<Double> rate = new ArrayList<>();
                List<Double> perCpu = new ArrayList<>();
                List<Double> p99 = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    Result t = find(results, other, mode, round);
                    Result s = find(results, "scandium", mode, round);
                    if (t != null && s != null && s.perS() > 0) {
                        rate.add(t.perS() / s.perS());
                        perCpu.add(t.perCpuSecond() / s.perCpuSecond());
                        p99.add(s.p99() > 0 ? t.p99() / s.p99() : Double.NaN);
                    }
                }
                tee.println(String.format(Locale.ROOT, "  %s: rate %s (median %.2f); per server CPU-s %s (median %.2f);"
                        + " p99 %s (median %.2f, lower is better)",
                        mode, list(rate), medianOf(rate), list(perCpu), medianOf(perCpu), list(p99), medianOf(p99)));
            }
        }
    }

    private static String label(String server) {
        int eq = server.indexOf('=');
        return eq > 0 ? server.substring(0, eq) : server;
    }

    private static String line(Result r) {
        return String.format(Locale.ROOT, "  %-4s %-9s r%d  %9.0f/s (%6.0f/CPU-s)  p50 %8.0f us  p99 %8.0f us"
                        + "  p99.9 %8.0f us  err %d to %d fail %d  srv %3.0f%%  load %3.0f%% (busy %3.0f%%)"
                        + "  foreign %3.0f%% niced %3.0f%% (cpu0 %3.0f%% cpu1 %3.0f%%)  loadavg %s",
                r.mode(), r.server(), r.round(), r.perS(), r.perCpuSecond(), r.p50(), r.p99(), r.p999(), r.errors(),
                r.timeouts(), r.failures(), r.serverCpu(), r.loadCpu(), r.loadBusy(), r.foreign(), r.niced(), r.cpu0(),
                r.cpu1(), r.loadAvg());
    }

    private static Result find(List<Result> rs, String server, String mode, int round) {
        return rs.stream().filter(r -> r.server().equals(server) && r.mode().equals(mode) && r.round() == round)
                .findFirst().orElse(null);
    }

    private static double median(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        return medianOf(rs.stream().map(r -> f.applyAsDouble(r)).toList());
    }

    private static double medianOf(List<Double> values) {
        return Medians.of(values);
    }

    private static String list(List<Double> v) {
        StringBuilder b = new StringBuilder();
        for (double d : v) {
            b.append(b.length() > 0 ? ", " : "").append(String.format(Locale.ROOT, "%.2f", d));
        }
        return b.toString();
    }

    private static double num(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\":(-?[0-9.]+)").matcher(json);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static List<String> words(String s) {
        return s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }

    private static int freePort(String host) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(host), 0))) {
            return s.getLocalPort();
        }
    }

    private static String sh(String command) {
        try {
            Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(5, TimeUnit.SECONDS);
            return s.trim();
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** Prints to the terminal and to the summary file. */
    private static final class Tee {
        private final PrintStream a;
        private final PrintStream b;

        Tee(PrintStream a, PrintStream b) {
            this.a = a;
            this.b = b;
        }

        void println(String s) {
            a.println(s);
            a.flush();
            b.println(s);
        }
    }
}
