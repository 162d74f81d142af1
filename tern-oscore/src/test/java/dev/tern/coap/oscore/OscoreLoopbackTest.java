package dev.tern.coap.oscore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapSecurityException;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.MessageType;
import dev.tern.coap.Method;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.Service;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Client and server with OSCORE (RFC 8613) over real UDP on loopback, and attacks on the running server. */
class OscoreLoopbackTest {
    private static final String BIG = "0123456789abcdef".repeat(200); // 3200 bytes: inner block-wise

    private final AtomicInteger doorOpened = new AtomicInteger();
    private CoapServer server;
    private String base;

    static SecurityContext clientContext(String sid) {
        return SecurityContext.builder().masterSecret(Vectors.SECRET).masterSalt(Vectors.SALT)
                .senderId(Bytes.fromHex(sid)).recipientId(Bytes.fromHex("01")).build();
    }

    @BeforeEach
    void start() {
        SecurityContext serverContext = SecurityContext.builder().masterSecret(Vectors.SECRET).masterSalt(Vectors.SALT)
                .senderId(Bytes.fromHex("01")).recipientId(Bytes.fromHex("")).build();
        Router router = Router.builder()
                .get("/hello", r -> Response.content("hello " + r.peerIdentity().map(PeerIdentity::name).orElse("?")
                        + " " + r.peerIdentity().map(PeerIdentity::kind).orElse(null)))
                .get("/big", r -> Response.content(BIG))
                .post("/door", r -> Response.content("opened " + doorOpened.incrementAndGet()))
                .post("/echo", r -> Response.builder(Code.CHANGED).payload(r.payload()).build())
                .build();
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .objectSecurity(OscoreLayer.server(OscoreContexts.of(serverContext))).build().start();
        base = "coap://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void getPostAndIdentity() {
        try (CoapClient client = CoapClient.builder().objectSecurity(OscoreLayer.client(clientContext(""))).build()) {
            Response r = client.get(base + "/hello");
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isEqualTo("hello  OSCORE"); // Sender ID of the client is empty
            assertThat(r.contentFormat()).hasValue(ContentFormat.TEXT_PLAIN);
            Response echo = client.post(base + "/echo", Bytes.utf8("ping"), ContentFormat.TEXT_PLAIN);
            assertThat(echo.code()).isEqualTo(Code.CHANGED);
            assertThat(echo.payloadString()).isEqualTo("ping");
        }
    }

    @Test
    void oneContextPerServerAndNoneForOthers() {
        String authority = "127.0.0.1:" + server.port();
        try (CoapClient client = CoapClient.builder()
                .objectSecurity(OscoreLayer.client(java.util.Map.of(authority, clientContext("")))).build()) {
            assertThat(client.get(base + "/hello").code()).isEqualTo(Code.CONTENT);
            assertThatThrownBy(() -> client.get("coap://localhost:" + server.port() + "/hello"))
                    .isInstanceOf(CoapSecurityException.class).hasMessageContaining("no OSCORE security context");
        }
    }

    @Test
    void largeBodiesTravelAsProtectedBlocks() {
        try (CoapClient client = CoapClient.builder().objectSecurity(OscoreLayer.client(clientContext(""))).build()) {
            Response r = client.get(base + "/big");
            assertThat(r.payloadString()).isEqualTo(BIG);
            Response up = client.post(base + "/echo", Bytes.utf8(BIG), ContentFormat.TEXT_PLAIN);
            assertThat(up.payloadString()).isEqualTo(BIG);
        }
    }

    @Test
    void unknownContextAndUnprotectedRequestsAreRefused() {
        try (CoapClient stranger = CoapClient.builder().objectSecurity(OscoreLayer.client(clientContext("07"))).build()) {
            Response r = stranger.get(base + "/hello");
            assertThat(r.code()).isEqualTo(Code.UNAUTHORIZED);
            assertThat(r.payloadString()).isEqualTo("Security context not found");
        }
        try (CoapClient plain = CoapClient.create()) {
            Response r = plain.get(base + "/hello");
            assertThat(r.code()).isEqualTo(Code.UNAUTHORIZED);
        }
    }

    /** A server serving both: a route behind {@link OscoreLayer#required()} refuses unprotected requests. */
    @Test
    void aRouteCanDemandOscoreOnAServerThatAlsoServesPlainCoap() {
        SecurityContext serverContext = SecurityContext.builder().masterSecret(Vectors.SECRET).masterSalt(Vectors.SALT)
                .senderId(Bytes.fromHex("01")).recipientId(Bytes.fromHex("")).build();
        Router router = Router.builder()
                .get("/public", r -> Response.content("public"))
                .route(Method.GET, "/secret", OscoreLayer.required().then(Service.of(r -> Response.content("secret"))))
                .build();
        try (CoapServer mixed = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .objectSecurity(OscoreLayer.server(OscoreContexts.of(serverContext), true)).build().start();
             CoapClient plain = CoapClient.create();
             CoapClient secured = CoapClient.builder().objectSecurity(OscoreLayer.client(clientContext(""))).build()) {
            String at = "coap://127.0.0.1:" + mixed.port();
            assertThat(plain.get(at + "/public").payloadString()).isEqualTo("public");
            assertThat(plain.get(at + "/secret").code()).isEqualTo(Code.UNAUTHORIZED);
            assertThat(secured.get(at + "/secret").payloadString()).isEqualTo("secret");
            assertThat(secured.get(at + "/public").payloadString()).isEqualTo("public");
        }
    }

    /**
     * The attack: an on-path attacker captures a protected POST /door and sends it again, from its own
     * port and with a fresh Message ID so deduplication does not catch it. The server must answer
     * 4.01 "Replay detected" and never run the handler twice. A retransmission with the same Message
     * ID is answered from the deduplication cache, byte for byte, without decrypting again. The
     * server has just started, so the legitimate client first passes an Echo round trip (B.1.2);
     * the request captured before it stays rejected too.
     */
    @Test
    void replayedDatagramFromAnotherPortIsRejected() throws Exception {
        SecurityContext victim = clientContext("");
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", server.port());
        try (DatagramSocket legit = new DatagramSocket(0, target.getAddress());
             DatagramSocket attacker = new DatagramSocket(0, target.getAddress())) {
            legit.setSoTimeout(5000);
            attacker.setSoTimeout(5000);
            Oscore.ProtectedRequest beforeEcho = Oscore.protectRequest(victim, door(null));
            Message challenge = exchange(legit, target, beforeEcho.message(), 0x1000);
            OscoreMessage inner = Oscore.unprotectResponse(beforeEcho.binding(), Vectors.parts(challenge));
            assertThat(inner.code()).isEqualTo(Code.UNAUTHORIZED);
            assertThat(doorOpened.get()).isZero();

            OscoreMessage outer = Oscore.protectRequest(victim, door(inner.options().echo().orElseThrow())).message();
            Message first = exchange(legit, target, outer, 0x1001);
            assertThat(first.code()).isEqualTo(Code.CHANGED); // protected 2.05 inside
            Message retransmission = exchange(legit, target, outer, 0x1001);
            assertThat(MessageEncoder.encode(retransmission)).isEqualTo(MessageEncoder.encode(first));
            for (OscoreMessage captured : new OscoreMessage[] {outer, beforeEcho.message()}) {
                Message replay = exchange(attacker, target, captured, 0x2002 + captured.payload().length());
                assertThat(replay.code()).isEqualTo(Code.UNAUTHORIZED);
                assertThat(replay.payload().utf8()).isEqualTo("Replay detected");
            }
        }
        assertThat(doorOpened.get()).isEqualTo(1);
    }

    /**
     * No-Response inside (RFC 7967, class E, RFC 8613 §4.1.3): the server reads it after decrypting
     * and sends only the empty ACK, though the handler ran; an on-path observer never learns the
     * client asked for no response.
     */
    @Test
    void noResponseInsideIsHonoured() throws Exception {
        SecurityContext client = clientContext("");
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", server.port());
        try (DatagramSocket socket = new DatagramSocket(0, target.getAddress())) {
            socket.setSoTimeout(5000);
            Oscore.ProtectedRequest first = Oscore.protectRequest(client, door(null));
            OscoreMessage challenge = Oscore.unprotectResponse(first.binding(),
                    Vectors.parts(exchange(socket, target, first.message(), 0x3000)));
            dev.tern.coap.Options inner = dev.tern.coap.Options.builder().uriPath("door")
                    .add(dev.tern.coap.OptionNumber.ECHO, challenge.options().echo().orElseThrow())
                    .add(dev.tern.coap.OptionNumber.NO_RESPONSE, 2).build(); // not interested in 2.xx
            OscoreMessage outer = Oscore.protectRequest(client, new OscoreMessage(Code.POST, inner, Bytes.EMPTY))
                    .message();
            assertThat(outer.options().has(dev.tern.coap.OptionNumber.NO_RESPONSE)).isFalse();
            Message ack = exchange(socket, target, outer, 0x3001);
            assertThat(ack.type()).isEqualTo(MessageType.ACK);
            assertThat(ack.code()).isEqualTo(Code.EMPTY);
        }
        assertThat(doorOpened.get()).isEqualTo(1);
    }

    private static OscoreMessage door(Bytes echo) {
        dev.tern.coap.Options.Builder o = dev.tern.coap.Options.builder().uriPath("door");
        if (echo != null) {
            o.add(new dev.tern.coap.Option(dev.tern.coap.OptionNumber.ECHO, echo));
        }
        return new OscoreMessage(Code.POST, o.build(), Bytes.EMPTY);
    }

    private static Message exchange(DatagramSocket socket, InetSocketAddress target, OscoreMessage outer, int mid)
            throws Exception {
        Message m = new Message(MessageType.CON, outer.code(), mid, Bytes.fromHex("a1b2"), outer.options(),
                outer.payload());
        byte[] out = MessageEncoder.encode(m);
        socket.send(new DatagramPacket(out, out.length, target));
        byte[] buf = new byte[2048];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        socket.receive(in);
        return (Message) MessageDecoder.decode(buf, 0, in.getLength());
    }
}
