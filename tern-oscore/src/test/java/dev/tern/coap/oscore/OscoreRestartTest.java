package dev.tern.coap.oscore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.MessageTracer;
import dev.tern.coap.MessageType;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarts with OSCORE over loopback UDP (RFC 8613 Appendix B.1): the server is stopped and a new
 * one started from scratch on the same port (nothing but its configuration survives, as after
 * {@code kill -9}); the client is restarted from its sequence number file. Every nonce sent is
 * recorded: none repeats, a request captured before the restart is never processed again, and the
 * restarted client's next request succeeds after one Echo round trip.
 */
class OscoreRestartTest {
    private static final Pattern OSCORE = Pattern.compile("OSCORE:0x([0-9a-f]*)");

    @TempDir
    Path dir;

    private final AtomicInteger opened = new AtomicInteger();
    private final List<String> sentByServer = new CopyOnWriteArrayList<>();

    private CoapServer startServer(int port) {
        SecurityContext ctx = SecurityContext.builder().masterSecret(Vectors.SECRET).masterSalt(Vectors.SALT)
                .senderId(Bytes.fromHex("01")).recipientId(Bytes.fromHex("")).persistenceStep(4)
                .sequenceNumberStore(SequenceNumberStore.file(dir.resolve("server.seq"))).build();
        Router router = Router.builder()
                .post("/door", r -> Response.builder(Code.CHANGED).payload("opened " + opened.incrementAndGet()).build())
                .build();
        return CoapServer.builder().port(port).bind("127.0.0.1").service(router).tracer(tracer(sentByServer))
                .objectSecurity(OscoreLayer.server(OscoreContexts.of(ctx))).build().start();
    }

    private SecurityContext clientContext() {
        return SecurityContext.builder().masterSecret(Vectors.SECRET).masterSalt(Vectors.SALT)
                .senderId(Bytes.fromHex("")).recipientId(Bytes.fromHex("01")).persistenceStep(4)
                .sequenceNumberStore(SequenceNumberStore.file(dir.resolve("client.seq"))).build();
    }

    @Test
    void killedServerAndRestartedClientNeverReuseANonceAndNeverReplay() throws Exception {
        List<String> sentByClient = new CopyOnWriteArrayList<>();
        Message captured;
        int port;
        CoapServer first = startServer(0);
        try {
            port = first.port();
            try (CoapClient client = CoapClient.builder().tracer(tracer(sentByClient))
                    .objectSecurity(OscoreLayer.client(clientContext())).build()) {
                for (int i = 1; i <= 3; i++) {
                    Response r = client.post("coap://127.0.0.1:" + port + "/door", Bytes.EMPTY, 0);
                    assertThat(r.payloadString()).isEqualTo("opened " + i);
                }
            }
            // an attacker's copy of a request the server processed (made with the same keys and Partial IV
            // as the client's last one would have been: a fresh client context would reuse it, which is
            // exactly what the file store prevents; so build it from a context that continues the file)
            SecurityContext same = clientContext();
            captured = frame(Oscore.protectRequest(same, door()).message());
            DatagramSocket s = socket();
            try (s) {
                Message answer = send(s, port, captured);
                assertThat(answer.code()).isEqualTo(Code.CHANGED);
            }
            assertThat(opened.get()).isEqualTo(4);
        } finally {
            first.close();
        }

        try (CoapServer second = startServer(port); DatagramSocket attacker = socket()) {
            Message replay = send(attacker, second.port(), captured);
            assertThat(replay.code()).as("not processed: challenged").isEqualTo(Code.CHANGED); // outer of a 4.01
            assertThat(opened.get()).isEqualTo(4);
            try (CoapClient restarted = CoapClient.builder().tracer(tracer(sentByClient))
                    .objectSecurity(OscoreLayer.client(clientContext())).build()) {
                Response r = restarted.post("coap://127.0.0.1:" + port + "/door", Bytes.EMPTY, 0);
                assertThat(r.payloadString()).isEqualTo("opened 5");
            }
            Message again = send(attacker, port, captured.withTypeAndId(MessageType.CON, 0x7777));
            assertThat(again.code()).isEqualTo(Code.UNAUTHORIZED);
            assertThat(again.payload().utf8()).isEqualTo("Replay detected");
            assertThat(opened.get()).isEqualTo(5);
        }

        List<String> clientPivs = partialIvs(sentByClient);
        clientPivs.add(oscoreHex(captured));
        assertThat(clientPivs).as("client nonces").doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(6);
        List<String> serverPivs = partialIvs(sentByServer);
        // the server's own Partial IVs are its Echo challenges (B.1.2): one per start for the client, one
        // for the replay; its sequence numbers continue across the restart, so none repeats
        assertThat(serverPivs).as("server nonces (its own Partial IVs)").doesNotHaveDuplicates().hasSize(3);
    }

    private static OscoreMessage door() {
        return new OscoreMessage(Code.POST, Options.builder().uriPath("door").build(), Bytes.EMPTY);
    }

    private static Message frame(OscoreMessage m) {
        return new Message(MessageType.CON, m.code(), 0x4242, Bytes.fromHex("c0ffee"), m.options(), m.payload());
    }

    private static String oscoreHex(Message m) {
        Option o = m.options().first(OptionNumber.OSCORE).orElseThrow();
        return pivOf(o.value().hex());
    }

    /** The Partial IVs (hex) of the OSCORE options in {@code summaries} that carry one. */
    private static List<String> partialIvs(List<String> summaries) {
        List<String> out = new java.util.ArrayList<>();
        for (String s : summaries) {
            Matcher m = OSCORE.matcher(s);
            if (m.find() && !m.group(1).isEmpty()) {
                out.add(pivOf(m.group(1)));
            }
        }
        return out;
    }

    private static String pivOf(String optionHex) {
        int n = Integer.parseInt(optionHex.substring(0, 2), 16) & 0x07;
        return optionHex.substring(2, 2 + 2 * n);
    }

    private static MessageTracer tracer(List<String> sent) {
        return new MessageTracer() {
            @Override
            public void sent(InetSocketAddress peer, String summary) {
                sent.add(summary);
            }

            @Override
            public void received(InetSocketAddress peer, String summary) {
            }
        };
    }

    private static DatagramSocket socket() throws Exception {
        DatagramSocket s = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress());
        s.setSoTimeout(5000);
        return s;
    }

    private static Message send(DatagramSocket s, int port, Message m) throws Exception {
        byte[] out = MessageEncoder.encode(m);
        s.send(new DatagramPacket(out, out.length, new InetSocketAddress("127.0.0.1", port)));
        byte[] buf = new byte[2048];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        s.receive(in);
        return (Message) MessageDecoder.decode(buf, 0, in.getLength());
    }
}
