package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * FAULTS.md A1.5 (issue 15 point 5): a malicious observed server streams tiny NON notifications,
 * each with a new Observe number, {@code Block2 NUM=0 M=1 SZX=0} and {@code Size2 65536}, to a
 * {@link CoapClient} observing it over real UDP on loopback. The client must keep at most one
 * block-wise download per observation, never size a buffer from Size2, and keep serving.
 */
class BlockwiseNotificationFloodTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final int NOTIFICATIONS = 400;
    private static final int BATCH = 20;

    private DatagramSocket evil;
    private CoapClient client;
    private CoapServer honest;
    private int mid = 0x1000;

    @BeforeEach
    void start() throws IOException {
        evil = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        client = CoapClient.builder().config(EndpointConfig.defaults()).build();
        honest = CoapServer.builder().port(0).bind("127.0.0.1").service(Router.builder()
                .get("/hello", req -> Response.content("hello"))
                .get("/large", req -> Response.content(FaultTableBlockObserveTest.largeText(3000)))
                .build()).build().start();
    }

    @AfterEach
    void stop() {
        client.close();
        honest.close();
        evil.close();
    }

    @Test
    void notificationsAnnouncingLargeBodiesKeepOneSmallDownloadPerObservation() {
        LinkedBlockingQueue<String> seen = new LinkedBlockingQueue<>();
        Observation obs = client.observe(Request.get("coap://127.0.0.1:" + evil.getLocalPort() + "/obs").build(),
                r -> seen.add(r.payloadString()));
        DatagramPacket registration = receive(Duration.ofSeconds(5));
        assertThat(registration).as("the registration").isNotNull();
        SocketAddress victim = registration.getSocketAddress();
        Bytes token = decode(registration).token();
        int observe = 1;
        send(victim, notification(token, observe++, Bytes.utf8("first"), false));
        assertThat(obs.registered().orTimeout(5, TimeUnit.SECONDS).join().payloadString()).isEqualTo("first");

        int maxDownloads = 0;
        long maxBytes = 0;
        int maxExchanges = 0;
        Bytes tiny = Bytes.utf8("0123456789abcdef");
        for (int sent = 0; sent < NOTIFICATIONS; ) {
            for (int i = 0; i < BATCH; i++, sent++) {
                send(victim, notification(token, observe++, tiny, true));
            }
            pingAndWait(victim); // the client handles datagrams in order: all of the batch is processed
            maxDownloads = Math.max(maxDownloads, Tables.read(client.endpoint(), e -> e.blockwiseDownloads()));
            maxBytes = Math.max(maxBytes, Tables.read(client.endpoint(), e -> (int) e.blockwiseDownloadBytes()));
            maxExchanges = Math.max(maxExchanges, Tables.read(client.endpoint(), e -> e.clientExchanges()));
        }

        assertThat(maxDownloads).as("live downloads of the one observation").isLessThanOrEqualTo(1);
        assertThat(maxBytes).as("bytes held for downloads (Size2 announced 65536 each)").isLessThanOrEqualTo(1024);
        assertThat(maxExchanges).as("client exchanges: the observation and one block request")
                .isLessThanOrEqualTo(2);
        // the client keeps working: its observation, and other requests, block-wise ones included
        send(victim, notification(token, observe, Bytes.utf8("still here"), false));
        assertThat(poll(seen, "still here")).isTrue();
        assertThat(obs.isActive()).isTrue();
        String base = "coap://127.0.0.1:" + honest.localAddress().getPort();
        assertThat(client.get(base + "/hello").payloadString()).isEqualTo("hello");
        assertThat(client.get(base + "/large").payload().length()).isEqualTo(3000);
        assertThat(Tables.read(client.endpoint(), e -> e.blockwiseDownloads())).isZero();
        assertThat(Tables.read(client.endpoint(), e -> (int) e.blockwiseDownloadBytes())).isZero();
    }

    @Test
    void aNewerNotificationCancelsTheOlderDownloadAndItsBlockRequest() {
        newerNotificationCancelsTheOlderDownload(client);
    }

    /** The same with 4.29 retries on: the block request under way is still the one cancelled (ClientRetries). */
    @Test
    void aNewerNotificationCancelsTheOlderBlockRequestAlsoWhenTheClientRetries429s() {
        client.close();
        client = CoapClient.builder().config(EndpointConfig.builder().tooManyRequestsRetries(1).build()).build();
        newerNotificationCancelsTheOlderDownload(client);
    }

    private void newerNotificationCancelsTheOlderDownload(CoapClient client) {
        Observation obs = client.observe(Request.get("coap://127.0.0.1:" + evil.getLocalPort() + "/obs").build(),
                r -> { });
        DatagramPacket registration = receive(Duration.ofSeconds(5));
        assertThat(registration).isNotNull();
        SocketAddress victim = registration.getSocketAddress();
        Bytes token = decode(registration).token();
        send(victim, notification(token, 1, FaultTableBlockObserveTest.filled('a', 16), true));
        Message older = nextBlockRequest(null);
        send(victim, notification(token, 2, FaultTableBlockObserveTest.filled('b', 16), true));
        // with NSTART 1 the newer block request goes out only because the older one was cancelled
        Message newer = nextBlockRequest(older);
        assertThat(newer.token()).isNotEqualTo(older.token());
        Options last = Options.builder().set(OptionNumber.BLOCK2, new Block(1, false, 0).value()).build();
        send(victim, MessageEncoder.encode(new Message(MessageType.ACK, Code.CONTENT, newer.messageId(),
                newer.token(), last, Bytes.utf8("tail"))));
        // the registration completes with the newer representation, the first one's download superseded
        assertThat(obs.registered().orTimeout(5, TimeUnit.SECONDS).join().payloadString())
                .isEqualTo("b".repeat(16) + "tail");
        assertThat(Tables.read(client.endpoint(), e -> e.blockwiseDownloads())).isZero();
        assertThat(Tables.read(client.endpoint(), e -> e.clientExchanges())).isEqualTo(1);
    }

    /** The client's next block request (Block2 NUM 1), skipping retransmissions of {@code older}. */
    private Message nextBlockRequest(Message older) {
        for (int i = 0; i < 20; i++) {
            DatagramPacket p = receive(Duration.ofSeconds(5));
            assertThat(p).as("a block request").isNotNull();
            Message m = decode(p);
            if (m.options().block2().isPresent() && (older == null || m.messageId() != older.messageId())) {
                assertThat(m.options().block2().get().num()).isEqualTo(1);
                return m;
            }
        }
        throw new AssertionError("no block request");
    }

    @Test
    void manyDownloadsStayWithinTheClientsByteBudget() {
        EndpointConfig config = EndpointConfig.builder().nstart(64).maxClientBlockwiseBytes(4096)
                .requestTimeout(Duration.ofSeconds(30)).build();
        try (CoapClient c = CoapClient.builder().config(config).build()) {
            String uri = "coap://127.0.0.1:" + evil.getLocalPort() + "/big";
            List<CompletableFuture<Response>> gets = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                gets.add(c.send(Request.get(uri).build()));
            }
            int answered = 0;
            while (answered < 50) { // block 0 of 1024 bytes to each GET; block 1 never comes
                DatagramPacket p = receive(Duration.ofSeconds(10));
                assertThat(p).as("GET %d", answered).isNotNull();
                Message m = decode(p);
                if (m.type() == MessageType.CON && m.options().block2().isEmpty()) {
                    Options o = Options.builder().set(OptionNumber.BLOCK2, new Block(0, true, 6).value())
                            .set(OptionNumber.SIZE2, 60_000).build();
                    byte[] ack = MessageEncoder.encode(new Message(MessageType.ACK, Code.CONTENT, m.messageId(),
                            m.token(), o, Bytes.wrap(new byte[1024])));
                    send(p.getSocketAddress(), ack);
                    answered++;
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> gets.stream().filter(f -> f.isDone()).count() >= 46);
            assertThat(gets.stream().filter(f -> f.isCompletedExceptionally()).map(f -> {
                try {
                    f.join();
                    return null;
                } catch (java.util.concurrent.CompletionException e) {
                    return e.getCause();
                }
            })).as("downloads beyond the 4 KiB budget fail").hasSize(46).allSatisfy(e -> assertThat(e)
                    .isInstanceOf(CoapBlockwiseException.class).hasMessageContaining("maxClientBlockwiseBytes"));
            assertThat(Tables.read(c.endpoint(), e -> e.blockwiseDownloads())).isEqualTo(4);
            assertThat(Tables.read(c.endpoint(), e -> (int) e.blockwiseDownloadBytes())).isLessThanOrEqualTo(4096);
            gets.forEach(f -> f.cancel(false));
        }
        // this test's client is gone; the shared one still works
        String base = "coap://127.0.0.1:" + honest.localAddress().getPort();
        assertThat(client.get(base + "/large").payload().length()).isEqualTo(3000);
    }

    /** A NON 2.05 notification; {@code partial}: block 0 of an announced 64 KiB body (RFC 7959 §2.6). */
    private byte[] notification(Bytes token, int observe, Bytes payload, boolean partial) {
        Options.Builder o = Options.builder().observe(observe);
        if (partial) {
            o.set(OptionNumber.BLOCK2, new Block(0, true, 0).value()).set(OptionNumber.SIZE2, 65_536);
        }
        return MessageEncoder.encode(new Message(MessageType.NON, Code.CONTENT, mid++ & 0xFFFF, token, o.build(),
                payload));
    }

    /** A CoAP ping (§4.3); returns once the client's RST for it arrives. */
    private void pingAndWait(SocketAddress victim) {
        int id = mid++ & 0xFFFF;
        send(victim, new byte[] {0x40, 0, (byte) (id >>> 8), (byte) id});
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            DatagramPacket p = receive(Duration.ofSeconds(10));
            if (p != null && p.getLength() == 4 && (p.getData()[0] & 0xF0) == 0x70
                    && ((p.getData()[2] & 0xFF) << 8 | (p.getData()[3] & 0xFF)) == id) {
                return;
            }
        }
        throw new AssertionError("no RST for the ping");
    }

    private static boolean poll(LinkedBlockingQueue<String> seen, String expected) {
        try {
            for (String s = seen.poll(5, TimeUnit.SECONDS); s != null; s = seen.poll(5, TimeUnit.SECONDS)) {
                if (s.equals(expected)) {
                    return true;
                }
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void send(SocketAddress to, byte[] datagram) {
        try {
            evil.send(new DatagramPacket(datagram, datagram.length, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private DatagramPacket receive(Duration timeout) {
        try {
            evil.setSoTimeout((int) timeout.toMillis());
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            evil.receive(p);
            return p;
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Message decode(DatagramPacket p) {
        DecodeResult r = MessageDecoder.decode(Arrays.copyOf(p.getData(), p.getLength()));
        assertThat(r).isInstanceOf(Message.class);
        return (Message) r;
    }
}
