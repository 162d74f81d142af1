package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import dev.tern.coap.internal.engine.CoapEndpoint;
import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.Transport;
import java.io.ByteArrayOutputStream;
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
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rows 1-47 of the robustness table {@code shared/spec/faults.md}, pinned against a running
 * {@link CoapServer} over real UDP on loopback. The hostile peer is a plain {@link DatagramSocket}
 * that sends hand-made datagrams (hex where the codec cannot produce them).
 *
 * <p>"Format error" (RFC 7252 §4.2, §4.3): a CON gets an empty RST with the same Message ID
 * ({@code 70 00 MID MID}), a NON, ACK or RST gets silence. Every test ends with
 * {@link #assertStillServes()}: the server still answers a normal CON GET /hello with 2.05.
 */
@DisplayName("faults.md rows 1-47")
class FaultTableTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration SILENCE = Duration.ofMillis(400);
    private static final Duration REPLY = Duration.ofSeconds(2);
    private static final String HELLO = "Hello World!";
    private static final int UNKNOWN_CRITICAL = 13;
    private static final int UNKNOWN_ELECTIVE = 2048;
    private static final Bytes ITEM = Bytes.utf8("v1");

    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static final AtomicReference<Bytes> ITEM_STATE = new AtomicReference<>(ITEM);
    private static final AtomicInteger NEXT_MID = new AtomicInteger(new Random().nextInt(0x8000));
    private static CoapServer server;

    private DatagramSocket peer;

    @BeforeAll
    static void startServer() {
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(router()).build().start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    static Router router() {
        return Router.builder()
                .get("/hello", req -> Response.content(HELLO), RouteOptions.create().multicast(true)) // row 47: answers groups
                .post("/counter", req -> Response.builder(Code.CHANGED)
                        .payload(Integer.toString(COUNTER.incrementAndGet())).build())
                .put("/item", req -> Preconditions.check(req, Optional.of(Preconditions.etagOf(ITEM_STATE.get())))
                        .orElseGet(() -> {
                            ITEM_STATE.set(req.payload());
                            return Response.of(Code.CHANGED);
                        }))
                .get("/text", req -> Response.content("plain"),
                        RouteOptions.create().produces(ContentFormat.TEXT_PLAIN))
                .post("/text", req -> Response.of(Code.CHANGED),
                        RouteOptions.create().consumes(ContentFormat.TEXT_PLAIN))
                .build();
    }

    @BeforeEach
    void openPeer() throws IOException {
        peer = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
    }

    @AfterEach
    void closePeer() {
        peer.close();
    }

    // ---------------------------------------------------------------- helpers

    static int mid() {
        return NEXT_MID.getAndIncrement() & 0xFFFF;
    }

    static Bytes tokenFor(int mid) {
        return Bytes.of((byte) 0x7E, (byte) (mid >>> 8), (byte) mid);
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replace(" ", ""));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** The 4-byte header: version 1, {@code type}, token length, code, Message ID. */
    static byte[] header(int type, int tkl, int code, int mid) {
        return new byte[] {(byte) (0x40 | type << 4 | tkl), (byte) code, (byte) (mid >>> 8), (byte) mid};
    }

    static Option path(String segment) {
        return Option.ofString(OptionNumber.URI_PATH, segment);
    }

    static Option opt(int number, byte... value) {
        return new Option(number, Bytes.of(value));
    }

    static byte[] encode(MessageType type, Code code, int mid, Bytes payload, Option... options) {
        return MessageEncoder.encode(new Message(type, code, mid, tokenFor(mid),
                Options.of(Arrays.asList(options)), payload));
    }

    static byte[] request(MessageType type, Code code, int mid, Option... options) {
        return encode(type, code, mid, Bytes.EMPTY, options);
    }

    static byte[] getHello(MessageType type, int mid, Option... extra) {
        List<Option> all = new ArrayList<>(List.of(path("hello")));
        all.addAll(List.of(extra));
        return request(type, Code.GET, mid, all.toArray(new Option[0]));
    }

    void send(byte[] datagram) {
        send(peer, datagram, server.port());
    }

    static void send(DatagramSocket socket, byte[] datagram, int port) {
        dev.tern.coap.testkit.RawUdp.send(socket, datagram, port);
    }

    /** The next datagram within {@code timeout}, or null. */
    static byte[] receive(DatagramSocket socket, Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            DatagramPacket p = new DatagramPacket(new byte[65536], 65536);
            socket.receive(p);
            return Arrays.copyOf(p.getData(), p.getLength());
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] expectDatagram(DatagramSocket socket) {
        byte[] d = receive(socket, REPLY);
        if (d == null) {
            fail("expected a reply within " + REPLY.toMillis() + " ms, got none");
        }
        return d;
    }

    static Message decode(byte[] datagram) {
        DecodeResult r = MessageDecoder.decode(datagram);
        assertThat(r).as("reply %s", HexFormat.of().formatHex(datagram)).isInstanceOf(Message.class);
        return (Message) r;
    }

    /** Sends and returns the decoded reply. */
    Message exchange(byte[] datagram) {
        send(datagram);
        return decode(expectDatagram(peer));
    }

    /** Sends and asserts nothing comes back for {@link #SILENCE}. */
    void expectSilence(byte[] datagram) {
        send(datagram);
        assertSilence(peer);
    }

    static void assertSilence(DatagramSocket socket) {
        byte[] d = receive(socket, SILENCE);
        if (d != null) {
            fail("expected silence, got " + HexFormat.of().formatHex(d));
        }
    }

    /** Sends and asserts the reply is exactly the empty RST {@code 70 00 MID MID}. */
    void expectReset(byte[] datagram, int mid) {
        send(datagram);
        assertThat(expectDatagram(peer)).as("empty RST echoing MID %04x", mid)
                .containsExactly(0x70, 0x00, mid >>> 8, mid & 0xFF);
    }

    /** Sends a CON request and asserts a piggybacked response with {@code code}; returns it. */
    Message expectPiggybacked(byte[] conRequest, Code code) {
        Message req = decode(conRequest);
        Message r = exchange(conRequest);
        assertThat(r.type()).isEqualTo(MessageType.ACK);
        assertThat(r.messageId()).isEqualTo(req.messageId());
        assertThat(r.token()).isEqualTo(req.token());
        assertThat(r.code()).as("response code, payload %s", r.payload().utf8()).isEqualTo(code);
        return r;
    }

    /** The general rule of the table: afterwards the server still answers a normal CON GET /hello. */
    void assertStillServes() {
        int mid = mid();
        Message r = expectPiggybacked(getHello(MessageType.CON, mid), Code.CONTENT);
        assertThat(r.payload().utf8()).isEqualTo(HELLO);
    }

    // ---------------------------------------------------------------- §3 header and token

    @Nested
    @DisplayName("header and token (rows 1-8)")
    class HeaderAndToken {
        @ParameterizedTest(name = "row 1: {0}-byte datagram is dropped")
        @ValueSource(ints = {0, 1, 2, 3})
        @DisplayName("row 1: datagram of 0-3 bytes: dropped silently")
        void row01_shortDatagramDropped(int length) {
            expectSilence(Arrays.copyOf(hex("40 01 12 34"), length));
            assertStillServes();
        }

        @ParameterizedTest(name = "row 2: version {0}, type {1}: silence")
        @CsvSource({"0,0", "0,1", "0,2", "0,3", "2,0", "2,1", "2,2", "2,3", "3,0", "3,1", "3,2", "3,3"})
        @DisplayName("row 2: version 0, 2 or 3: silently ignored, never RST")
        void row02_otherVersionsIgnored(int version, int type) {
            byte[] d = getHello(MessageType.CON, mid());
            d[0] = (byte) (version << 6 | type << 4 | (d[0] & 0x0F));
            expectSilence(d);
            // also a version-0 empty header and an unreadable one
            byte[] empty = header(type, 0, 0, mid());
            empty[0] = (byte) (version << 6 | type << 4);
            expectSilence(empty);
            assertStillServes();
        }

        @ParameterizedTest(name = "row 3: TKL {0} on a CON: RST")
        @ValueSource(ints = {9, 10, 11, 12})
        @DisplayName("row 3: TKL 9-12 (no extended tokens): format error, CON -> RST")
        void row03_tkl9to12IsFormatError(int tkl) {
            int mid = mid();
            byte[] d = concat(header(0, tkl, 0x01, mid), new byte[tkl], hex("b5 68656c6c6f"));
            expectReset(d, mid);
            byte[] non = concat(header(1, tkl, 0x01, mid()), new byte[tkl], hex("b5 68656c6c6f"));
            expectSilence(non);
            assertStillServes();
        }

        @ParameterizedTest(name = "row 4: {0}")
        @CsvSource({"TKL 13 without its extension byte, 4d", "TKL 14 with 1 of 2 extension bytes, 4e 00",
                "TKL 14 without extension bytes, 4e"})
        @DisplayName("row 4: TKL 13/14 with missing extension bytes: format error")
        void row04_tkl13or14MissingExtension(String what, String firstBytes) {
            int mid = mid();
            byte[] d = concat(hex(firstBytes.substring(0, 2) + "01"), new byte[] {(byte) (mid >>> 8), (byte) mid},
                    hex(firstBytes.substring(2)));
            expectReset(d, mid);
            assertStillServes();
        }

        @Test
        @DisplayName("row 5: TKL 15: format error always")
        void row05_tkl15() {
            int mid = mid();
            expectReset(concat(header(0, 15, 0x01, mid), new byte[20]), mid);
            expectSilence(concat(header(1, 15, 0x01, mid()), new byte[20]));
            expectSilence(concat(header(2, 15, 0x45, mid()), new byte[20]));
            assertStillServes();
        }

        @ParameterizedTest(name = "row 6: TKL {0} with {1} token bytes: RST")
        @CsvSource({"1,0", "4,0", "8,3", "8,7"})
        @DisplayName("row 6: TKL larger than the remaining bytes: format error")
        void row06_tklBeyondDatagram(int tkl, int present) {
            int mid = mid();
            expectReset(concat(header(0, tkl, 0x01, mid), new byte[present]), mid);
            assertStillServes();
        }

        @ParameterizedTest(name = "row 6: TKL {0} announcing {1} token bytes, {2} present: RST")
        @CsvSource({"13, 00, 12", "13, ff, 100", "14, 0000, 268", "14, ffff, 1000"})
        @DisplayName("row 6: extended token longer than the remaining bytes: format error")
        void row06_extendedTokenBeyondDatagram(int tkl, String extension, int present) {
            int mid = mid();
            expectReset(concat(header(0, tkl, 0x01, mid), hex(extension), new byte[present]), mid);
            assertStillServes();
        }

        /** A CON GET /hello with an extended token of {@code length} bytes (RFC 8974 §2.1). */
        static byte[] getHelloWithToken(MessageType type, int mid, int length) {
            byte[] token = new byte[length];
            for (int i = 0; i < length; i++) {
                token[i] = (byte) (mid + i);
            }
            return MessageEncoder.encode(new Message(type, Code.GET, mid, Bytes.wrap(token),
                    Options.of(path("hello")), Bytes.EMPTY));
        }

        /**
         * RFC 8974 §2.2.2: a server that supports extended tokens but not this length must not
         * reject the message (an RST would tell the client extended tokens are not supported at
         * all) but answer 4.00. The default {@code maxTokenLength} is 32 bytes: 32 is served, 33
         * and a 1000-byte TKL 14 token get 4.00 carrying the token, a CON piggybacked, a NON as NON.
         */
        @Test
        @DisplayName("row 7: extended token accepted by the parser but over maxTokenLength: 4.00, not RST")
        void row07_extendedTokenOverLimitGets400() {
            Message ok = expectPiggybacked(getHelloWithToken(MessageType.CON, mid(), 32), Code.CONTENT);
            assertThat(ok.payload().utf8()).isEqualTo(HELLO);
            assertThat(ok.token().length()).isEqualTo(32);

            Message r = expectPiggybacked(getHelloWithToken(MessageType.CON, mid(), 33), Code.BAD_REQUEST);
            assertThat(r.token().length()).isEqualTo(33);
            expectPiggybacked(getHelloWithToken(MessageType.CON, mid(), 1000), Code.BAD_REQUEST);

            byte[] non = getHelloWithToken(MessageType.NON, mid(), 300);
            Message nonReply = exchange(non);
            assertThat(nonReply.type()).isEqualTo(MessageType.NON);
            assertThat(nonReply.code()).isEqualTo(Code.BAD_REQUEST);
            assertThat(nonReply.token()).isEqualTo(decode(non).token());
            assertStillServes();
        }

        /**
         * The 4.00 for an over-long token echoes the token (RFC 7252 §5.3.2), so a peer controls its
         * size, up to 65 804 bytes. Recording it in the deduplication cache would let a flood of
         * such requests park up to maxDeduplicationEntries x 64 KiB of replies (6 GiB with the
         * defaults): it is sent, not recorded, and a retransmission of the request is dropped as
         * a duplicate. A flood of 60 000-byte tokens gets its 4.00s and the server keeps serving.
         */
        @Test
        @DisplayName("row 7: the 4.00 echoing an over-long token is not kept in the deduplication cache")
        void row07_overLongTokenRepliesAreNotCached() {
            int mid = mid();
            byte[] request = getHelloWithToken(MessageType.CON, mid, 60_000);
            Message r = exchange(request);
            assertThat(r.code()).isEqualTo(Code.BAD_REQUEST);
            assertThat(r.token().length()).isEqualTo(60_000);
            expectSilence(request); // the retransmission: a duplicate with no reply recorded
            for (int i = 0; i < 50; i++) {
                send(getHelloWithToken(MessageType.CON, mid(), 60_000));
            }
            for (int i = 0; i < 50; i++) {
                byte[] d = receive(peer, REPLY);
                if (d == null) {
                    break; // the kernel may drop some of 3 MB of replies on loopback; the server must not care
                }
                assertThat(decode(d).code()).isEqualTo(Code.BAD_REQUEST);
            }
            assertStillServes();
        }

        @ParameterizedTest(name = "row 8: {0}")
        @CsvSource({"0.00 with a 1-byte token, 41, 7f", "0.00 with an option, 40, b5 68656c6c6f",
                "0.00 with a payload, 40, ff 41", "0.00 with a lone payload marker, 40, ff"})
        @DisplayName("row 8: code 0.00 with token, options or payload: format error")
        void row08_emptyCodeWithContent(String what, String firstByte, String rest) {
            int mid = mid();
            byte[] con = concat(hex(firstByte + "00"), new byte[] {(byte) (mid >>> 8), (byte) mid}, hex(rest));
            expectReset(con, mid);
            byte[] non = con.clone();
            non[0] = (byte) (non[0] | 0x10);
            non[3] ^= 1;
            expectSilence(non);
            assertStillServes();
        }
    }

    // ---------------------------------------------------------------- §4 message types and codes

    @Nested
    @DisplayName("message types and codes (rows 9-18)")
    class TypesAndCodes {
        @Test
        @DisplayName("row 9: empty CON (CoAP ping): RST with the same MID")
        void row09_pingGetsReset() {
            int mid = mid();
            expectReset(header(0, 0, 0, mid), mid);
            assertStillServes();
        }

        @Test
        @DisplayName("row 10: empty NON: silently ignored")
        void row10_emptyNonIgnored() {
            expectSilence(header(1, 0, 0, mid()));
            assertStillServes();
        }

        @ParameterizedTest(name = "row 11: empty {0} with an unknown MID: silence")
        @ValueSource(strings = {"ACK", "RST"})
        @DisplayName("row 11: empty ACK / RST with unknown MID: ignored")
        void row11_emptyAckOrRstIgnored(String type) {
            expectSilence(header(type.equals("ACK") ? 2 : 3, 0, 0, mid()));
            assertStillServes();
        }

        @ParameterizedTest(name = "row 12: RST with code {0}: silence")
        @ValueSource(ints = {0x01, 0x45, 0x84})
        @DisplayName("row 12: RST that is not empty: ignored")
        void row12_nonEmptyRstIgnored(int code) {
            int mid = mid();
            expectSilence(concat(header(3, 1, code, mid), hex("01 b5 68656c6c6f")));
            assertStillServes();
        }

        @ParameterizedTest(name = "row 13: ACK with request code 0.{0}: silence")
        @ValueSource(ints = {1, 2, 3, 4, 5, 31})
        @DisplayName("row 13: ACK carrying a request code: ignored")
        void row13_ackWithRequestCodeIgnored(int detail) {
            expectSilence(concat(header(2, 1, detail, mid()), hex("01 b5 68656c6c6f")));
            assertStillServes();
        }

        @ParameterizedTest(name = "row 14: {0} with code {1}.{2}: silence")
        @CsvSource({"2,1,0", "2,6,0", "2,7,31", "3,1,0", "3,6,5", "3,7,31"})
        @DisplayName("row 14: ACK/RST with reserved class 1, 6, 7: ignored")
        void row14_ackOrRstWithReservedClassIgnored(int type, int cls, int detail) {
            expectSilence(concat(header(type, 0, cls << 5 | detail, mid()), hex("b5 68656c6c6f")));
            assertStillServes();
        }

        @ParameterizedTest(name = "row 15: CON with code {0}.{1}: RST")
        @CsvSource({"1,0", "1,31", "6,0", "6,5", "7,0", "7,31"})
        @DisplayName("row 15: CON with reserved class 1.xx/6.xx/7.xx: RST")
        void row15_conWithReservedClassGetsReset(int cls, int detail) {
            int mid = mid();
            expectReset(concat(header(0, 1, cls << 5 | detail, mid), hex("01 b5 68656c6c6f")), mid);
            assertStillServes();
        }

        @ParameterizedTest(name = "row 16: NON with code {0}.{1}: silence")
        @CsvSource({"1,0", "6,0", "7,31"})
        @DisplayName("row 16: NON with reserved class: ignored")
        void row16_nonWithReservedClassIgnored(int cls, int detail) {
            expectSilence(concat(header(1, 1, cls << 5 | detail, mid()), hex("01 b5 68656c6c6f")));
            assertStillServes();
        }

        @Test
        @DisplayName("row 17: response with an unknown token at the server: CON -> RST, NON -> ignored")
        void row17_unknownTokenResponseAtServer() {
            int mid = mid();
            expectReset(encode(MessageType.CON, Code.CONTENT, mid, Bytes.utf8("unsolicited")), mid);
            expectSilence(encode(MessageType.NON, Code.CONTENT, mid(), Bytes.utf8("unsolicited")));
            assertStillServes();
        }

        @Test
        @DisplayName("row 17: response with an unknown token at the client: CON -> RST, NON -> ignored")
        void row17_unknownTokenResponseAtClient() throws Exception {
            try (CoapClient client = CoapClient.builder().bind(new InetSocketAddress(LOOPBACK, 0)).build()) {
                int port = client.localAddress().getPort();
                int mid = mid();
                send(peer, encode(MessageType.CON, Code.CONTENT, mid, Bytes.utf8("unsolicited")), port);
                assertThat(expectDatagram(peer)).containsExactly(0x70, 0x00, mid >>> 8, mid & 0xFF);
                send(peer, encode(MessageType.NON, Code.CONTENT, mid(), Bytes.utf8("unsolicited")), port);
                assertSilence(peer);
                // the client still works
                assertThat(client.get("coap://127.0.0.1:" + server.port() + "/hello").payloadString())
                        .isEqualTo(HELLO);
            }
            assertStillServes();
        }

        @ParameterizedTest(name = "row 18: method code 0.{0}: 4.05")
        @ValueSource(ints = {5, 6, 7, 8, 9, 17, 31})
        @DisplayName("row 18: method code not implemented for the resource or unknown (0.05-0.31): 4.05 piggybacked")
        void row18_unsupportedMethodIs405(int detail) {
            int mid = mid();
            expectPiggybacked(request(MessageType.CON, Code.fromWire(detail), mid, path("hello")),
                    Code.METHOD_NOT_ALLOWED);
            assertStillServes();
        }
    }

    // ---------------------------------------------------------------- §3.1 option encoding

    @Nested
    @DisplayName("option encoding (rows 19-26)")
    class OptionEncoding {
        /** A CON GET with token 01 followed by {@code tail}; the reply must be the RST. */
        void expectResetFor(String tail) {
            int mid = mid();
            expectReset(concat(header(0, 1, 0x01, mid), hex("01"), hex(tail)), mid);
            // the same bytes in a NON: silence
            expectSilence(concat(header(1, 1, 0x01, mid()), hex("01"), hex(tail)));
        }

        @ParameterizedTest(name = "row 19: option byte {0}")
        @ValueSource(strings = {"f0", "f5 00000000 00", "fe", "b5 68656c6c6f f1 00"})
        @DisplayName("row 19: option delta nibble 15 but byte != 0xFF: format error")
        void row19_deltaNibble15(String tail) {
            expectResetFor(tail);
            assertStillServes();
        }

        @ParameterizedTest(name = "row 20: option byte {0}")
        @ValueSource(strings = {"0f", "bf 68656c6c6f", "b5 68656c6c6f 1f 00"})
        @DisplayName("row 20: option length nibble 15: format error")
        void row20_lengthNibble15(String tail) {
            expectResetFor(tail);
            assertStillServes();
        }

        @ParameterizedTest(name = "row 21: {0}")
        @ValueSource(strings = {"d0", "0d", "dd 00", "b5 68656c6c6f d1"})
        @DisplayName("row 21: delta/length 13 with the extension byte missing: format error")
        void row21_ext8Missing(String tail) {
            expectResetFor(tail);
            assertStillServes();
        }

        @ParameterizedTest(name = "row 22: {0}")
        @ValueSource(strings = {"e0", "e0 00", "0e", "0e 00", "ee 00 00 00"})
        @DisplayName("row 22: delta/length 14 with 0 or 1 of 2 extension bytes: format error")
        void row22_ext16Missing(String tail) {
            expectResetFor(tail);
            assertStillServes();
        }

        @ParameterizedTest(name = "row 23: {0}")
        @ValueSource(strings = {"b5 6865", "b1", "bd 00 6868", "be 0000 68"})
        @DisplayName("row 23: option value beyond the datagram end: format error")
        void row23_valueBeyondEnd(String tail) {
            expectResetFor(tail);
            assertStillServes();
        }

        @ParameterizedTest(name = "row 24: {0}")
        @ValueSource(strings = {"e0 ffff", "b5 68656c6c6f e0 fef5", "e0 fef1 e0 0000"})
        @DisplayName("row 24: cumulative option number > 65535: format error (RST), never wraps")
        void row24_optionNumberOverflow(String tail) {
            // 65804; 11 + 65538 = 65549; 65534 + 269 = 65803 (each would wrap mod 65536 onto a small number)
            expectResetFor(tail);
            assertStillServes();
        }

        @Test
        @DisplayName("row 25: payload marker followed by zero bytes: format error")
        void row25_payloadMarkerWithoutPayload() {
            expectResetFor("b5 68656c6c6f ff");
            expectResetFor("ff");
            assertStillServes();
        }

        @Test
        @DisplayName("row 26: 0xFF inside an option value or length field: data, not a payload marker")
        void row26_ffInsideOptionIsData() {
            // ETag (elective, opaque) whose value is 0xFF
            Message r = expectPiggybacked(getHello(MessageType.CON, mid(), opt(OptionNumber.ETAG, (byte) 0xFF)),
                    Code.CONTENT);
            assertThat(r.payload().utf8()).isEqualTo(HELLO);
            // If-Match (critical, opaque, 0-8 bytes) of 0xFF 0xFF
            expectPiggybacked(getHello(MessageType.CON, mid(), opt(OptionNumber.IF_MATCH, (byte) 0xFF, (byte) 0xFF)),
                    Code.CONTENT);
            // By hand: Uri-Path "hello", then unknown elective option 1000 (delta 989 = 14 + 0x02d0) with
            // length nibble 13 and extension byte 0xFF (268 bytes), whose value is 268 x 0xFF.
            int mid = mid();
            byte[] value = new byte[268];
            Arrays.fill(value, (byte) 0xFF);
            byte[] d = concat(header(0, 1, 0x01, mid), hex("01 b5 68656c6c6f ed 02d0 ff"), value);
            assertThat(decode(d).options().first(1000).orElseThrow().value().length()).isEqualTo(268);
            Message r2 = expectPiggybacked(d, Code.CONTENT);
            assertThat(r2.payload().utf8()).isEqualTo(HELLO);
            assertStillServes();
        }
    }

    // ---------------------------------------------------------------- §5.4 option semantics

    @Nested
    @DisplayName("option semantics (rows 27-37)")
    class OptionSemantics {
        @Test
        @DisplayName("row 27: unknown critical option in a CON request: 4.02 Bad Option with a diagnostic")
        void row27_unknownCriticalCon() {
            Message r = expectPiggybacked(getHello(MessageType.CON, mid(), opt(UNKNOWN_CRITICAL, (byte) 1)),
                    Code.BAD_OPTION);
            assertThat(r.payload().utf8()).contains("13");
            Message r2 = expectPiggybacked(getHello(MessageType.CON, mid(), opt(65001)), Code.BAD_OPTION);
            assertThat(r2.payload().isEmpty()).isFalse();
            assertStillServes();
        }

        @Test
        @DisplayName("row 28: unknown critical option in a NON request: rejected silently")
        void row28_unknownCriticalNon() {
            expectSilence(getHello(MessageType.NON, mid(), opt(UNKNOWN_CRITICAL, (byte) 1)));
            assertStillServes();
        }

        @Test
        @DisplayName("row 29: unknown critical option in a piggybacked (ACK) response at the client: ignored, request fails")
        void row29_unknownCriticalInAckResponse() throws Exception {
            try (CoapClient client = CoapClient.builder().bind(new InetSocketAddress(LOOPBACK, 0)).build()) {
                CompletableFuture<Response> f = client.send(Request.get("coap://127.0.0.1:" + peer.getLocalPort()
                        + "/x").timeout(Duration.ofSeconds(5)).build());
                byte[] raw = expectDatagram(peer);
                Message req = decode(raw);
                Message ack = new Message(MessageType.ACK, Code.CONTENT, req.messageId(), req.token(),
                        Options.of(opt(UNKNOWN_CRITICAL, (byte) 1)), Bytes.utf8("x"));
                send(peer, MessageEncoder.encode(ack), client.localAddress().getPort());
                assertThatThrownBy(() -> f.get(2, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(CoapMessageFormatException.class);
                // rejecting an ACK is silently ignoring it (§4.2): nothing is sent back, not even a retransmission
                assertSilence(peer);
            }
            assertStillServes();
        }

        @Test
        @DisplayName("row 29: unknown critical option in a separate CON response at the client: RST, request fails")
        void row29_unknownCriticalInConResponse() throws Exception {
            try (CoapClient client = CoapClient.builder().bind(new InetSocketAddress(LOOPBACK, 0)).build()) {
                int clientPort = client.localAddress().getPort();
                CompletableFuture<Response> f = client.send(Request.get("coap://127.0.0.1:" + peer.getLocalPort()
                        + "/x").timeout(Duration.ofSeconds(5)).build());
                Message req = decode(expectDatagram(peer));
                send(peer, MessageEncoder.encode(Message.empty(MessageType.ACK, req.messageId())), clientPort);
                int mid = mid();
                Message con = new Message(MessageType.CON, Code.CONTENT, mid, req.token(),
                        Options.of(opt(UNKNOWN_CRITICAL, (byte) 1)), Bytes.utf8("x"));
                send(peer, MessageEncoder.encode(con), clientPort);
                assertThat(expectDatagram(peer)).containsExactly(0x70, 0x00, mid >>> 8, mid & 0xFF);
                assertThatThrownBy(() -> f.get(2, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(CoapMessageFormatException.class);
            }
            assertStillServes();
        }

        @Test
        @DisplayName("row 30: unknown elective option: ignored, request processed")
        void row30_unknownElectiveIgnored() {
            expectPiggybacked(getHello(MessageType.CON, mid(), opt(UNKNOWN_ELECTIVE, (byte) 1, (byte) 2)),
                    Code.CONTENT);
            expectPiggybacked(getHello(MessageType.CON, mid(), opt(65000)), Code.CONTENT);
            assertStillServes();
        }

        @ParameterizedTest(name = "row 31: two {0} options: 4.02")
        @CsvSource({"Uri-Host, 3, 6c6f63616c686f7374", "Uri-Port, 7, 1633", "If-None-Match, 5, ''",
                "Accept, 17, ''", "Block2, 23, 02"})
        @DisplayName("row 31: repeated non-repeatable critical option: 4.02")
        void row31_repeatedCritical(String name, int number, String valueHex) {
            Bytes v = Bytes.fromHex(valueHex);
            Message r = expectPiggybacked(getHello(MessageType.CON, mid(), new Option(number, v), new Option(number, v)),
                    Code.BAD_OPTION);
            assertThat(r.payload().utf8()).contains(name);
            assertStillServes();
        }

        @Test
        @DisplayName("row 32: repeated non-repeatable elective option: later copies ignored")
        void row32_repeatedElective() {
            // 2x Content-Format on a route that consumes text/plain only: the second (JSON) is ignored
            int mid = mid();
            byte[] post = encode(MessageType.CON, Code.POST, mid, Bytes.utf8("text"), path("text"),
                    Option.ofUint(OptionNumber.CONTENT_FORMAT, ContentFormat.TEXT_PLAIN),
                    Option.ofUint(OptionNumber.CONTENT_FORMAT, ContentFormat.JSON));
            expectPiggybacked(post, Code.CHANGED);
            expectPiggybacked(getHello(MessageType.CON, mid(), Option.ofUint(OptionNumber.MAX_AGE, 1),
                    Option.ofUint(OptionNumber.MAX_AGE, 2)), Code.CONTENT);
            expectPiggybacked(getHello(MessageType.CON, mid(), Option.ofUint(OptionNumber.SIZE1, 1),
                    Option.ofUint(OptionNumber.SIZE1, 2)), Code.CONTENT);
            assertStillServes();
        }

        @ParameterizedTest(name = "row 33: {0}: 4.02")
        @CsvSource({"Uri-Host of 0 bytes, 3, 0", "Uri-Host of 256 bytes, 3, 256", "Uri-Port of 3 bytes, 7, 3",
                "Accept of 3 bytes, 17, 3", "If-Match of 9 bytes, 1, 9", "Proxy-Uri of 1035 bytes, 35, 1035",
                "Block2 of 4 bytes, 23, 4", "Block1 of 4 bytes, 27, 4"})
        @DisplayName("row 33: critical option length out of range: treated as unrecognized, 4.02")
        void row33_criticalLengthOutOfRange(String what, int number, int length) {
            byte[] value = new byte[length];
            Arrays.fill(value, (byte) 'a');
            Message r = expectPiggybacked(getHello(MessageType.CON, mid(), new Option(number, Bytes.wrap(value))),
                    Code.BAD_OPTION);
            assertThat(r.payload().utf8()).contains("length " + length);
            assertStillServes();
        }

        @ParameterizedTest(name = "row 34: {0}: ignored, 2.05")
        @CsvSource({"Content-Format of 3 bytes, 12, 3", "Max-Age of 5 bytes, 14, 5", "Size1 of 5 bytes, 60, 5",
                "Size2 of 5 bytes, 28, 5", "Observe of 4 bytes, 6, 4"})
        @DisplayName("row 34: elective option length out of range: option ignored, request served")
        void row34_electiveLengthOutOfRange(String what, int number, int length) {
            byte[] value = new byte[length];
            Arrays.fill(value, (byte) 1);
            Message r = expectPiggybacked(getHello(MessageType.CON, mid(), new Option(number, Bytes.wrap(value))),
                    Code.CONTENT);
            assertThat(r.payload().utf8()).isEqualTo(HELLO);
            assertThat(r.options().has(OptionNumber.OBSERVE)).isFalse();
            assertStillServes();
        }

        @ParameterizedTest(name = "row 35: Uri-Path {0}: 4.00")
        @ValueSource(strings = {".", "..", "hello/..", "../hello", "hello/./x"})
        @DisplayName("row 35: Uri-Path \".\" or \"..\": 4.00, never path traversal")
        void row35_dotSegments(String segments) {
            Option[] opts = Arrays.stream(segments.split("/")).map(FaultTableTest::path).toArray(Option[]::new);
            expectPiggybacked(request(MessageType.CON, Code.GET, mid(), opts), Code.BAD_REQUEST);
            assertStillServes();
        }

        @ParameterizedTest(name = "row 36: option {0} = {1}: 4.00")
        @CsvSource({"11, c328", "11, c0af", "11, eda080", "11, ff", "15, fffe", "15, 613df0288cbc", "3, c328"})
        @DisplayName("row 36: Uri-Path/Query/Host with invalid UTF-8: 4.00, no exception")
        void row36_invalidUtf8(int number, String valueHex) {
            Option bad = new Option(number, Bytes.fromHex(valueHex));
            Option[] opts = number == OptionNumber.URI_PATH ? new Option[] {bad} : new Option[] {path("hello"), bad};
            expectPiggybacked(request(MessageType.CON, Code.GET, mid(), opts), Code.BAD_REQUEST);
            assertStillServes();
        }

        @ParameterizedTest(name = "row 37: {0} x Uri-Path of 1 byte: 4.04 quickly")
        @ValueSource(ints = {200, 2000, 20000})
        @DisplayName("row 37: very many options: bounded work, 4.04 for the unknown path")
        void row37_manyOptions(int count) {
            Option[] opts = new Option[count];
            Arrays.fill(opts, path("a"));
            byte[] d = request(MessageType.CON, Code.GET, mid(), opts);
            long start = System.nanoTime();
            expectPiggybacked(d, Code.NOT_FOUND);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
            assertStillServes();
        }
    }

    // ---------------------------------------------------------------- §5.10 proxying, negotiation, conditions

    @Nested
    @DisplayName("proxying, negotiation, conditions, size (rows 38-43)")
    class RequestChecks {
        @Test
        @DisplayName("row 38: Proxy-Uri / Proxy-Scheme at a non-proxy: 5.05")
        void row38_proxyNotSupported() {
            expectPiggybacked(request(MessageType.CON, Code.GET, mid(),
                    Option.ofString(OptionNumber.PROXY_URI, "coap://example.org/hello")), Code.PROXYING_NOT_SUPPORTED);
            expectPiggybacked(getHello(MessageType.CON, mid(), Option.ofString(OptionNumber.PROXY_SCHEME, "http")),
                    Code.PROXYING_NOT_SUPPORTED);
            assertStillServes();
        }

        @ParameterizedTest(name = "row 39: Proxy-Uri with {0}: 4.00")
        @CsvSource({"Uri-Path, 11, hello", "Uri-Host, 3, example.org", "Uri-Query, 15, a=b", "Uri-Port, 7, ''"})
        @DisplayName("row 39: Proxy-Uri together with Uri-*: 4.00")
        void row39_proxyUriWithUriOptions(String name, int number, String value) {
            Option uri = number == OptionNumber.URI_PORT ? Option.ofUint(number, 5683) : Option.ofString(number, value);
            expectPiggybacked(request(MessageType.CON, Code.GET, mid(), uri,
                    Option.ofString(OptionNumber.PROXY_URI, "coap://example.org/hello")), Code.BAD_REQUEST);
            assertStillServes();
        }

        @Test
        @DisplayName("row 40: Accept with an unsupported format: 4.06")
        void row40_notAcceptable() {
            expectPiggybacked(request(MessageType.CON, Code.GET, mid(), path("text"),
                    Option.ofUint(OptionNumber.ACCEPT, ContentFormat.JSON)), Code.NOT_ACCEPTABLE);
            expectPiggybacked(request(MessageType.CON, Code.GET, mid(), path("text"),
                    Option.ofUint(OptionNumber.ACCEPT, ContentFormat.TEXT_PLAIN)), Code.CONTENT);
            assertStillServes();
        }

        @Test
        @DisplayName("row 41: POST with an unsupported Content-Format: 4.15")
        void row41_unsupportedContentFormat() {
            expectPiggybacked(encode(MessageType.CON, Code.POST, mid(), Bytes.utf8("{}"), path("text"),
                    Option.ofUint(OptionNumber.CONTENT_FORMAT, ContentFormat.JSON)), Code.UNSUPPORTED_CONTENT_FORMAT);
            expectPiggybacked(encode(MessageType.CON, Code.POST, mid(), Bytes.utf8("t"), path("text"),
                    Option.ofUint(OptionNumber.CONTENT_FORMAT, ContentFormat.TEXT_PLAIN)), Code.CHANGED);
            assertStillServes();
        }

        @Test
        @DisplayName("row 42: If-None-Match on an existing resource / If-Match mismatch: 4.12")
        void row42_preconditionFailed() {
            Bytes current = Preconditions.etagOf(ITEM_STATE.get());
            expectPiggybacked(encode(MessageType.CON, Code.PUT, mid(), Bytes.utf8("v2"), path("item"),
                    Option.ofEmpty(OptionNumber.IF_NONE_MATCH)), Code.PRECONDITION_FAILED);
            expectPiggybacked(encode(MessageType.CON, Code.PUT, mid(), Bytes.utf8("v2"), path("item"),
                    new Option(OptionNumber.IF_MATCH, Bytes.fromHex("0011223344556677"))), Code.PRECONDITION_FAILED);
            assertThat(ITEM_STATE.get()).as("a failed precondition must not perform the request").isEqualTo(ITEM);
            // control: the matching ETag is performed
            expectPiggybacked(encode(MessageType.CON, Code.PUT, mid(), ITEM, path("item"),
                    new Option(OptionNumber.IF_MATCH, current)), Code.CHANGED);
            assertStillServes();
        }

        @ParameterizedTest(name = "row 43: {0}-byte payload: 4.13 with Size1")
        @ValueSource(ints = {8193, 20000, 65507 - 4 - 3 - 8 - 1})
        @DisplayName("row 43: request payload over the maximum without Block1: 4.13 + Size1")
        void row43_payloadTooLarge(int payloadLength) {
            int before = COUNTER.get();
            byte[] d = encode(MessageType.CON, Code.POST, mid(), Bytes.wrap(new byte[payloadLength]), path("counter"));
            assertThat(d.length).isLessThanOrEqualTo(65507);
            Message r = expectPiggybacked(d, Code.REQUEST_ENTITY_TOO_LARGE);
            assertThat(r.options().size1()).hasValue(EndpointConfig.defaults().maxPayload());
            assertThat(COUNTER.get()).as("the handler must not run").isEqualTo(before);
            assertStillServes();
        }
    }

    // ---------------------------------------------------------------- §4.5 duplicates, §8.1 multicast

    @Nested
    @DisplayName("duplicates and multicast (rows 44-47)")
    class Duplicates {
        @Test
        @DisplayName("row 44: duplicate CON: the same response again, the handler runs once")
        void row44_duplicateCon() {
            int before = COUNTER.get();
            int mid = mid();
            byte[] post = request(MessageType.CON, Code.POST, mid, path("counter"));
            send(post);
            byte[] first = expectDatagram(peer);
            send(post); // e.g. our ACK was lost
            byte[] second = expectDatagram(peer);
            send(post);
            byte[] third = expectDatagram(peer);
            assertThat(second).isEqualTo(first);
            assertThat(third).isEqualTo(first);
            Message r = decode(first);
            assertThat(r.code()).isEqualTo(Code.CHANGED);
            assertThat(r.payload().utf8()).isEqualTo(Integer.toString(before + 1));
            assertThat(COUNTER.get()).as("the non-idempotent handler ran once").isEqualTo(before + 1);
            assertStillServes();
        }

        @Test
        @DisplayName("row 45: duplicate NON: ignored, only one response")
        void row45_duplicateNon() {
            int before = COUNTER.get();
            int mid = mid();
            byte[] post = request(MessageType.NON, Code.POST, mid, path("counter"));
            send(post);
            send(post);
            send(post);
            Message r = decode(expectDatagram(peer));
            assertThat(r.type()).isEqualTo(MessageType.NON);
            assertThat(r.code()).isEqualTo(Code.CHANGED);
            assertThat(r.token()).isEqualTo(tokenFor(mid));
            assertSilence(peer);
            assertThat(COUNTER.get()).as("the handler ran once").isEqualTo(before + 1);
            assertStillServes();
        }

        @Test
        @DisplayName("row 46: the same MID after EXCHANGE_LIFETIME: a new request")
        void row46_midReusedAfterExchangeLifetime() {
            EndpointConfig config = EndpointConfig.builder().ackTimeout(Duration.ofMillis(20))
                    .maxLatency(Duration.ofMillis(20)).build();
            Duration lifetime = config.exchangeLifetime();
            assertThat(lifetime).isLessThan(Duration.ofSeconds(2));
            AtomicInteger runs = new AtomicInteger();
            Router r = Router.builder().post("/counter", req -> Response.builder(Code.CHANGED)
                    .payload(Integer.toString(runs.incrementAndGet())).build()).build();
            CoapServer shortLived = CoapServer.builder().port(0).bind("127.0.0.1").service(r).config(config)
                    .build().start();
            try {
                int port = shortLived.port();
                int mid = mid();
                byte[] post = request(MessageType.CON, Code.POST, mid, path("counter"));
                long sentFirst = System.nanoTime();
                send(peer, post, port);
                byte[] first = expectDatagram(peer);
                assertThat(decode(first).payload().utf8()).isEqualTo("1");
                send(peer, post, port); // within the lifetime: a duplicate
                assertThat(expectDatagram(peer)).isEqualTo(first);

                AtomicReference<Message> fresh = new AtomicReference<>();
                await().atMost(lifetime.multipliedBy(4).plusSeconds(2)).pollDelay(lifetime.dividedBy(4))
                        .pollInterval(lifetime.dividedBy(8)).until(() -> {
                            send(peer, post, port);
                            Message m = decode(expectDatagram(peer));
                            fresh.set(m);
                            return !m.payload().utf8().equals("1");
                        });
                long elapsed = System.nanoTime() - sentFirst;
                Message m = fresh.get();
                assertThat(m.type()).isEqualTo(MessageType.ACK);
                assertThat(m.messageId()).isEqualTo(mid);
                assertThat(m.payload().utf8()).isEqualTo("2");
                assertThat(runs.get()).isEqualTo(2);
                assertThat(Duration.ofNanos(elapsed)).as("only treated as new after EXCHANGE_LIFETIME")
                        .isGreaterThanOrEqualTo(lifetime);
            } finally {
                shortLived.close();
            }
            assertStillServes();
        }

        /**
         * The engine's rule, pinned without multicast networking: the full stack
         * ({@link CoapEndpoint#assemble}) over an in-memory transport that delivers datagrams flagged
         * as multicast. Leisure is zero so the group NON is answered at once (RFC 7252 §8.2).
         */
        @Test
        @DisplayName("row 47: CON request on a multicast address: ignored, no RST (engine, scripted transport)")
        void row47_conOnMulticastIgnored() {
            ScriptedTransport wire = new ScriptedTransport();
            InetSocketAddress sender = new InetSocketAddress(LOOPBACK, 40000);
            EndpointConfig noLeisure = EndpointConfig.builder().multicastLeisure(Duration.ZERO).build();
            try (CoapEndpoint endpoint = CoapEndpoint.assemble(wire, new InlineScheduler(), noLeisure,
                    router(), Runnable::run, "coap", null, new Random(1))) {
                wire.deliver(getHello(MessageType.CON, 0x100), sender, true);
                wire.deliver(header(0, 0, 0, 0x101), sender, true); // CoAP ping to the group
                wire.deliver(concat(header(0, 9, 0x01, 0x102), new byte[9]), sender, true); // malformed CON
                wire.deliver(request(MessageType.CON, Code.fromWire(0x20), 0x103), sender, true); // reserved class
                assertThat(wire.sent).as("nothing is sent for a CON to a group").isEmpty();
                assertThat(endpoint.deduplicationEntries()).as("no state for the ignored CONs").isZero();

                // the NON a group request must be is served
                wire.deliver(getHello(MessageType.NON, 0x104), sender, true);
                assertThat(wire.sent).hasSize(1);
                Message r = decode(wire.sent.remove(0));
                assertThat(r.type()).isEqualTo(MessageType.NON);
                assertThat(r.code()).isEqualTo(Code.CONTENT);
                // and the same endpoint still answers a unicast CON
                wire.deliver(getHello(MessageType.CON, 0x105), sender, false);
                assertThat(wire.sent).hasSize(1);
                Message ack = decode(wire.sent.remove(0));
                assertThat(ack.type()).isEqualTo(MessageType.ACK);
                assertThat(ack.messageId()).isEqualTo(0x105);
                assertThat(ack.code()).isEqualTo(Code.CONTENT);
            }
            assertStillServes();
        }
    }

    /** An in-memory transport: the test delivers datagrams, sent ones are collected. */
    static final class ScriptedTransport implements Transport {
        final List<byte[]> sent = new ArrayList<>();
        private Receiver receiver;

        void deliver(byte[] datagram, InetSocketAddress source, boolean multicast) {
            receiver.onDatagram(datagram.clone(), datagram.length, source, multicast);
        }

        @Override
        public void start(Receiver r) {
            this.receiver = r;
        }

        @Override
        public void send(byte[] data, int length, InetSocketAddress destination) {
            sent.add(Arrays.copyOf(data, length));
        }

        @Override
        public InetSocketAddress localAddress() {
            return new InetSocketAddress(LOOPBACK, 5683);
        }

        @Override
        public void close() {
        }
    }

    /** Runs tasks at once on the caller's thread; timers never fire (the test does not need them). */
    static final class InlineScheduler implements Scheduler {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public Cancellable schedule(Runnable task, long delayNanos) {
            return () -> { };
        }

        @Override
        public boolean inSchedulerThread() {
            return true;
        }
    }
}
