package dev.tern.coap.oscore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapSecurityException;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.MessageType;
import dev.tern.coap.Method;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.Service;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OSCORE interop test specification's tests 0 to 15 (GET, POST, PUT, DELETE, ETag, Max-Age,
 * Observe, wrong contexts, replays), Tern's client against Tern's server on loopback, so both roles
 * are Tern's. Variant {@code a} uses contexts without an ID Context, {@code b} the same with an ID
 * Context (kid context in the OSCORE option, RFC 8613 §5.1, §6.1). The server serves
 * {@code /oscore/hello/coap} unprotected and everything else only protected (a route demanding
 * OSCORE, 4.01 otherwise).
 */
@Timeout(60)
class OscoreInteropSpecTest {
    private static final Bytes SECRET = Bytes.fromHex("0102030405060708090a0b0c0d0e0f10");
    private static final Bytes SALT = Bytes.fromHex("9e7ca92223786340");
    private static final Bytes ID_CONTEXT = Bytes.fromHex("37cbf3210017a2d3");
    private static final Bytes CLIENT_ID = Bytes.fromHex("01");
    private static final Bytes SERVER_ID = Bytes.fromHex("");

    private final ObservableResource observe1 = ObservableResource.create();
    private final ObservableResource observe2 = ObservableResource.create();
    private final AtomicInteger state = new AtomicInteger(1);
    private final AtomicInteger handled = new AtomicInteger();
    private CoapServer server;
    private String base;
    private boolean withIdContext;

    private static SecurityContext context(Bytes secret, Bytes sender, Bytes recipient, boolean idContext,
                                           boolean server) {
        SecurityContext.Builder b = SecurityContext.builder().masterSecret(secret).masterSalt(SALT).senderId(sender)
                .recipientId(recipient).echoAfterStart(false); // contexts freshly provisioned for the test run
        if (idContext) {
            b.idContext(ID_CONTEXT);
        }
        return b.build();
    }

    private SecurityContext clientContext() {
        return context(SECRET, CLIENT_ID, SERVER_ID, withIdContext, false);
    }

    private void start(String variant) {
        withIdContext = variant.endsWith("b");
        String[] words = {"", "one", "two", "three"};
        Service.Handler hello = r -> {
            handled.incrementAndGet();
            return Response.content("Hello World!");
        };
        Router router = Router.builder()
                .get("/oscore/hello/coap", r -> Response.content("Hello World!"))
                .route(Method.GET, "/oscore/hello/1", OscoreLayer.required().then(Service.of(hello)))
                .route(Method.GET, "/oscore/hello/2", OscoreLayer.required().then(Service.of(r ->
                        Response.builder(Code.CONTENT).etag(Bytes.fromHex("2b")).contentFormat(ContentFormat.TEXT_PLAIN)
                                .payload(r.queryParam("first").orElse("?").equals("1") ? "Hello World!" : "?").build())))
                .route(Method.GET, "/oscore/hello/3", OscoreLayer.required().then(Service.of(r ->
                        Response.builder(Code.CONTENT).maxAge(5).contentFormat(ContentFormat.TEXT_PLAIN)
                                .payload("Hello World!").build())))
                .route(Method.POST, "/oscore/hello/6", OscoreLayer.required().then(Service.of(r ->
                        Response.builder(Code.CHANGED).contentFormat(ContentFormat.TEXT_PLAIN).payload(r.payload())
                                .build())))
                .route(Method.PUT, "/oscore/hello/7", OscoreLayer.required().then(Service.of(r -> {
                    if (r.options().ifNoneMatch()) {
                        return Response.of(Code.PRECONDITION_FAILED); // the resource exists
                    }
                    return r.options().ifMatch().contains(Bytes.fromHex("7b")) ? Response.of(Code.CHANGED)
                            : Response.of(Code.PRECONDITION_FAILED);
                })))
                .route(Method.DELETE, "/oscore/test", OscoreLayer.required().then(Service.of(r ->
                        Response.of(Code.DELETED))))
                .get("/oscore/observe1", observe1.handler(r -> Response.content(words[Math.min(state.get(), 3)])),
                        RouteOptions.create().observable())
                .get("/oscore/observe2", observe2.handler(r -> Response.content(words[Math.min(state.get(), 3)])),
                        RouteOptions.create().observable())
                .build();
        SecurityContext serverContext = context(SECRET, SERVER_ID, CLIENT_ID, withIdContext, true);
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .objectSecurity(OscoreLayer.server(OscoreContexts.of(serverContext), true)).build().start();
        base = "coap://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "test {0}")
    @ValueSource(strings = {"0a", "0b", "1a", "1b", "2a", "2b", "3a", "3b", "4a", "4b", "5a", "5b", "6a", "6b", "7a",
        "7b", "8a", "8b", "9a", "9b", "10a", "10b", "11a", "11b", "12a", "12b", "13a", "13b", "14a", "14b", "15a",
        "15b"})
    void interopTest(String id) throws Exception {
        start(id);
        int n = Integer.parseInt(id.substring(0, id.length() - 1));
        try (CoapClient client = CoapClient.builder().objectSecurity(OscoreLayer.client(clientContext())).build()) {
            switch (n) {
                case 0 -> test0(client);
                case 1 -> {
                    Response r = client.get(base + "/oscore/hello/1");
                    assertThat(r.code()).isEqualTo(Code.CONTENT);
                    assertThat(r.contentFormat()).hasValue(ContentFormat.TEXT_PLAIN);
                    assertThat(r.payloadString()).isEqualTo("Hello World!");
                }
                case 2 -> {
                    Response r = client.call(Request.get(base + "/oscore/hello/2?first=1").build());
                    assertThat(r.code()).isEqualTo(Code.CONTENT);
                    assertThat(r.options().etag()).hasValue(Bytes.fromHex("2b"));
                    assertThat(r.payloadString()).isEqualTo("Hello World!");
                }
                case 3 -> {
                    Response r = client.call(Request.get(base + "/oscore/hello/3").accept(ContentFormat.TEXT_PLAIN)
                            .build());
                    assertThat(r.options().maxAge()).hasValue(5);
                    assertThat(r.payloadString()).isEqualTo("Hello World!");
                }
                case 4 -> observe(client, "/oscore/observe1", observe1, false);
                case 5 -> observe(client, "/oscore/observe2", observe2, true);
                case 6 -> {
                    Response r = client.post(base + "/oscore/hello/6", Bytes.fromHex("4a"), ContentFormat.TEXT_PLAIN);
                    assertThat(r.code()).isEqualTo(Code.CHANGED);
                    assertThat(r.payload()).isEqualTo(Bytes.fromHex("4a"));
                }
                case 7 -> assertThat(client.call(Request.put(base + "/oscore/hello/7").contentFormat(0)
                        .payload(Bytes.fromHex("7a")).options(o -> o.ifMatch(Bytes.fromHex("7b"))).build()).code())
                        .isEqualTo(Code.CHANGED);
                case 8 -> assertThat(client.call(Request.put(base + "/oscore/hello/7").contentFormat(0)
                        .payload(Bytes.fromHex("8a")).options(o -> o.ifNoneMatch()).build()).code())
                        .isEqualTo(Code.PRECONDITION_FAILED);
                case 9 -> assertThat(client.delete(base + "/oscore/test").code()).isEqualTo(Code.DELETED);
                case 10 -> wrongContext(context(SECRET, Bytes.fromHex("42"), SERVER_ID, withIdContext, false),
                        Code.UNAUTHORIZED, "Security context not found");
                case 11 -> wrongContext(context(Bytes.fromHex("ff".repeat(16)), CLIENT_ID, SERVER_ID, withIdContext,
                        false), Code.BAD_REQUEST, "Decryption failed");
                case 12 -> responseWithAWrongContext();
                case 13 -> replayedRequest();
                case 14 -> replayedResponse();
                case 15 -> olderNotification();
                default -> throw new IllegalArgumentException(id);
            }
        }
    }

    /** Test 0: the unprotected resource answers plain CoAP; the protected ones refuse it (4.01). */
    private void test0(CoapClient secured) {
        try (CoapClient plain = CoapClient.create()) {
            assertThat(plain.get(base + "/oscore/hello/coap").payloadString()).isEqualTo("Hello World!");
            assertThat(plain.get(base + "/oscore/hello/1").code()).isEqualTo(Code.UNAUTHORIZED);
        }
        assertThat(secured.get(base + "/oscore/hello/coap").payloadString()).isEqualTo("Hello World!");
        assertThat(handled).hasValue(0);
    }

    /** Tests 4 and 5: notifications "two", "three"; the client cancels (4) or the server ends it with 5.03 (5). */
    private void observe(CoapClient client, String path, ObservableResource source, boolean serverEnds)
            throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Observation obs = client.observe(Request.get(base + path).build(),
                r -> seen.add(r.code().codeClass() + ":" + r.payloadString()));
        assertThat(obs.registered().get(10, TimeUnit.SECONDS).payloadString()).isEqualTo("one");
        for (int i = 2; i <= 3; i++) {
            state.set(i);
            source.changed();
            int size = i;
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == size);
        }
        if (serverEnds) {
            source.terminate(Code.SERVICE_UNAVAILABLE);
            obs.ended().get(10, TimeUnit.SECONDS);
            assertThat(seen).containsExactly("2:one", "2:two", "2:three", "5:");
        } else {
            obs.cancel();
            obs.ended().get(10, TimeUnit.SECONDS);
            assertThat(seen).containsExactly("2:one", "2:two", "2:three");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> source.observerCount() == 0);
    }

    /** Tests 10 and 11: an unknown kid (4.01) or the wrong key (4.00), unprotected errors; no handler runs. */
    private void wrongContext(SecurityContext wrong, Code code, String diagnostic) {
        try (CoapClient client = CoapClient.builder().objectSecurity(OscoreLayer.client(wrong)).build()) {
            Response r = client.get(base + "/oscore/hello/1");
            assertThat(r.code()).isEqualTo(code);
            assertThat(r.payloadString()).isEqualTo(diagnostic);
        }
        assertThat(handled).hasValue(0);
    }

    /** Test 12: the server protects with a context the client does not expect: the client rejects the response. */
    private void responseWithAWrongContext() {
        // the client's Recipient Key comes from another Recipient ID than the server's Sender ID
        SecurityContext.Builder b = SecurityContext.builder().masterSecret(SECRET).masterSalt(SALT).senderId(CLIENT_ID)
                .recipientId(Bytes.fromHex("07"));
        if (withIdContext) {
            b.idContext(ID_CONTEXT);
        }
        try (CoapClient client = CoapClient.builder().objectSecurity(OscoreLayer.client(b.build())).build()) {
            assertThatThrownBy(() -> client.get(base + "/oscore/hello/1")).isInstanceOf(CoapSecurityException.class)
                    .hasMessageContaining("Decryption failed");
        }
        assertThat(handled).hasValue(1); // the request was authentic, the response is what fails
    }

    /** Test 13: a captured request sent again (another port, a new Message ID): 4.01 Replay detected, handled once. */
    private void replayedRequest() throws Exception {
        SecurityContext ctx = clientContext();
        Oscore.ProtectedRequest p = Oscore.protectRequest(ctx, new OscoreMessage(Code.GET,
                dev.tern.coap.Options.builder().uriPath("/oscore/hello/1").build(), Bytes.EMPTY));
        OscoreMessage outer = p.message();
        InetSocketAddress target = new InetSocketAddress("127.0.0.1", server.port());
        try (DatagramSocket legit = new DatagramSocket(0, target.getAddress());
             DatagramSocket attacker = new DatagramSocket(0, target.getAddress())) {
            Message answer = exchange(legit, target, outer, 0x1301);
            assertThat(answer.code()).isEqualTo(Code.CHANGED);
            OscoreMessage inner = Oscore.unprotectResponse(p.binding(), Vectors.parts(answer));
            assertThat(inner.payload().utf8()).as("%s", inner).isEqualTo("Hello World!");
            Message replay = exchange(attacker, target, outer, 0x1302);
            assertThat(replay.code()).isEqualTo(Code.UNAUTHORIZED);
            assertThat(replay.payload().utf8()).isEqualTo("Replay detected");
        }
        assertThat(handled).hasValue(1);
    }

    /** Test 14: a fake server answers a second request with the (authentic) response to the first: rejected. */
    private void replayedResponse() throws Exception {
        OscoreContexts serverSide = OscoreContexts.of(context(SECRET, SERVER_ID, CLIENT_ID, withIdContext, true));
        try (DatagramSocket fake = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             CoapClient client = CoapClient.builder().objectSecurity(OscoreLayer.client(clientContext())).build()) {
            fake.setSoTimeout(10_000);
            String uri = "coap://127.0.0.1:" + fake.getLocalPort() + "/oscore/hello/1";
            var first = client.send(Request.get(uri).build());
            DatagramPacket in = receive(fake);
            Message request1 = decode(in);
            Oscore.VerifiedRequest v = Oscore.unprotectRequest(serverSide, Vectors.parts(request1));
            OscoreMessage response = Oscore.protectResponse(v.binding(), new OscoreMessage(Code.CONTENT,
                    dev.tern.coap.Options.EMPTY, Bytes.utf8("Hello World!")));
            send(fake, in, new Message(MessageType.ACK, response.code(), request1.messageId(), request1.token(),
                    response.options(), response.payload()));
            assertThat(first.get(10, TimeUnit.SECONDS).payloadString()).isEqualTo("Hello World!");
            var second = client.send(Request.get(uri).timeout(Duration.ofSeconds(3)).build());
            DatagramPacket in2 = receive(fake);
            Message request2 = decode(in2);
            send(fake, in2, new Message(MessageType.ACK, response.code(), request2.messageId(), request2.token(),
                    response.options(), response.payload()));
            assertThatThrownBy(() -> second.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(CoapSecurityException.class);
        }
    }

    /** Test 15: an older notification replayed with a higher outer Observe is dropped (ordered by Partial IV). */
    private void olderNotification() throws Exception {
        OscoreContexts serverSide = OscoreContexts.of(context(SECRET, SERVER_ID, CLIENT_ID, withIdContext, true));
        try (DatagramSocket fake = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             CoapClient client = CoapClient.builder().objectSecurity(OscoreLayer.client(clientContext())).build()) {
            fake.setSoTimeout(10_000);
            List<String> seen = new CopyOnWriteArrayList<>();
            Observation obs = client.observe(Request.get("coap://127.0.0.1:" + fake.getLocalPort() + "/oscore/observe1")
                    .build(), r -> seen.add(r.payloadString()));
            DatagramPacket in = receive(fake);
            Message registration = decode(in);
            Oscore.VerifiedRequest v = Oscore.unprotectRequest(serverSide, Vectors.parts(registration));
            Message one = notification(v.binding(), registration, MessageType.ACK, registration.messageId(), 2, "one");
            send(fake, in, one);
            obs.registered().get(10, TimeUnit.SECONDS);
            send(fake, in, notification(v.binding(), registration, MessageType.NON, 0x1501, 3, "two"));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("two"));
            send(fake, in, new Message(MessageType.NON, one.code(), 0x1502, one.token(),
                    dev.tern.coap.Options.builder().addAll(one.options()).observe(7).build(), one.payload()));
            send(fake, in, notification(v.binding(), registration, MessageType.NON, 0x1503, 8, "three"));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("three"));
            assertThat(seen).containsExactly("one", "two", "three");
        }
    }

    private static Message notification(RequestBinding binding, Message registration, MessageType type, int mid,
                                        int observe, String payload) {
        OscoreMessage outer = Oscore.protectResponse(binding, new OscoreMessage(Code.CONTENT,
                dev.tern.coap.Options.builder().observe(observe).build(), Bytes.utf8(payload)));
        return new Message(type, outer.code(), mid, registration.token(), outer.options(), outer.payload());
    }

    private static DatagramPacket receive(DatagramSocket socket) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        socket.receive(in);
        return in;
    }

    private static Message decode(DatagramPacket p) {
        return (Message) MessageDecoder.decode(p.getData(), 0, p.getLength());
    }

    private static void send(DatagramSocket socket, DatagramPacket to, Message m) throws Exception {
        byte[] out = MessageEncoder.encode(m);
        socket.send(new DatagramPacket(out, out.length, to.getSocketAddress()));
    }

    private static Message exchange(DatagramSocket socket, InetSocketAddress target, OscoreMessage outer, int mid)
            throws Exception {
        byte[] out = MessageEncoder.encode(new Message(MessageType.CON, outer.code(), mid, Bytes.fromHex("a1b2"),
                outer.options(), outer.payload()));
        socket.setSoTimeout(10_000);
        socket.send(new DatagramPacket(out, out.length, target));
        return decode(receive(socket));
    }
}
