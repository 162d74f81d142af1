package dev.tern.coap.oscore.bench;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.CoapServer;
import dev.tern.coap.MessageType;
import dev.tern.coap.Options;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import dev.tern.coap.oscore.Oscore;
import dev.tern.coap.oscore.OscoreContexts;
import dev.tern.coap.oscore.OscoreLayer;
import dev.tern.coap.oscore.OscoreMessage;
import dev.tern.coap.oscore.SecurityContext;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OSCORE throughput (req/s): Tern's server with and without OSCORE and Californium's cf-oscore
 * 3.13 server with and without OSCORE, GET /hello, each in a JVM of its own, measured by one load
 * generator (its own JVM) that protects every request with a context of its own per client
 * (RFC 8613 §8.1) and verifies one response in 16. Test code because cf-oscore 3.13 needs the
 * Californium 3.13 this module's tests use (tern-bench runs 3.14). Run:
 *
 * <pre>
 * java -cp CP dev.tern.coap.oscore.bench.OscoreBench run [rounds] [warmupSeconds] [seconds]
 * </pre>
 *
 * with CP the module's test class path ({@code bench/oscore.sh}).
 */
public final class OscoreBench {
    static final Bytes SECRET = Bytes.fromHex("0102030405060708090a0b0c0d0e0f10");
    static final Bytes SALT = Bytes.fromHex("9e7ca92223786340");
    static final int CLIENTS = 8;
    static final int WINDOW = 8;
    static final List<String> IMPLS = List.of("tern", "tern-oscore", "cf", "cf-oscore");

    private OscoreBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "server" -> server(args[1], Integer.parseInt(args[2]));
            case "load" -> load(Integer.parseInt(args[1]), Boolean.parseBoolean(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]));
            case "run" -> run(args.length > 1 ? Integer.parseInt(args[1]) : 3, args.length > 2 ? Integer.parseInt(args[2]) : 3,
                    args.length > 3 ? Integer.parseInt(args[3]) : 8);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static Bytes clientId(int i) {
        return Bytes.of((byte) (0x10 + i));
    }

    static final Bytes SERVER_ID = Bytes.of((byte) 0x01);

    private static void server(String impl, int port) throws Exception {
        AutoCloseable s = switch (impl) {
            case "tern", "tern-oscore" -> {
                CoapServer.Builder b = CoapServer.builder().port(port).bind("127.0.0.1").executor(Runnable::run)
                        .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build());
                if (impl.equals("tern-oscore")) {
                    OscoreContexts contexts = OscoreContexts.create();
                    for (int i = 0; i < CLIENTS; i++) {
                        contexts.add(SecurityContext.builder().masterSecret(SECRET).masterSalt(SALT).senderId(SERVER_ID)
                                .recipientId(clientId(i)).replayWindow(64).echoAfterStart(false).build());
                    }
                    b.objectSecurity(OscoreLayer.server(contexts));
                }
                yield b.build().start();
            }
            default -> CaliforniumServer.start(impl.equals("cf-oscore"), port);
        };
        System.out.println("ready");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine(); // until stdin closes
        s.close();
        System.exit(0);
    }

    /** Client side of the load: one channel per client, WINDOW requests outstanding on each. */
    private static void load(int port, boolean oscore, int warmup, int seconds) throws Exception {
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
        Selector selector = Selector.open();
        Client[] clients = new Client[CLIENTS];
        for (int i = 0; i < CLIENTS; i++) {
            clients[i] = new Client(i, oscore, target);
            clients[i].channel.register(selector, SelectionKey.OP_READ, clients[i]);
            for (int w = 0; w < WINDOW; w++) {
                clients[i].send(w);
            }
        }
        long start = System.nanoTime();
        long measureFrom = start + warmup * 1_000_000_000L;
        long end = measureFrom + seconds * 1_000_000_000L;
        long counted = 0;
        long total = 0;
        long timeouts = 0;
        ByteBuffer buf = ByteBuffer.allocate(2048);
        while (true) {
            long now = System.nanoTime();
            if (now >= end) {
                break;
            }
            selector.select(50);
            for (SelectionKey k : selector.selectedKeys()) {
                Client c = (Client) k.attachment();
                while (true) {
                    buf.clear();
                    if (c.channel.receive(buf) == null) {
                        break;
                    }
                    int slot = c.answered(Arrays.copyOf(buf.array(), buf.position()));
                    if (slot >= 0) {
                        total++;
                        if (System.nanoTime() >= measureFrom) {
                            counted++;
                        }
                        c.send(slot);
                    }
                }
            }
            selector.selectedKeys().clear();
            for (Client c : clients) {
                timeouts += c.resendLate(System.nanoTime());
            }
        }
        System.out.println("result rps=" + (counted / seconds) + " total=" + total + " timeouts=" + timeouts + " verified=" + Client.verified
                + " failed=" + Client.failed);
        System.exit(0);
    }

    private static final class Client {
        static long verified;
        static long failed;
        final DatagramChannel channel;
        final SecurityContext context;
        final boolean oscore;
        final Oscore.ProtectedRequest[] pending = new Oscore.ProtectedRequest[WINDOW];
        final long[] sentAt = new long[WINDOW];
        final int id;
        int mid;
        long answers;

        Client(int id, boolean oscore, InetSocketAddress target) throws Exception {
            this.id = id;
            this.oscore = oscore;
            this.channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress("127.0.0.1", 0));
            channel.connect(target);
            channel.configureBlocking(false);
            this.context = SecurityContext.builder().masterSecret(SECRET).masterSalt(SALT).senderId(clientId(id))
                    .recipientId(SERVER_ID).build();
        }

        void send(int slot) throws Exception {
            OscoreMessage plain = new OscoreMessage(Code.GET, Options.builder().uriPath("/hello").build(), Bytes.EMPTY);
            OscoreMessage out = plain;
            if (oscore) {
                pending[slot] = Oscore.protectRequest(context, plain);
                out = pending[slot].message();
            }
            mid = (mid + 1) & 0xFFFF;
            byte[] wire = MessageEncoder.encode(new Message(MessageType.CON, out.code(), mid, Bytes.of((byte) id,
                    (byte) slot), out.options(), out.payload()));
            sentAt[slot] = System.nanoTime();
            channel.write(ByteBuffer.wrap(wire));
        }

        int answered(byte[] datagram) {
            if (!(MessageDecoder.decode(datagram, 0, datagram.length) instanceof Message m) || m.token().length() != 2) {
                return -1;
            }
            int slot = m.token().get(1);
            if (slot < 0 || slot >= WINDOW || sentAt[slot] == 0) {
                return -1;
            }
            if (oscore && (++answers & 15) == 0) {
                try {
                    OscoreMessage inner = Oscore.unprotectResponse(pending[slot].binding(),
                            new OscoreMessage(m.code(), m.options(), m.payload()));
                    if (inner.code().equals(Code.CONTENT)) {
                        verified++;
                    } else {
                        failed++;
                    }
                } catch (RuntimeException e) {
                    failed++;
                }
            }
            sentAt[slot] = 0;
            return slot;
        }

        int resendLate(long now) throws Exception {
            int late = 0;
            for (int s = 0; s < WINDOW; s++) {
                if (sentAt[s] != 0 && now - sentAt[s] > 2_000_000_000L) {
                    late++;
                    send(s);
                }
            }
            return late;
        }
    }

    /** Interleaved rounds: every implementation in a fresh JVM, then the load in another. */
    private static void run(int rounds, int warmup, int seconds) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path");
        Map<String, List<Long>> results = new LinkedHashMap<>();
        Map<String, List<Long>> perCpu = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            List<String> order = new ArrayList<>(IMPLS);
            if (round % 2 == 1) {
                Collections.reverse(order);
            }
            for (String impl : order) {
                int port = 20000 + (int) (Math.random() * 20000);
                Process server = new ProcessBuilder(java, "-Xms512m", "-Xmx512m", "-XX:+UseSerialGC", "-cp", cp,
                        OscoreBench.class.getName(), "server", impl, Integer.toString(port))
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                String line;
                while ((line = r.readLine()) != null && !line.equals("ready")) {
                    System.out.println("  " + impl + ": " + line);
                }
                long cpuBefore = cpuTicks(server.pid());
                Process load = new ProcessBuilder(java, "-Xms256m", "-Xmx256m", "-cp", cp, OscoreBench.class.getName(),
                        "load", Integer.toString(port), Boolean.toString(impl.endsWith("oscore")),
                        Integer.toString(warmup), Integer.toString(seconds)).redirectErrorStream(true).start();
                String out = new String(load.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                load.waitFor();
                long cpu = cpuTicks(server.pid()) - cpuBefore;
                server.getOutputStream().close();
                server.waitFor();
                long rps = Long.parseLong(out.replaceAll("(?s).*rps=(\\d+).*", "$1"));
                long total = Long.parseLong(out.replaceAll("(?s).*total=(\\d+).*", "$1"));
                results.computeIfAbsent(impl, k -> new ArrayList<>()).add(rps);
                perCpu.computeIfAbsent(impl, k -> new ArrayList<>()).add(cpu == 0 ? 0 : total * 100 / cpu);
                System.out.printf("round %d %-12s %s (server CPU %.1f s over warm-up and measure)%n", round + 1, impl,
                        out.strip(), cpu / 100.0);
            }
        }
        System.out.println("| server | req/s per round | median req/s | req per server CPU-s per round | median |");
        System.out.println("|---|---|---:|---|---:|");
        Map<String, Long> medians = new LinkedHashMap<>();
        Map<String, Long> cpuMedians = new LinkedHashMap<>();
        for (var e : results.entrySet()) {
            medians.put(e.getKey(), median(e.getValue()));
            cpuMedians.put(e.getKey(), median(perCpu.get(e.getKey())));
            System.out.println("| " + e.getKey() + " | " + e.getValue() + " | " + medians.get(e.getKey()) + " | "
                    + perCpu.get(e.getKey()) + " | " + cpuMedians.get(e.getKey()) + " |");
        }
        for (Map<String, Long> m : List.of(medians, cpuMedians)) {
            System.out.printf("%s: tern-oscore / cf-oscore %.2f, tern-oscore / tern %.2f, cf-oscore / cf %.2f%n",
                    m == medians ? "req/s" : "per CPU-s", (double) m.get("tern-oscore") / m.get("cf-oscore"),
                    (double) m.get("tern-oscore") / m.get("tern"), (double) m.get("cf-oscore") / m.get("cf"));
        }
    }

    private static long median(List<Long> values) {
        List<Long> v = new ArrayList<>(values);
        v.sort(null);
        return v.get(v.size() / 2);
    }

    private static long cpuTicks(long pid) {
        try {
            String[] f = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceAll(".*\\) ", "").split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return 0;
        }
    }
}
