package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Observe (RFC 7641) between a Tern client and server over loopback UDP. */
class ObserveLoopbackTest {
    private final AtomicInteger value = new AtomicInteger();
    private final ObservableResource con = ObservableResource.confirmable();
    private final ObservableResource non = ObservableResource.create();
    private CoapServer server;
    private CoapClient client;
    private String base;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .get("/obs", con.handler(req -> Response.builder(Code.CONTENT).payload("v" + value.get())
                        .maxAge(30).build()), RouteOptions.create().observable())
                .get("/obs-non", non.handler(req -> Response.content("n" + value.get())))
                .get("/plain", req -> Response.content("plain")) // not observable (faults row 58)
                .get("/peek", req -> Response.content(Boolean.toString(req.observe(con)))) // plain GET: false
                .build();
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .config(EndpointConfig.builder().maxObservers(3).build()).build().start();
        client = CoapClient.create();
        base = "coap://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void notificationsArriveInOrderAndCancelDeregisters() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Observation obs = client.observe(Request.get(base + "/obs").build(), r -> seen.add(r.payloadString()));
        Response first = obs.registered().orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(first.options().observe()).isPresent();
        assertThat(con.observerCount()).isEqualTo(1);
        for (int i = 1; i <= 3; i++) {
            value.set(i);
            con.changed();
            int expected = i + 1;
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() >= expected);
        }
        assertThat(seen).containsExactly("v0", "v1", "v2", "v3");
        obs.cancel();
        obs.ended().orTimeout(5, TimeUnit.SECONDS).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> con.observerCount() == 0);
        assertThat(obs.isActive()).isFalse();
    }

    @Test
    void nonConfirmableNotifications() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Observation obs = client.observe(Request.get(base + "/obs-non").build(), r -> seen.add(r.payloadString()));
        obs.registered().orTimeout(5, TimeUnit.SECONDS).join();
        value.set(7);
        non.changed();
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("n7"));
        obs.cancel();
    }

    @Test
    void terminateEndsObservationWithErrorCode() {
        List<Response> seen = new CopyOnWriteArrayList<>();
        Observation obs = client.observe(Request.get(base + "/obs").build(), seen::add);
        obs.registered().orTimeout(5, TimeUnit.SECONDS).join();
        con.terminate(Code.NOT_FOUND);
        obs.ended().orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(seen).last().extracting(Response::code).isEqualTo(Code.NOT_FOUND);
        assertThat(con.observerCount()).isZero();
    }

    @Test
    void plainGetIsNotRegistered() {
        Observation obs = client.observe(Request.get(base + "/plain").build(), r -> { });
        Response r = obs.registered().orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(r.options().observe()).isEmpty();
        obs.ended().orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(con.observerCount()).isZero();
    }

    @Test
    void clientReRegistersWhenMaxAgeRunsOut() {
        AtomicInteger registrations = new AtomicInteger();
        ObservableResource quiet = ObservableResource.create();
        try (CoapServer s = CoapServer.builder().port(0).bind("127.0.0.1").service(Router.builder()
                .get("/quiet", quiet.handler(req -> {
                    registrations.incrementAndGet();
                    return Response.builder(Code.CONTENT).payload("q").maxAge(1).build();
                })).build()).build().start()) {
            Observation obs = client.observe(Request.get("coap://127.0.0.1:" + s.port() + "/quiet").build(), r -> { });
            obs.registered().orTimeout(5, TimeUnit.SECONDS).join();
            // RFC 7641 §3.3.1: Max-Age 1 s passes without a notification -> the client registers again.
            await().atMost(Duration.ofSeconds(8)).until(() -> registrations.get() >= 2);
            assertThat(quiet.observerCount()).isEqualTo(1); // same token: the relation is replaced, not doubled
            obs.cancel();
        }
    }

    @Test
    void largeNotificationsArriveWholeThroughBlock2() {
        // RFC 7959 §2.6: each notification carries block 0; the client fetches the rest.
        ObservableResource big = ObservableResource.create();
        try (CoapServer s = CoapServer.builder().port(0).bind("127.0.0.1").service(Router.builder()
                .get("/big", big.handler(req -> Response.content(Integer.toString(value.get()).repeat(1500))))
                .build()).build().start()) {
            List<String> seen = new CopyOnWriteArrayList<>();
            Observation obs = client.observe(Request.get("coap://127.0.0.1:" + s.port() + "/big").build(),
                    r -> seen.add(r.payloadString()));
            Response first = obs.registered().orTimeout(5, TimeUnit.SECONDS).join();
            assertThat(first.payloadString()).hasSize(1500).isEqualTo("0".repeat(1500));
            assertThat(first.options().observe()).isPresent();
            value.set(42);
            big.changed();
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 2);
            assertThat(seen.get(1)).hasSize(3000).isEqualTo("42".repeat(1500));
            obs.cancel();
        }
    }

    @Test
    void observeIsRefusedForPlainGet() {
        assertThat(client.get(base + "/peek").payloadString()).isEqualTo("false");
        assertThat(con.observerCount()).isZero();
    }

    @Test
    void observerCapServesPlainGet() {
        for (int i = 0; i < 3; i++) {
            client.observe(Request.get(base + "/obs").build(), r -> { }).registered().join();
        }
        Observation fourth = client.observe(Request.get(base + "/obs").build(), r -> { });
        assertThat(fourth.registered().join().options().observe()).isEmpty(); // RFC 7641 §4.1
        assertThat(con.observerCount()).isEqualTo(3);
    }

    @Test
    void resetToNonNotificationRemovesObserver() throws Exception {
        try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            peer.setSoTimeout(3000);
            Message get = new Message(MessageType.CON, Code.GET, 0x1111, Bytes.fromHex("abcd"),
                    Options.builder().uriPath("/obs-non").observe(0).build(), Bytes.EMPTY);
            send(peer, get);
            Message ack = receive(peer);
            assertThat(ack.type()).isEqualTo(MessageType.ACK);
            assertThat(ack.options().observe()).isPresent();
            assertThat(non.observerCount()).isEqualTo(1);
            non.changed();
            Message notification = receive(peer);
            assertThat(notification.type()).isEqualTo(MessageType.NON);
            assertThat(notification.token()).isEqualTo(Bytes.fromHex("abcd"));
            send(peer, Message.empty(MessageType.RST, notification.messageId()));
            await().atMost(Duration.ofSeconds(5)).until(() -> non.observerCount() == 0); // RFC 7641 §3.6
        }
    }

    @Test
    void notificationWithUnknownTokenGetsReset() throws Exception {
        // faults row 63: the client rejects a notification it did not ask for.
        try (DatagramSocket fakeServer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            fakeServer.setSoTimeout(3000);
            Message notification = new Message(MessageType.CON, Code.CONTENT, 0x2222, Bytes.fromHex("0102"),
                    Options.builder().observe(5).build(), Bytes.utf8("x"));
            byte[] b = MessageEncoder.encode(notification);
            fakeServer.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(),
                    client.localAddress().getPort()));
            Message reply = receive(fakeServer);
            assertThat(reply.type()).isEqualTo(MessageType.RST);
            assertThat(reply.messageId()).isEqualTo(0x2222);
        }
    }

    @Test
    void answerToAReRegistrationRestartsTheOrdering() throws Exception {
        // A re-registration (§3.3.1) answered by another server instance (a cluster node that took over
        // from a killed one, a restarted server): its new relation numbers from its own start, far below
        // the lost relation's last number. Its answer and notifications must be delivered, not dropped
        // as older (§3.4) for up to 128 s.
        try (DatagramSocket fake = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            fake.setSoTimeout(10_000);
            List<String> seen = new CopyOnWriteArrayList<>();
            client.observe(Request.get("coap://127.0.0.1:" + fake.getLocalPort() + "/time").build(),
                    r -> seen.add(r.payloadString()));
            DatagramPacket[] from = new DatagramPacket[1];
            Message reg = receive(fake, from);
            answer(fake, from[0], reg, 50, "old-50");
            notify(fake, from[0], reg.token(), 0x7001, 51, "old-51");
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 2);
            Message again = receive(fake, from); // Max-Age 1 ran out: the same token again
            assertThat(again.token()).isEqualTo(reg.token());
            assertThat(again.options().observe()).hasValue(0);
            answer(fake, from[0], again, 2, "new-2");
            notify(fake, from[0], reg.token(), 0x7002, 3, "new-3");
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 4);
            assertThat(seen).containsExactly("old-50", "old-51", "new-2", "new-3");
        }
    }

    private static void answer(DatagramSocket s, DatagramPacket to, Message request, int observe, String payload)
            throws Exception {
        send(s, to, new Message(MessageType.ACK, Code.CONTENT, request.messageId(), request.token(),
                Options.builder().observe(observe).maxAge(1).build(), Bytes.utf8(payload)));
    }

    private static void notify(DatagramSocket s, DatagramPacket to, Bytes token, int mid, int observe, String payload)
            throws Exception {
        send(s, to, new Message(MessageType.NON, Code.CONTENT, mid, token,
                Options.builder().observe(observe).maxAge(1).build(), Bytes.utf8(payload)));
    }

    private static void send(DatagramSocket s, DatagramPacket to, Message m) throws Exception {
        byte[] b = MessageEncoder.encode(m);
        s.send(new DatagramPacket(b, b.length, to.getSocketAddress()));
    }

    private static Message receive(DatagramSocket s, DatagramPacket[] from) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.receive(p);
        from[0] = p;
        DecodeResult r = MessageDecoder.decode(p.getData(), 0, p.getLength());
        assertThat(r).isInstanceOf(Message.class);
        return (Message) r;
    }

    private void send(DatagramSocket s, Message m) throws Exception {
        byte[] b = MessageEncoder.encode(m);
        s.send(new DatagramPacket(b, b.length, InetAddress.getLoopbackAddress(), server.port()));
    }

    private static Message receive(DatagramSocket s) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        s.receive(p);
        DecodeResult r = MessageDecoder.decode(p.getData(), 0, p.getLength());
        assertThat(r).isInstanceOf(Message.class);
        return (Message) r;
    }
}
