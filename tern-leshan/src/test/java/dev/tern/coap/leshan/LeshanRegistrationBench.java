package dev.tern.coap.leshan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.MessageType;
import dev.tern.coap.Options;
import dev.tern.coap.testkit.CoapMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Registrations/s and RSS of Leshan on Tern against Leshan on Californium in one run (BENCHMARKS.md):
 * {@code -Dtern.bench.leshan=N} simulated LwM2M clients, each its own UDP socket, send one CON
 * Register (OMA LwM2M 1.1 Transport §6.2.1) each, at most 256 outstanding, retransmitted after 2 s;
 * each server runs in its own JVM ({@link LeshanBenchServer}, {@code -Xmx512m}), whose VmRSS is
 * read before and after. Run: {@code mvn -o test -pl tern-leshan -am -Dtest=LeshanRegistrationBench
 * -Dsurefire.failIfNoSpecifiedTests=false -Dtern.bench.leshan=10000}.
 */
@EnabledIfSystemProperty(named = "tern.bench.leshan", matches = "\\d+")
class LeshanRegistrationBench {
    private static final int WINDOW = 256;

    @Test
    void registrationsPerSecondAndRss() throws Exception {
        int clients = Integer.getInteger("tern.bench.leshan");
        List<String> report = new ArrayList<>();
        for (int round = 0; round < 2; round++) { // the second round, on warm disks and page cache, is reported
            report.clear();
            for (String transport : List.of("tern", "californium")) {
                report.add(run(transport, clients));
            }
        }
        report.forEach(System.out::println);
    }

    private String run(String transport, int clients) throws Exception {
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                LeshanBenchServer.class.getName(), transport).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(),
                StandardCharsets.UTF_8)); PrintStream in = new PrintStream(server.getOutputStream(), true,
                StandardCharsets.UTF_8)) {
            String ready = out.readLine();
            assertThat(ready).startsWith("READY ");
            int port = Integer.parseInt(ready.substring(6));
            long rssBefore = rssKb(server.pid());
            long start = System.nanoTime();
            int done = register(port, clients, transport);
            double seconds = (System.nanoTime() - start) / 1e9;
            in.println("count");
            String count = out.readLine();
            long rssAfter = rssKb(server.pid());
            assertThat(count).isEqualTo("COUNT " + clients);
            return String.format("%-12s %6d registrations in %6.2f s: %8.0f /s; RSS %4d MiB idle, %4d MiB with them"
                    + " (%.1f KiB each)", transport, done, seconds, done / seconds, rssBefore / 1024,
                    rssAfter / 1024, (rssAfter - rssBefore) / (double) clients);
        } finally {
            server.destroy();
            server.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Sends every client's Register, WINDOW at a time; returns how many got 2.01. */
    private static int register(int port, int clients, String tag) throws IOException {
        InetSocketAddress to = new InetSocketAddress("127.0.0.1", port);
        byte[] links = "</1/0>,</3/0>,</4/0>,</5/0>".getBytes(StandardCharsets.UTF_8);
        try (Selector selector = Selector.open()) {
            DatagramChannel[] channels = new DatagramChannel[clients];
            long[] sentAt = new long[clients];
            byte[][] datagrams = new byte[clients][];
            int next = 0;
            int outstanding = 0;
            int created = 0;
            ByteBuffer buffer = ByteBuffer.allocate(2048);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            long lastScan = System.nanoTime();
            try {
                while (created < clients) {
                    while (outstanding < WINDOW && next < clients) {
                        DatagramChannel c = DatagramChannel.open(StandardProtocolFamily.INET);
                        c.bind(new InetSocketAddress("127.0.0.1", 0));
                        c.connect(to);
                        c.configureBlocking(false);
                        c.register(selector, SelectionKey.OP_READ, next);
                        channels[next] = c;
                        Options options = Options.builder().uriPath("rd").uriQuery("ep=" + tag + "-" + next)
                                .uriQuery("lt=86400").uriQuery("lwm2m=1.1").uriQuery("b=U").contentFormat(40)
                                .build();
                        datagrams[next] = new CoapMessage(MessageType.CON, Code.POST, next & 0xffff,
                                Bytes.of((byte) (next >> 24), (byte) (next >> 16), (byte) (next >> 8), (byte) next),
                                options, Bytes.wrap(links)).encode();
                        c.write(ByteBuffer.wrap(datagrams[next]));
                        sentAt[next] = System.nanoTime();
                        next++;
                        outstanding++;
                    }
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        int i = (Integer) key.attachment();
                        buffer.clear();
                        ((DatagramChannel) key.channel()).read(buffer);
                        CoapMessage answer = CoapMessage.decode(java.util.Arrays.copyOf(buffer.array(),
                                buffer.position()));
                        if (answer.code().equals(Code.CREATED)) {
                            key.cancel();
                            channels[i].close();
                            channels[i] = null;
                            created++;
                            outstanding--;
                        }
                    }
                    selector.selectedKeys().clear();
                    long now = System.nanoTime();
                    if (now - deadline > 0) {
                        throw new IOException(created + " of " + clients + " registered within 5 minutes");
                    }
                    if (now - lastScan < 200_000_000L) {
                        continue;
                    }
                    lastScan = now;
                    for (int i = 0; i < next; i++) {
                        if (channels[i] != null && now - sentAt[i] > 2_000_000_000L) {
                            channels[i].write(ByteBuffer.wrap(datagrams[i])); // CON retransmission, same MID
                            sentAt[i] = now;
                        }
                    }
                }
            } finally {
                for (DatagramChannel c : channels) {
                    if (c != null) {
                        c.close();
                    }
                }
            }
            return created;
        }
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
