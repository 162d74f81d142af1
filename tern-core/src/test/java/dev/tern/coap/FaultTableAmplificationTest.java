package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.engine.CoapEndpoint;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * faults.md row 66: a small unauthenticated request for a large resource (an amplification probe)
 * gets a first answer of at most 3x the request, here 4.01 with an Echo option (RFC 7252 §11.3,
 * RFC 9175 §2.4), when {@link EndpointConfig#amplificationLimit()} is on.
 */
class FaultTableAmplificationTest {
    private static final String BIG = "x".repeat(800);
    private final ObservableResource observable = ObservableResource.create();
    private final Service.Handler observed = observable.handler(r -> Response.content(BIG));
    /** An observable resource whose answers are small: the size check alone lets them through. */
    private final ObservableResource smallObservable = ObservableResource.create();
    private final Service.Handler smallObserved = smallObservable.handler(r -> Response.content("s"));
    private CoapServer server;
    private DatagramSocket socket;

    @BeforeEach
    void start() throws Exception {
        Service service = request -> CompletableFuture.completedFuture(
                request.path().equals("/big") ? Response.content(BIG)
                        : request.path().equals("/obs") ? observed.handle(request)
                        : request.path().equals("/small-obs") ? smallObserved.handle(request)
                        : Response.content("Hello World!"));
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(service)
                .config(EndpointConfig.builder().amplificationLimit(3).build()).build().start();
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(5000);
    }

    @AfterEach
    void stop() {
        socket.close();
        server.close();
    }

    private Message exchange(Message request) throws Exception {
        byte[] out = MessageEncoder.encode(request);
        dev.tern.coap.testkit.RawUdp.send(socket, out, server.port());
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        lastResponseSize = p.getLength();
        return (Message) MessageDecoder.decode(buf, 0, p.getLength());
    }

    private int lastResponseSize;

    private static Message get(int mid, String path, Bytes echo) {
        Options.Builder o = Options.builder().uriPath(path);
        if (echo != null) {
            o.add(OptionNumber.ECHO, echo);
        }
        return new Message(MessageType.CON, Code.GET, mid, Bytes.fromHex("0102"), o.build(), Bytes.EMPTY);
    }

    @Test
    void row66_probeGets401WithEchoWithinThreeTimesTheRequest_thenEchoRoundTripServes() throws Exception {
        Message probe = get(1, "/big", null);
        int requestSize = MessageEncoder.encodedSize(probe);
        Message first = exchange(probe);
        assertThat(first.code()).isEqualTo(Code.UNAUTHORIZED);
        assertThat(first.options().echo()).isPresent();
        assertThat(first.payload().length()).isZero();
        assertThat(lastResponseSize).isLessThanOrEqualTo(3 * requestSize).isLessThanOrEqualTo(136);

        Message verified = exchange(get(2, "/big", first.options().echo().get()));
        assertThat(verified.code()).isEqualTo(Code.CONTENT);
        assertThat(verified.payload().length()).isEqualTo(800);

        // Verified: the next request needs no Echo.
        assertThat(exchange(get(3, "/big", null)).code()).isEqualTo(Code.CONTENT);
    }

    @Test
    void smallResponsesNeedNoEcho() throws Exception {
        Message r = exchange(get(1, "/hello", null));
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.payload().length()).isEqualTo("Hello World!".length());
    }

    @Test
    void forgedEchoIs401Again() throws Exception {
        Message first = exchange(get(1, "/big", null));
        byte[] echo = first.options().echo().get().toArray();
        echo[echo.length - 1] ^= 1;
        Message forged = exchange(get(2, "/big", Bytes.wrap(echo)));
        assertThat(forged.code()).isEqualTo(Code.UNAUTHORIZED);
        assertThat(exchange(get(3, "/big", Bytes.fromHex("0011223344556677"))).code()).isEqualTo(Code.UNAUTHORIZED);
    }

    @Test
    void echoIssuedToAnotherPeerIsRejected() throws Exception {
        Message first = exchange(get(1, "/big", null));
        try (DatagramSocket other = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            other.setSoTimeout(5000);
            byte[] out = MessageEncoder.encode(get(2, "/big", first.options().echo().get()));
            dev.tern.coap.testkit.RawUdp.send(other, out, server.port());
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            other.receive(p);
            assertThat(((Message) MessageDecoder.decode(buf, 0, p.getLength())).code()).isEqualTo(Code.UNAUTHORIZED);
        }
    }

    @Test
    void ternClientAnswersEchoTransparently() {
        try (CoapClient client = CoapClient.create()) {
            Response r = client.get("coap://127.0.0.1:" + server.port() + "/big");
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isEqualTo(BIG);
        }
        assertThat(Tables.read(server.endpoint(), CoapEndpoint::verifiedPeers)).isEqualTo(1);
    }

    @Test
    void unverifiedObserverGets401AndNoRelation() throws Exception {
        Message reg = new Message(MessageType.CON, Code.GET, 1, Bytes.fromHex("0102"),
                Options.builder().uriPath("/obs").add(Option.ofUint(OptionNumber.OBSERVE, 0)).build(), Bytes.EMPTY);
        Message r = exchange(reg);
        assertThat(r.code()).isEqualTo(Code.UNAUTHORIZED);
        assertThat(Tables.read(server.endpoint(), CoapEndpoint::observers)).isZero();
    }

    @Test
    void ternObserverAnswersEchoTransparently() throws Exception {
        try (CoapClient client = CoapClient.create()) {
            java.util.List<Response> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            Observation obs = client.observe(Request.get("coap://127.0.0.1:" + server.port() + "/obs").build(),
                    seen::add);
            Response first = obs.registered().get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(first.code()).isEqualTo(Code.CONTENT);
            assertThat(first.options().observe()).isPresent();
            assertThat(Tables.read(server.endpoint(), CoapEndpoint::observers)).isEqualTo(1);
            observable.changed();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 2);
            assertThat(seen).allSatisfy(r -> assertThat(r.payloadString()).isEqualTo(BIG));
            obs.cancel();
        }
    }

    private static Message registration(dev.tern.coap.MessageType type, int mid, String path, Bytes echo) {
        Options.Builder o = Options.builder().uriPath(path).add(Option.ofUint(OptionNumber.OBSERVE, 0));
        if (echo != null) {
            o.add(OptionNumber.ECHO, echo);
        }
        return new Message(type, Code.GET, mid, Bytes.fromHex("0a0b"), o.build(), Bytes.EMPTY);
    }

    /**
     * Issue 15 point 4 / FAULTS.md A1.4: the guard weighs what a registration will send later, not
     * only its first response. A registration of a resource with tiny answers (which passes the
     * size check) from an unverified peer gets 4.01 with Echo and no relation; the Echo round trip
     * then registers it (RFC 9175 §2.4, RFC 7641 §4.1).
     */
    @Test
    void a1_4_unverifiedRegistrationOfASmallResourceGets401WithEchoAndNoRelation() throws Exception {
        Message r = exchange(registration(MessageType.CON, 1, "/small-obs", null));
        assertThat(r.code()).isEqualTo(Code.UNAUTHORIZED);
        assertThat(r.options().echo()).isPresent();
        assertThat(r.options().observe()).isEmpty();
        assertThat(Tables.read(server.endpoint(), CoapEndpoint::observers)).isZero();
        assertThat(smallObservable.observerCount()).isZero();

        Message registered = exchange(registration(MessageType.CON, 2, "/small-obs", r.options().echo().get()));
        assertThat(registered.code()).isEqualTo(Code.CONTENT);
        assertThat(registered.options().observe()).as("registered after the Echo round trip").isPresent();
        assertThat(Tables.read(server.endpoint(), CoapEndpoint::observers)).isEqualTo(1);
    }

    /** A plain GET of the same resource from an unverified peer is still served at once. */
    @Test
    void a1_4_plainGetOfTheSmallResourceNeedsNoEcho() throws Exception {
        Message r = exchange(get(1, "/small-obs", null));
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.payload().utf8()).isEqualTo("s");
    }

    /** A1.4 attack with the guard on: a spoofed NON registration creates no relation, so no notification follows. */
    @Test
    void a1_4_spoofedNonRegistrationCreatesNoRelation() throws Exception {
        Message r = exchange(registration(MessageType.NON, 1, "/small-obs", null));
        assertThat(r.type()).isEqualTo(MessageType.NON);
        assertThat(r.code()).isEqualTo(Code.UNAUTHORIZED);
        assertThat(Tables.read(server.endpoint(), CoapEndpoint::observers)).isZero();
        smallObservable.changed();
        socket.setSoTimeout(400);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> socket.receive(new DatagramPacket(new byte[64], 64)))
                .as("no notification reaches the victim").isInstanceOf(java.net.SocketTimeoutException.class);
    }

    @Test
    void a1_4_ternObserverOfASmallResourceAnswersEchoTransparently() throws Exception {
        try (CoapClient client = CoapClient.create()) {
            java.util.List<Response> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            Observation obs = client.observe(
                    Request.get("coap://127.0.0.1:" + server.port() + "/small-obs").build(), seen::add);
            Response first = obs.registered().get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(first.code()).isEqualTo(Code.CONTENT);
            assertThat(first.options().observe()).isPresent();
            assertThat(Tables.read(server.endpoint(), CoapEndpoint::observers)).isEqualTo(1);
            smallObservable.changed();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= 2);
            obs.cancel();
        }
    }

    @Test
    void offByDefault() {
        assertThat(EndpointConfig.defaults().amplificationLimit()).isZero();
        assertThat(EndpointConfig.defaults().verifiedPeerLifetime()).isEqualTo(Duration.ofMinutes(10));
    }
}
