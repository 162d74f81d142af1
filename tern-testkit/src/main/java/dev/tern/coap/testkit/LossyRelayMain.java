package dev.tern.coap.testkit;

import dev.tern.coap.testkit.LossyRelay.Impairment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a {@link LossyRelay} as its own OS process, for tests that want the impaired path outside the test JVM
 * ({@link LossyRelayProcess} launches it).
 *
 * <pre>
 * LossyRelayMain --server HOST:PORT [--listen PORT]
 *                [--to-server DROP,DUPLICATE,MAX_DELAY_MS,MAX_DROPS_IN_A_ROW] [--to-client ...]
 *                [--seed N] [--to-server-seed N] [--to-client-seed N]
 * </pre>
 *
 * <p>{@code --listen 0} (the default) binds any free port on 127.0.0.1. An impairment left out is a perfect
 * path. {@code --seed N} seeds the two directions as {@link LossyRelay#start(InetSocketAddress, Impairment,
 * Impairment, long)} does; the per-direction seeds override it.
 *
 * <p>On stdout, one line each: {@value #LISTENING}{@code 127.0.0.1:PORT} once the relay is bound;
 * {@value #STATS} and the {@link LossyRelay.Counters counters} in reply to a line {@code stats} on stdin; and
 * {@value #FINAL} and the final counters when stdin says {@code quit} or reaches its end, after which the
 * process exits with status 0. Because the end of stdin stops it, the relay never outlives the process that
 * started it. Bad arguments: a message on stderr and status 2.
 */
public final class LossyRelayMain {
    /** Prefix of the line that gives the bound address. */
    public static final String LISTENING = "relay listening on ";
    /** Prefix of the reply to {@code stats}. */
    public static final String STATS = "stats ";
    /** Prefix of the last line, written on exit. */
    public static final String FINAL = "final ";

    private LossyRelayMain() {
    }

    /** Runs the relay until stdin says {@code quit} or closes. */
    public static void main(String[] args) throws IOException {
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("LossyRelayMain: " + e.getMessage());
            System.err.println("usage: LossyRelayMain --server HOST:PORT [--listen PORT]"
                    + " [--to-server DROP,DUPLICATE,MAX_DELAY_MS,MAX_DROPS_IN_A_ROW] [--to-client ...]"
                    + " [--seed N] [--to-server-seed N] [--to-client-seed N]");
            System.exit(2);
            return;
        }
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        LossyRelay relay = LossyRelay.start(o.listen, o.server, o.toServer, o.toClient, o.toServerSeed,
                o.toClientSeed);
        try {
            InetSocketAddress at = relay.address();
            out.println(LISTENING + at.getAddress().getHostAddress() + ":" + at.getPort());
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String command = line.strip();
                if (command.equals("quit")) {
                    break;
                } else if (command.equals("stats")) {
                    out.println(STATS + relay.counters());
                } else if (!command.isEmpty()) {
                    System.err.println("LossyRelayMain: unknown command " + command);
                }
            }
        } finally {
            relay.close();
            out.println(FINAL + relay.counters());
        }
    }

    private static final class Options {
        int listen;
        InetSocketAddress server;
        Impairment toServer = Impairment.none();
        Impairment toClient = Impairment.none();
        Long seed;
        Long toServerSeed;
        Long toClientSeed;

        static Options parse(String[] args) {
            Options o = new Options();
            List<String> rest = new ArrayList<>(List.of(args));
            while (!rest.isEmpty()) {
                String flag = rest.remove(0);
                if (rest.isEmpty()) {
                    throw new IllegalArgumentException("missing value after " + flag);
                }
                String value = rest.remove(0);
                switch (flag) {
                    case "--listen" -> o.listen = port(value);
                    case "--server" -> o.server = address(value);
                    case "--to-server" -> o.toServer = impairment(value);
                    case "--to-client" -> o.toClient = impairment(value);
                    case "--seed" -> o.seed = number(value);
                    case "--to-server-seed" -> o.toServerSeed = number(value);
                    case "--to-client-seed" -> o.toClientSeed = number(value);
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (o.server == null) {
                throw new IllegalArgumentException("--server is required");
            }
            long base = o.seed == null ? 1 : o.seed;
            if (o.toServerSeed == null) {
                o.toServerSeed = base;
            }
            if (o.toClientSeed == null) {
                o.toClientSeed = LossyRelay.toClientSeed(base);
            }
            return o;
        }

        private static int port(String s) {
            long p = number(s);
            if (p < 0 || p > 65_535) {
                throw new IllegalArgumentException("bad port " + s);
            }
            return (int) p;
        }

        private static long number(String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number: " + s, e);
            }
        }

        private static InetSocketAddress address(String s) {
            int colon = s.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("not HOST:PORT: " + s);
            }
            String host = s.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            InetSocketAddress a = new InetSocketAddress(host, port(s.substring(colon + 1)));
            if (a.isUnresolved()) {
                throw new IllegalArgumentException("cannot resolve " + host);
            }
            return a;
        }

        private static Impairment impairment(String s) {
            String[] p = s.split(",", -1);
            if (p.length != 4) {
                throw new IllegalArgumentException("not DROP,DUPLICATE,MAX_DELAY_MS,MAX_DROPS_IN_A_ROW: " + s);
            }
            try {
                return new Impairment(Double.parseDouble(p[0]), Double.parseDouble(p[1]), Integer.parseInt(p[2]),
                        Integer.parseInt(p[3]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad impairment " + s, e);
            }
        }
    }
}
