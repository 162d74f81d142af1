package dev.tern.coap.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The native loads of {@link GatewayRun}: {@code bench/coap-origin.c} (one C thread serving many UDP
 * ports) pinned to CPU 0, with either its own HTTP load in the same thread (the default, {@code
 * --load c}) or {@code wrk} (one thread) beside it; keep-alive HTTP/1.1, no pipelining. Cheaper per
 * request than the Java load and origin, so CPU 0 keeps up with the gateway on CPU 1; the origin's
 * own load also spares CPU 0 the switches between two processes. The origin gets fresh ports per
 * phase (RFC 7252 §4.4: a client reuses a Message ID towards one endpoint only after
 * EXCHANGE_LIFETIME), counted up from 20000, below the ephemeral range.
 */
final class GatewayNativeLoad {
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ([0-9.]+)(m?s)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private static final Pattern LOAD = Pattern.compile("load (\\d+) (\\d+) (\\d+) (\\d+) ([0-9.]+) (\\d+)");

    private final String origin;
    private final boolean pin;
    /** The origin's own HTTP load instead of wrk. */
    private final boolean builtIn;
    private final Path script;
    private int nextPort = 20000;

    /** {@code origin}: the compiled {@code coap-origin}; {@code builtIn}: its own load rather than wrk. */
    GatewayNativeLoad(String origin, boolean pin, boolean builtIn) throws IOException {
        this.origin = origin;
        this.pin = pin;
        this.builtIn = builtIn;
        this.script = Files.createTempFile("gateway-wrk-", ".lua");
        script.toFile().deleteOnExit();
        try (InputStream in = GatewayNativeLoad.class.getResourceAsStream("gateway-wrk.lua")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * One phase against the gateway on {@code port} ({@code prefix}: its mapping, {@code /hc/} or
     * {@code /proxy/}): successful requests per second (2xx only; errors are left out and reported).
     * {@code beforeLoad} runs once the origin is up and checked, just before the load starts.
     */
    GatewayLoad.Outcome run(int port, String prefix, int connections, int seconds, Runnable beforeLoad)
            throws IOException, InterruptedException {
        int ports = Math.max(4, 3 * seconds); // at most about 50 000 requests per port at 250 000 req/s
        List<String> originArgs = new ArrayList<>(List.of(origin, "-n", Integer.toString(ports), "-p",
                Integer.toString(nextPort)));
        if (builtIn) {
            originArgs.addAll(List.of("-l", Integer.toString(port), "-x", prefix, "-c", Integer.toString(connections),
                    "-d", Integer.toString(seconds)));
        }
        Process o = command(originArgs.toArray(String[]::new)).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(o.getInputStream(), StandardCharsets.US_ASCII));
            String line = out.readLine();
            if (line == null || !line.startsWith("ports ")) {
                throw new IOException("coap-origin did not start: " + line);
            }
            List<String> originPorts = List.of(line.substring(6).trim().split(" "));
            for (String p : originPorts) {
                nextPort = Integer.parseInt(p) + 1;
                GatewayLoad.check(port, prefix + "coap://127.0.0.1:" + p + "/hello");
            }
            if (builtIn) {
                beforeLoad.run();
                return builtInLoad(o, out, seconds, connections);
            }
            List<String> args = new ArrayList<>(List.of("wrk", "-t1", "-c" + connections, "-d" + seconds + "s",
                    "-s", script.toString(), "http://127.0.0.1:" + port, "--", prefix));
            args.addAll(originPorts);
            File log = File.createTempFile("gateway-wrk-", ".log");
            log.deleteOnExit();
            beforeLoad.run();
            Process w = command(args.toArray(String[]::new)).redirectErrorStream(true).redirectOutput(log).start();
            if (!w.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
                w.destroyForcibly();
                throw new IOException("wrk did not end");
            }
            String report = Files.readString(log.toPath());
            Matcher m = REQUESTS.matcher(report);
            if (w.exitValue() != 0 || !m.find()) {
                throw new IOException("wrk failed: " + report);
            }
            long requests = Long.parseLong(m.group(1));
            double elapsed = Double.parseDouble(m.group(2)) / (m.group(3).equals("ms") ? 1000 : 1);
            long bad = count(NON_2XX, report, 1);
            long errors = 0;
            Matcher e = SOCKET_ERRORS.matcher(report);
            if (e.find()) {
                for (int g = 1; g <= 4; g++) {
                    errors += Long.parseLong(e.group(g));
                }
            }
            if (bad + errors > 0) {
                System.out.printf("  (%d non-2xx responses and %d socket errors in that phase, left out)%n", bad, errors);
            }
            long ok = requests - bad;
            return new GatewayLoad.Outcome(ok / elapsed, ok);
        } finally {
            o.getOutputStream().close(); // its cue to stop
            if (!o.waitFor(5, TimeUnit.SECONDS)) {
                o.destroyForcibly();
            }
        }
    }

    /**
     * Starts the origin's own load ("go") and reads its report, "load REQUESTS OK BAD ERRORS SECONDS
     * SERVED": every 2xx response counted must have come through the origin (SERVED at least OK, and
     * at most one more per connection and per error, those in flight at the end or on a connection
     * that failed), or the phase fails.
     */
    private static GatewayLoad.Outcome builtInLoad(Process o, BufferedReader out, int seconds, int connections)
            throws IOException {
        o.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
        o.getOutputStream().flush();
        java.util.concurrent.CompletableFuture<String> report = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        String line;
        try {
            line = report.get(seconds + 60L, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            o.destroyForcibly();
            throw new IOException("coap-origin's load did not report: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Matcher m = line == null ? null : LOAD.matcher(line);
        if (m == null || !m.matches()) {
            throw new IOException("coap-origin's load failed: " + line);
        }
        long requests = Long.parseLong(m.group(1));
        long ok = Long.parseLong(m.group(2));
        long bad = Long.parseLong(m.group(3));
        long errors = Long.parseLong(m.group(4));
        long served = Long.parseLong(m.group(6));
        if (served < ok || served > requests + connections + errors) { // in flight at the end, or on a failed connection
            throw new IOException("the origin answered " + served + " CoAP requests for " + requests + " HTTP responses ("
                    + ok + " 2xx): " + line);
        }
        if (bad + errors > 0) {
            System.out.printf("  (%d non-2xx responses and %d connection errors in that phase, left out)%n", bad, errors);
        }
        return new GatewayLoad.Outcome(ok / Double.parseDouble(m.group(5)), ok);
    }

    private static long count(Pattern p, String report, int group) {
        Matcher m = p.matcher(report);
        return m.find() ? Long.parseLong(m.group(group)) : 0;
    }

    private ProcessBuilder command(String... command) {
        List<String> c = new ArrayList<>();
        if (pin) {
            c.addAll(List.of("taskset", "-c", "0"));
        }
        c.addAll(List.of(command));
        return new ProcessBuilder(c);
    }
}
