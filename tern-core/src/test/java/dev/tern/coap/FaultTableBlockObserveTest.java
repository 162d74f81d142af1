package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
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
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Rows 48-65 of the robustness table {@code shared/spec/faults.md} (block-wise, RFC 7959, and
 * Observe, RFC 7641), pinned against a running {@link CoapServer} (or {@link CoapClient}) over real
 * UDP on loopback. The hostile peer is a plain {@link DatagramSocket} sending datagrams made with
 * the codec. Every test ends with {@link #assertStillServes()}.
 */
@DisplayName("faults.md rows 48-65")
class FaultTableBlockObserveTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration SILENCE = Duration.ofMillis(400);
    private static final Duration REPLY = Duration.ofSeconds(2);
    private static final String HELLO = "Hello World!";
    /** 3000 bytes of known text: block N of size S is {@code LARGE.substring(N * S, ...)}. */
    private static final String LARGE = largeText(3000);
    private static final int SZX_64 = 2;

    private static final AtomicInteger NEXT_MID = new AtomicInteger(new Random().nextInt(0x8000));
    private static final ConcurrentLinkedQueue<Bytes> BODIES = new ConcurrentLinkedQueue<>();
    private static final ObservableResource SHARED_OBS = ObservableResource.create();
    private static CoapServer server;

    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private DatagramSocket peer;

    @BeforeAll
    static void startServer() {
        server = start(EndpointConfig.defaults(), SHARED_OBS);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void openPeer() throws IOException {
        peer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        BODIES.clear();
    }

    @AfterEach
    void closeAll() throws Exception {
        peer.close();
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
    }

    static String largeText(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; sb.length() < length; i++) {
            sb.append(String.format("%05d|", i));
        }
        return sb.substring(0, length);
    }

    static CoapServer start(EndpointConfig config, ObservableResource obs) {
        Router router = Router.builder()
                .get("/hello", req -> Response.content(HELLO))
                .get("/large", req -> Response.content(LARGE))
                .get("/plain", req -> Response.content("plain"))
                .put("/upload", req -> {
                    BODIES.add(req.payload());
                    return Response.of(Code.CHANGED);
                })
                .get("/obs", obs.handler(req -> Response.content("state")), RouteOptions.create().observable())
                .build();
        return CoapServer.builder().port(0).bind("127.0.0.1").config(config).service(router).build().start();
    }

    /** A server of its own with {@code config}, closed after the test. */
    CoapServer ownServer(EndpointConfig config, ObservableResource obs) {
        CoapServer s = start(config, obs);
        closeAfter.add(s);
        return s;
    }

    DatagramSocket newSocket() {
        return newSocket(LOOPBACK.getHostAddress());
    }

    /** A socket on {@code address}, one of 127.0.0.0/8 (all loopback on Linux), closed after the test. */
    DatagramSocket newSocket(String address) {
        try {
            DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, 0));
            closeAfter.add(s);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- helpers

    static int mid() {
        return NEXT_MID.getAndIncrement() & 0xFFFF;
    }

    static Bytes tokenFor(int mid) {
        return Bytes.of((byte) 0x7E, (byte) (mid >>> 8), (byte) mid);
    }

    static Option path(String segment) {
        return Option.ofString(OptionNumber.URI_PATH, segment);
    }

    static byte[] encode(MessageType type, Code code, int mid, Bytes token, Bytes payload, Option... options) {
        return MessageEncoder.encode(new Message(type, code, mid, token, Options.of(Arrays.asList(options)), payload));
    }

    static byte[] get(String segment, int mid, Option... extra) {
        return get(segment, mid, tokenFor(mid), extra);
    }

    static byte[] get(String segment, int mid, Bytes token, Option... extra) {
        List<Option> all = new ArrayList<>(List.of(path(segment)));
        all.addAll(List.of(extra));
        return encode(MessageType.CON, Code.GET, mid, token, Bytes.EMPTY, all.toArray(new Option[0]));
    }

    /** A CON PUT /upload carrying one Block1 block, with {@code token}. */
    static byte[] putBlock(int mid, Bytes token, int num, boolean more, int szx, Bytes payload, Option... extra) {
        List<Option> all = new ArrayList<>(List.of(path("upload"),
                new Block(num, more, szx).toOption(OptionNumber.BLOCK1)));
        all.addAll(List.of(extra));
        return encode(MessageType.CON, Code.PUT, mid, token, payload, all.toArray(new Option[0]));
    }

    static Bytes filled(char c, int length) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) c);
        return Bytes.wrap(b);
    }

    static byte[] emptyAck(int mid) {
        return new byte[] {0x60, 0, (byte) (mid >>> 8), (byte) mid};
    }

    static byte[] emptyRst(int mid) {
        return new byte[] {0x70, 0, (byte) (mid >>> 8), (byte) mid};
    }

    static void send(DatagramSocket socket, byte[] datagram, int port) {
        dev.tern.coap.testkit.RawUdp.send(socket, datagram, port);
    }

    /** The next datagram within {@code timeout}, or null. */
    static DatagramPacket receivePacket(DatagramSocket socket, Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
            socket.receive(p);
            return p;
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] receive(DatagramSocket socket, Duration timeout) {
        DatagramPacket p = receivePacket(socket, timeout);
        return p == null ? null : Arrays.copyOf(p.getData(), p.getLength());
    }

    static Message decode(byte[] datagram) {
        DecodeResult r = MessageDecoder.decode(datagram);
        assertThat(r).as("datagram %s", HexFormat.of().formatHex(datagram)).isInstanceOf(Message.class);
        return (Message) r;
    }

    static Message expectMessage(DatagramSocket socket) {
        byte[] d = receive(socket, REPLY);
        if (d == null) {
            fail("expected a datagram within " + REPLY.toMillis() + " ms, got none");
        }
        return decode(d);
    }

    static void assertSilence(DatagramSocket socket) {
        byte[] d = receive(socket, SILENCE);
        if (d != null) {
            fail("expected silence, got " + HexFormat.of().formatHex(d));
        }
    }

    /** Sends a CON request from {@code socket} to {@code port}; asserts a piggybacked {@code code}. */
    static Message expect(DatagramSocket socket, int port, byte[] conRequest, Code code) {
        Message req = decode(conRequest);
        send(socket, conRequest, port);
        Message r = expectMessage(socket);
        assertThat(r.type()).isEqualTo(MessageType.ACK);
        assertThat(r.messageId()).isEqualTo(req.messageId());
        assertThat(r.token()).isEqualTo(req.token());
        assertThat(r.code()).as("response code, payload %s", r.payload().utf8()).isEqualTo(code);
        return r;
    }

    Message expect(byte[] conRequest, Code code) {
        return expect(peer, server.port(), conRequest, code);
    }

    /** The general rule of the table: afterwards the server still answers a normal CON GET /hello. */
    void assertStillServes() {
        assertStillServes(server);
    }

    void assertStillServes(CoapServer s) {
        Message r = expect(peer, s.port(), get("hello", mid()), Code.CONTENT);
        assertThat(r.payload().utf8()).isEqualTo(HELLO);
    }

    /** Registers {@code socket} as an observer of /obs on {@code s}; returns the registration's token. */
    static Bytes register(DatagramSocket socket, CoapServer s) {
        int mid = mid();
        Message r = expect(socket, s.port(), get("obs", mid, Option.ofUint(OptionNumber.OBSERVE, 0)), Code.CONTENT);
        assertThat(r.options().observe()).as("registered").isPresent();
        return r.token();
    }

    /** The next notification for {@code token}; ACKs it when it is a CON. */
    static Message nextNotification(DatagramSocket socket, int port, Bytes token, boolean ack) {
        Message n = expectMessage(socket);
        assertThat(n.token()).isEqualTo(token);
        assertThat(n.type()).isIn(MessageType.CON, MessageType.NON);
        if (ack && n.type() == MessageType.CON) {
            send(socket, emptyAck(n.messageId()), port);
        }
        return n;
    }

    // ---------------------------------------------------------------- block-wise (RFC 7959)

    @Nested
    @DisplayName("block-wise (rows 48-57)")
    class Blockwise {
        @Test
        @DisplayName("row 48: SZX 7 in Block1 or Block2 of a request -> 4.00")
        void row48_szx7IsBadRequest() {
            int mid = mid();
            expect(encode(MessageType.CON, Code.PUT, mid, tokenFor(mid), filled('x', 16), path("upload"),
                    Option.ofUint(OptionNumber.BLOCK1, 0x0F)), Code.BAD_REQUEST); // NUM 0, M 1, SZX 7
            expect(get("large", mid(), Option.ofUint(OptionNumber.BLOCK2, 0x07)), Code.BAD_REQUEST);
            expect(get("large", mid(), Option.ofUint(OptionNumber.BLOCK2, 0x17)), Code.BAD_REQUEST); // NUM 1
            assertThat(BODIES).isEmpty();
            assertStillServes();
        }

        @Test
        @DisplayName("row 49: Block2 request with M=1: M ignored, the block served")
        void row49_block2MoreBitIgnored() {
            Message r = expect(get("large", mid(), new Block(1, true, SZX_64).toOption(OptionNumber.BLOCK2)),
                    Code.CONTENT);
            assertThat(r.options().block2()).contains(new Block(1, true, SZX_64));
            assertThat(r.payload().utf8()).isEqualTo(LARGE.substring(64, 128));
            Message last = expect(get("large", mid(), new Block(46, true, SZX_64).toOption(OptionNumber.BLOCK2)),
                    Code.CONTENT);
            assertThat(last.options().block2()).contains(new Block(46, false, SZX_64));
            assertThat(last.payload().utf8()).isEqualTo(LARGE.substring(46 * 64));
            assertStillServes();
        }

        @Test
        @DisplayName("row 50: Block2 NUM beyond the end of the body -> 4.02 (Tern's choice, as Californium)")
        void row50_block2BeyondEndIsBadOption() {
            expect(get("large", mid(), new Block(47, false, SZX_64).toOption(OptionNumber.BLOCK2)), Code.BAD_OPTION);
            expect(get("large", mid(), new Block(Block.MAX_NUM, false, 6).toOption(OptionNumber.BLOCK2)),
                    Code.BAD_OPTION);
            assertStillServes();
        }

        @Test
        @DisplayName("row 51: Block1 first message with NUM != 0 (no state) -> 4.08")
        void row51_block1WithoutBlockZero() {
            int mid = mid();
            expect(putBlock(mid, tokenFor(mid), 1, true, SZX_64, filled('a', 64)), Code.REQUEST_ENTITY_INCOMPLETE);
            mid = mid();
            expect(putBlock(mid, tokenFor(mid), 3, false, SZX_64, filled('a', 10)), Code.REQUEST_ENTITY_INCOMPLETE);
            assertThat(BODIES).as("the handler never runs").isEmpty();
            assertStillServes();
        }

        @Test
        @DisplayName("row 52: Block1 gap, out of order, final block with blocks missing -> 4.08")
        void row52_block1GapOutOfOrderFinal() {
            Bytes t = tokenFor(mid());
            expect(putBlock(mid(), t, 0, true, SZX_64, filled('a', 64)), Code.CONTINUE);
            // a gap: block 2 after block 0
            expect(putBlock(mid(), t, 2, true, SZX_64, filled('c', 64)), Code.REQUEST_ENTITY_INCOMPLETE);
            // the final block while block 1 is missing
            expect(putBlock(mid(), t, 3, false, SZX_64, filled('d', 10)), Code.REQUEST_ENTITY_INCOMPLETE);
            // block 1 then block 1 again (out of order: the body is already past it)
            expect(putBlock(mid(), t, 1, true, SZX_64, filled('b', 64)), Code.CONTINUE);
            expect(putBlock(mid(), t, 1, true, SZX_64, filled('b', 64)), Code.REQUEST_ENTITY_INCOMPLETE);
            assertThat(BODIES).as("no incomplete body reaches the handler").isEmpty();
            // the in-order body is still whole and correct
            expect(putBlock(mid(), t, 2, false, SZX_64, filled('c', 10)), Code.CHANGED);
            assertThat(BODIES).containsExactly(Bytes.utf8("a".repeat(64) + "b".repeat(64) + "c".repeat(10)));
            assertStillServes();
        }

        @Test
        @DisplayName("row 53: Block1 NUM 2^20-1 with SZX 6, or Size1 beyond the limit -> 4.13 + Size1, quickly")
        void row53_hugeOffsetOrSize1() {
            long limit = EndpointConfig.defaults().maxBodySize();
            for (boolean more : new boolean[] {true, false}) {
                int mid = mid();
                long start = System.nanoTime();
                Message r = expect(putBlock(mid, tokenFor(mid), Block.MAX_NUM, more, 6, filled('z', 1024)),
                        Code.REQUEST_ENTITY_TOO_LARGE);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
                assertThat(r.options().size1()).hasValue(limit);
            }
            int mid = mid();
            Message r = expect(putBlock(mid, tokenFor(mid), 0, true, 6, filled('z', 1024),
                    Option.ofUint(OptionNumber.SIZE1, 1_000_000_000L)), Code.REQUEST_ENTITY_TOO_LARGE);
            assertThat(r.options().size1()).hasValue(limit);
            // nothing was kept: the next block of that "body" finds no state
            mid = mid();
            expect(putBlock(mid, tokenFor(mid), 1, false, 6, filled('z', 10)), Code.REQUEST_ENTITY_INCOMPLETE);
            assertThat(BODIES).isEmpty();
            assertStillServes();
        }

        @Test
        @DisplayName("row 54: an abandoned Block1 transfer is freed within blockwiseLifetime")
        void row54_abandonedTransferExpires() throws InterruptedException {
            Duration lifetime = Duration.ofMillis(300);
            CoapServer s = ownServer(EndpointConfig.builder().blockwiseLifetime(lifetime).maxBlockwiseTransfers(1)
                    .build(), ObservableResource.create());
            Bytes t = tokenFor(mid());
            expect(peer, s.port(), putBlock(mid(), t, 0, true, SZX_64, filled('a', 64)), Code.CONTINUE);
            expect(peer, s.port(), putBlock(mid(), t, 1, true, SZX_64, filled('a', 64)), Code.CONTINUE);
            assertThat(Tables.read(s.endpoint(), e -> e.blockwiseBodies())).isEqualTo(1);
            Thread.sleep(lifetime.toMillis() * 2);
            // the state is gone: continuing the body finds nothing ...
            assertThat(Tables.read(s.endpoint(), e -> e.blockwiseBodies())).isZero();
            expect(peer, s.port(), putBlock(mid(), t, 2, false, SZX_64, filled('b', 10)),
                    Code.REQUEST_ENTITY_INCOMPLETE);
            // ... and the slot is free again for someone else
            DatagramSocket other = newSocket();
            Bytes o = tokenFor(mid());
            expect(other, s.port(), putBlock(mid(), o, 0, true, SZX_64, filled('o', 64)), Code.CONTINUE);
            expect(other, s.port(), putBlock(mid(), o, 1, false, SZX_64, filled('p', 10)), Code.CHANGED);
            assertThat(BODIES).containsExactly(Bytes.utf8("o".repeat(64) + "p".repeat(10)));
            assertStillServes(s);
            assertStillServes();
        }

        @Test
        @DisplayName("row 55: Content-Format changing between Block1 blocks -> 4.08")
        void row55_contentFormatChange() {
            Option text = Option.ofUint(OptionNumber.CONTENT_FORMAT, ContentFormat.TEXT_PLAIN);
            Option json = Option.ofUint(OptionNumber.CONTENT_FORMAT, ContentFormat.JSON);
            Bytes t = tokenFor(mid());
            expect(putBlock(mid(), t, 0, true, SZX_64, filled('a', 64), text), Code.CONTINUE);
            expect(putBlock(mid(), t, 1, false, SZX_64, filled('b', 10), json), Code.REQUEST_ENTITY_INCOMPLETE);
            // and from none to one
            Bytes u = tokenFor(mid());
            expect(putBlock(mid(), u, 0, true, SZX_64, filled('a', 64)), Code.CONTINUE);
            expect(putBlock(mid(), u, 1, false, SZX_64, filled('b', 10), text), Code.REQUEST_ENTITY_INCOMPLETE);
            assertThat(BODIES).isEmpty();
            assertStillServes();
        }

        @Test
        @DisplayName("row 56: more concurrent Block1 bodies than maxBlockwiseTransfers -> the stalest evicted, "
                + "table bounded (FAULTS.md A2.4)")
        void row56_transferCap() {
            int cap = 8;
            CoapServer s = ownServer(EndpointConfig.builder().maxBlockwiseTransfers(cap).build(), ObservableResource.create());
            List<DatagramSocket> peers = new ArrayList<>();
            List<Bytes> tokens = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                DatagramSocket p = newSocket("127.0.3." + (i + 1)); // 64 source addresses
                Bytes t = tokenFor(mid());
                send(p, putBlock(mid(), t, 0, true, SZX_64, filled('a', 64)), s.port());
                assertThat(expectMessage(p).code()).as("a new body is never refused").isEqualTo(Code.CONTINUE);
                peers.add(p);
                tokens.add(t);
            }
            assertThat(Tables.read(s.endpoint(), e -> e.blockwiseBodies())).isEqualTo(cap);
            // a legitimate client: plain requests and single-block bodies are still served
            assertStillServes(s);
            DatagramSocket legit = newSocket();
            int mid = mid();
            expect(legit, s.port(), putBlock(mid, tokenFor(mid), 0, false, SZX_64, filled('s', 20)), Code.CHANGED);
            // the evicted (stalest) bodies are gone; the last cap complete
            expect(peers.get(0), s.port(), putBlock(mid(), tokens.get(0), 1, false, SZX_64, filled('b', 5)),
                    Code.REQUEST_ENTITY_INCOMPLETE);
            for (int i = 64 - cap; i < 64; i++) {
                expect(peers.get(i), s.port(), putBlock(mid(), tokens.get(i), 1, false, SZX_64, filled('b', 5)),
                        Code.CHANGED);
            }
            Bytes t = tokenFor(mid());
            expect(legit, s.port(), putBlock(mid(), t, 0, true, SZX_64, filled('l', 64)), Code.CONTINUE);
            expect(legit, s.port(), putBlock(mid(), t, 1, false, SZX_64, filled('m', 5)), Code.CHANGED);
            assertThat(BODIES).hasSize(cap + 2);
            assertStillServes();
        }

        @Test
        @DisplayName("row 57: two interleaved Block1 bodies to one resource without Request-Tag: never mixed")
        void row57_interleavedBodiesNeverMixed() {
            Bytes ta = tokenFor(mid());
            Bytes tb = tokenFor(mid());
            // A0, B0 (a new body replaces A's), A1: A's late block must not join B's body
            expect(putBlock(mid(), ta, 0, true, SZX_64, filled('A', 64)), Code.CONTINUE);
            expect(putBlock(mid(), tb, 0, true, SZX_64, filled('B', 64)), Code.CONTINUE);
            expect(putBlock(mid(), ta, 1, false, SZX_64, filled('A', 10)), Code.REQUEST_ENTITY_INCOMPLETE);
            expect(putBlock(mid(), tb, 1, false, SZX_64, filled('B', 10)), Code.CHANGED);
            // A0, B0, B1 (B done), A1: nothing to join
            ta = tokenFor(mid());
            tb = tokenFor(mid());
            expect(putBlock(mid(), ta, 0, true, SZX_64, filled('A', 64)), Code.CONTINUE);
            expect(putBlock(mid(), tb, 0, true, SZX_64, filled('B', 64)), Code.CONTINUE);
            expect(putBlock(mid(), tb, 1, false, SZX_64, filled('B', 10)), Code.CHANGED);
            expect(putBlock(mid(), ta, 1, false, SZX_64, filled('A', 10)), Code.REQUEST_ENTITY_INCOMPLETE);
            // three bodies: A0, B0, C0, then the late blocks of A and B
            ta = tokenFor(mid());
            tb = tokenFor(mid());
            Bytes tc = tokenFor(mid());
            expect(putBlock(mid(), ta, 0, true, SZX_64, filled('A', 64)), Code.CONTINUE);
            expect(putBlock(mid(), tb, 0, true, SZX_64, filled('B', 64)), Code.CONTINUE);
            expect(putBlock(mid(), tc, 0, true, SZX_64, filled('C', 64)), Code.CONTINUE);
            expect(putBlock(mid(), ta, 1, true, SZX_64, filled('A', 64)), Code.REQUEST_ENTITY_INCOMPLETE);
            expect(putBlock(mid(), tb, 1, false, SZX_64, filled('B', 10)), Code.REQUEST_ENTITY_INCOMPLETE);
            expect(putBlock(mid(), tc, 1, false, SZX_64, filled('C', 10)), Code.CHANGED);
            // from two endpoints the bodies are separate and both complete
            DatagramSocket other = newSocket();
            expect(putBlock(mid(), ta, 0, true, SZX_64, filled('A', 64)), Code.CONTINUE);
            expect(other, server.port(), putBlock(mid(), tb, 0, true, SZX_64, filled('B', 64)), Code.CONTINUE);
            expect(putBlock(mid(), ta, 1, false, SZX_64, filled('A', 10)), Code.CHANGED);
            expect(other, server.port(), putBlock(mid(), tb, 1, false, SZX_64, filled('B', 10)), Code.CHANGED);

            assertThat(BODIES).as("whole, unmixed bodies only").containsExactly(
                    Bytes.utf8("B".repeat(74)), Bytes.utf8("B".repeat(74)), Bytes.utf8("C".repeat(74)),
                    Bytes.utf8("A".repeat(74)), Bytes.utf8("B".repeat(74)));
            assertStillServes();
        }
    }

    // ---------------------------------------------------------------- observe (RFC 7641), server side

    @Nested
    @DisplayName("observe, server side (rows 58-62, 65)")
    class ObserveServer {
        @Test
        @DisplayName("row 58: Observe=0 on a non-observable resource, or beyond maxObservers -> 2.05 without Observe")
        void row58_notObservableOrCapReached() {
            Message plain = expect(get("plain", mid(), Option.ofUint(OptionNumber.OBSERVE, 0)), Code.CONTENT);
            assertThat(plain.options().observe()).isEmpty();
            assertThat(plain.payload().utf8()).isEqualTo("plain");

            ObservableResource obs = ObservableResource.create();
            CoapServer s = ownServer(EndpointConfig.builder().maxObservers(1).build(), obs);
            Bytes token = register(peer, s);
            DatagramSocket second = newSocket();
            Message r = expect(second, s.port(), get("obs", mid(), Option.ofUint(OptionNumber.OBSERVE, 0)),
                    Code.CONTENT);
            assertThat(r.options().observe()).as("served as a plain GET").isEmpty();
            assertThat(r.payload().utf8()).isEqualTo("state");
            assertThat(obs.observerCount()).isEqualTo(1);
            obs.changed();
            assertThat(nextNotification(peer, s.port(), token, true).code()).isEqualTo(Code.CONTENT);
            assertSilence(second);
            assertStillServes(s);
            assertStillServes();
        }

        @Test
        @DisplayName("row 59: Observe=1 for an unknown registration -> a normal GET")
        void row59_deregisterUnknown() {
            Message r = expect(get("obs", mid(), Option.ofUint(OptionNumber.OBSERVE, 1)), Code.CONTENT);
            assertThat(r.options().observe()).isEmpty();
            assertThat(r.payload().utf8()).isEqualTo("state");
            assertThat(SHARED_OBS.observerCount()).isZero();
            assertStillServes();
        }

        @Test
        @DisplayName("row 60: RST to a notification (NON or CON) removes the observer")
        void row60_resetRemovesObserver() {
            for (ObservableResource obs : List.of(ObservableResource.create(), ObservableResource.confirmable())) {
                CoapServer s = ownServer(EndpointConfig.defaults(), obs);
                Bytes token = register(peer, s);
                assertThat(obs.observerCount()).isEqualTo(1);
                obs.changed();
                Message n = nextNotification(peer, s.port(), token, false);
                assertThat(n.type()).isEqualTo(obs.isConfirmable() ? MessageType.CON : MessageType.NON);
                send(peer, emptyRst(n.messageId()), s.port());
                await().atMost(2, TimeUnit.SECONDS).until(() -> obs.observerCount() == 0);
                obs.changed();
                assertSilence(peer);
                assertStillServes(s);
            }
            assertStillServes();
        }

        @Test
        @DisplayName("row 61: a CON notification never ACKed removes the observer after MAX_RETRANSMIT")
        void row61_unackedConRemovesObserver() {
            ObservableResource obs = ObservableResource.confirmable();
            CoapServer s = ownServer(EndpointConfig.builder().ackTimeout(Duration.ofMillis(50)).ackRandomFactor(1.0)
                    .maxRetransmit(2).build(), obs);
            Bytes token = register(peer, s);
            obs.changed();
            Message first = nextNotification(peer, s.port(), token, false);
            assertThat(first.type()).isEqualTo(MessageType.CON);
            int copies = 1;
            for (byte[] d = receive(peer, SILENCE); d != null; d = receive(peer, SILENCE)) {
                Message m = decode(d);
                assertThat(m.messageId()).as("a retransmission").isEqualTo(first.messageId());
                copies++;
            }
            assertThat(copies).as("1 + MAX_RETRANSMIT transmissions").isEqualTo(3);
            await().atMost(2, TimeUnit.SECONDS).until(() -> obs.observerCount() == 0);
            obs.changed();
            assertSilence(peer);
            assertStillServes(s);
            assertStillServes();
        }

        @Test
        @DisplayName("row 62 (server): terminate(4.04) sends 4.04 without Observe and ends the relation")
        void row62_errorNotificationEndsObservation() {
            ObservableResource obs = ObservableResource.create();
            CoapServer s = ownServer(EndpointConfig.defaults(), obs);
            Bytes token = register(peer, s);
            obs.terminate(Code.NOT_FOUND);
            Message n = nextNotification(peer, s.port(), token, true);
            assertThat(n.code()).isEqualTo(Code.NOT_FOUND);
            assertThat(n.options().observe()).as("an error notification has no Observe").isEmpty();
            assertThat(obs.observerCount()).as("the relation ends before the 4.04 is sent").isZero();
            obs.changed();
            assertSilence(peer);
            assertStillServes(s);
            assertStillServes();
        }

        @Test
        @DisplayName("row 65: NON notifications: a CON at least every conNotificationInterval (3)")
        void row65_periodicConNotification() {
            int interval = 3;
            ObservableResource obs = ObservableResource.create();
            CoapServer s = ownServer(EndpointConfig.builder().conNotificationInterval(interval).build(), obs);
            Bytes token = register(peer, s);
            List<MessageType> types = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                obs.changed();
                types.add(nextNotification(peer, s.port(), token, true).type());
            }
            for (int i = 0; i + interval <= types.size(); i++) {
                assertThat(types.subList(i, i + interval)).as("notifications %d..%d of %s", i, i + interval - 1, types)
                        .contains(MessageType.CON);
            }
            assertThat(types).contains(MessageType.NON);
            assertThat(obs.observerCount()).isEqualTo(1);
            assertStillServes(s);
            assertStillServes();
        }
    }

    // ---------------------------------------------------------------- observe (RFC 7641), client side

    @Nested
    @DisplayName("observe, client side (rows 62-64)")
    class ObserveClient {
        private CoapClient client;
        private DatagramSocket fakeServer;
        private final List<String> seen = new CopyOnWriteArrayList<>();

        @BeforeEach
        void open() throws IOException {
            client = CoapClient.create();
            fakeServer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        }

        @AfterEach
        void close() {
            client.close();
            fakeServer.close();
        }

        /** Starts an observation of the fake server; answers the registration with Observe {@code seq}. */
        Observation observe(int seq) {
            Observation o = client.observe(Request.get("coap://127.0.0.1:" + fakeServer.getLocalPort() + "/obs")
                    .build(), r -> seen.add(r.code() + " " + r.payloadString()));
            DatagramPacket p = receivePacket(fakeServer, REPLY);
            assertThat(p).as("the registration").isNotNull();
            Message req = decode(Arrays.copyOf(p.getData(), p.getLength()));
            assertThat(req.options().observe()).hasValue(0);
            clientPort = p.getPort();
            registrationToken = req.token();
            send(fakeServer, MessageEncoder.encode(new Message(MessageType.ACK, Code.CONTENT, req.messageId(),
                    req.token(), Options.of(Option.ofUint(OptionNumber.OBSERVE, seq)), Bytes.utf8("reg"))),
                    clientPort);
            assertThat(o.registered().orTimeout(2, TimeUnit.SECONDS).join().payloadString()).isEqualTo("reg");
            return o;
        }

        private int clientPort;
        private Bytes registrationToken;

        void notify(MessageType type, Code code, int mid, Integer seq, String payload) {
            Options options = seq == null ? Options.EMPTY : Options.of(Option.ofUint(OptionNumber.OBSERVE, seq));
            send(fakeServer, MessageEncoder.encode(new Message(type, code, mid, registrationToken, options,
                    Bytes.utf8(payload))), clientPort);
        }

        /** The client still works: it talks to the real server. */
        void assertClientStillWorks() {
            assertThat(client.get("coap://127.0.0.1:" + server.port() + "/hello").payloadString()).isEqualTo(HELLO);
        }

        @Test
        @DisplayName("row 62 (client): an error notification ends the Observation")
        void row62_clientEndsOnErrorNotification() {
            Observation o = observe(2);
            int mid = mid();
            notify(MessageType.CON, Code.NOT_FOUND, mid, null, "gone");
            byte[] ack = receive(fakeServer, REPLY);
            assertThat(ack).as("the client ACKs the CON notification").containsExactly(emptyAck(mid));
            o.ended().orTimeout(2, TimeUnit.SECONDS).join();
            assertThat(o.isActive()).isFalse();
            assertThat(seen).containsExactly("2.05 reg", "4.04 gone");
            assertClientStillWorks();
            assertStillServes();
        }

        @Test
        @DisplayName("row 63: a notification with an unknown token at the client -> RST")
        void row63_unknownTokenGetsReset() {
            int port = client.localAddress().getPort();
            int mid = mid();
            send(peer, encode(MessageType.CON, Code.CONTENT, mid, Bytes.fromHex("deadbeef"), Bytes.utf8("who?"),
                    Option.ofUint(OptionNumber.OBSERVE, 7)), port);
            assertThat(receive(peer, REPLY)).as("empty RST echoing MID %04x", mid).containsExactly(emptyRst(mid));
            // also while an observation is active, with a token other than its own
            Observation o = observe(2);
            mid = mid();
            send(fakeServer, encode(MessageType.CON, Code.CONTENT, mid, Bytes.fromHex("0badf00d"),
                    Bytes.utf8("who?"), Option.ofUint(OptionNumber.OBSERVE, 9)), clientPort);
            assertThat(receive(fakeServer, REPLY)).containsExactly(emptyRst(mid));
            assertThat(seen).containsExactly("2.05 reg");
            assertThat(o.isActive()).isTrue();
            assertClientStillWorks();
            assertStillServes();
        }

        @Test
        @DisplayName("row 64: a reordered (older) notification is discarded by the client")
        void row64_olderNotificationDiscarded() {
            observe(2);
            notify(MessageType.NON, Code.CONTENT, mid(), 10, "ten");
            notify(MessageType.NON, Code.CONTENT, mid(), 5, "five");
            notify(MessageType.NON, Code.CONTENT, mid(), 11, "eleven");
            await().atMost(2, TimeUnit.SECONDS).until(() -> seen.contains("2.05 eleven"));
            assertThat(seen).containsExactly("2.05 reg", "2.05 ten", "2.05 eleven");
            // the "newer after 128 s" sub-case (§3.4) is left out: it takes over two minutes of real time
            assertClientStillWorks();
            assertStillServes();
        }
    }
}
