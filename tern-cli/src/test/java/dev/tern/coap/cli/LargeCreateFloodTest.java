package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.io.ByteArrayOutputStream;
import java.net.DatagramSocket;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Issue 17 point 3 (FAULTS.md A2.3): NON POSTs to the plugtest {@code /large-create} from many
 * source ports, each storing a body, against a running server on loopback. Before the fix every
 * body was kept for ever; now the stored entries and bytes stay at the caps of
 * {@link ResourceLimits#DEFAULT}, the oldest evicted first.
 */
class LargeCreateFloodTest {
    private static final int PORTS = 40;
    private static final int PER_PORT = 10;
    private static final int BODY = 4000;

    /** A NON POST of {@code body} to {@code /large-create}, without a token (RFC 7252 §3). */
    static byte[] nonPost(int mid, byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x50); // version 1, NON, TKL 0
        b.write(0x02); // 0.02 POST
        b.write(mid >> 8);
        b.write(mid);
        byte[] path = "large-create".getBytes(StandardCharsets.US_ASCII);
        b.write(0xB0 | path.length); // Uri-Path (11), length 12
        b.write(path, 0, path.length);
        b.write(0xFF);
        b.write(body, 0, body.length);
        return b.toByteArray();
    }

    @Test
    void floodOfNonPostsFromManyPortsStaysAtTheCap() throws Exception {
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1")
                .service(PlugtestResources.router()).executor(Runnable::run).build().start();
             CoapClient client = CoapClient.create()) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
            List<DatagramSocket> sockets = new ArrayList<>();
            try {
                int mid = 1;
                for (int p = 0; p < PORTS; p++) {
                    DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    sockets.add(s);
                    for (int i = 0; i < PER_PORT; i++) {
                        byte[] body = new byte[BODY];
                        Arrays.fill(body, (byte) ('a' + p % 26));
                        byte[] d = nonPost(mid++, body);
                        s.send(new DatagramPacket(d, d.length, to));
                    }
                    // Let the server drain its socket buffer between senders so that the flood arrives.
                    Response ping = client.call(Request.get("coap://127.0.0.1:" + server.port() + "/test").build());
                    assertThat(ping.code()).isEqualTo(Code.CONTENT);
                }
            } finally {
                sockets.forEach(DatagramSocket::close);
            }
            // A legitimate client still creates, and learns how many ids the flood used.
            Response mine = client.call(Request.post("coap://127.0.0.1:" + server.port() + "/large-create")
                    .payload("mine").build());
            assertThat(mine.code()).isEqualTo(Code.CREATED);
            List<String> location = mine.options().locationPath();
            int last = Integer.parseInt(location.get(location.size() - 1));
            assertThat(last).as("flood POSTs that arrived").isGreaterThan(PORTS * PER_PORT / 2);

            int entries = 0;
            long bytes = 0;
            for (int n = 1; n <= last; n++) {
                Response r = client.call(Request.get("coap://127.0.0.1:" + server.port() + "/large-create/" + n).build());
                if (r.code().equals(Code.CONTENT)) {
                    entries++;
                    bytes += r.payload().length();
                }
            }
            assertThat(entries).as("stored entries").isLessThanOrEqualTo(ResourceLimits.DEFAULT.maxEntries());
            assertThat(bytes).as("stored bytes").isLessThanOrEqualTo(ResourceLimits.DEFAULT.maxBytes());
            // The newest (the legitimate one) is kept: the oldest are evicted, the new one is not refused.
            Response again = client.call(Request.get("coap://127.0.0.1:" + server.port() + "/large-create/" + last).build());
            assertThat(again.payloadString()).isEqualTo("mine");
        }
    }

    @Test
    void serveFlagsSetTheCapsAndAFloodStaysWithinThem() throws Exception {
        Captured out = new Captured(false);
        CommandLine cl = Main.commandLine(out.io);
        ServeCommand serve = (ServeCommand) cl.getSubcommands().get("serve").getCommand();
        CompletableFuture<Integer> status = new CompletableFuture<>();
        Thread t = new Thread(() -> status.complete(cl.execute("serve", "--port", "0", "--bind", "127.0.0.1",
                "--plugtest", "--max-stored", "3", "--max-stored-bytes", "10000", "--stored-lifetime", "1h")));
        t.setDaemon(true);
        t.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> serve.address() != null || status.isDone());
        assertThat(status).as(out.err()).isNotDone();
        int port = serve.address().getPort();
        try (CoapClient client = CoapClient.create();
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            for (int i = 0; i < 20; i++) {
                byte[] d = nonPost(100 + i, new byte[3000]);
                s.send(new DatagramPacket(d, d.length, to));
            }
            Response mine = client.call(Request.post("coap://127.0.0.1:" + port + "/large-create").payload("mine").build());
            List<String> location = mine.options().locationPath();
            int last = Integer.parseInt(location.get(location.size() - 1));
            int entries = 0;
            for (int n = 1; n <= last; n++) {
                Response r = client.call(Request.get("coap://127.0.0.1:" + port + "/large-create/" + n).build());
                entries += r.code().equals(Code.CONTENT) ? 1 : 0;
            }
            assertThat(last).isGreaterThan(10);
            assertThat(entries).isEqualTo(3); // the 3-entry cap; 2 x 3000 + 4 bytes are within 10 000
        } finally {
            serve.stop();
        }
        assertThat(status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(ExitCodes.OK);
        assertThat(new Captured(false).run("serve", "--max-stored", "0")).isEqualTo(ExitCodes.USAGE);
    }
}
