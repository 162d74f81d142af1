package dev.tern.coap.oscore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.MessageType;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Observation;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Observe through OSCORE (RFC 8613 §4.1.3.5, §8.3, §8.4; RFC 7641) over real UDP on loopback:
 * Tern client against Tern server, and a forged server that replays an older notification.
 */
class OscoreObserveTest {
    private static SecurityContext serverContext() {
        return SecurityContext.builder().masterSecret(Vectors.SECRET).masterSalt(Vectors.SALT)
                .senderId(Bytes.fromHex("01")).recipientId(Bytes.fromHex("")).build();
    }

    @Test
    void notificationsArriveProtectedInOrderAndCancelEndsTheRelation() throws Exception {
        ObservableResource source = ObservableResource.create();
        AtomicInteger state = new AtomicInteger();
        List<String> identities = new CopyOnWriteArrayList<>();
        Router router = Router.builder().get("/obs", source.handler(r -> {
            identities.add(r.peerIdentity().map(PeerIdentity::kind).map(Object::toString).orElse("none"));
            return Response.content("state-" + state.get());
        }), RouteOptions.create().observable()).build();
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .objectSecurity(OscoreLayer.server(OscoreContexts.of(serverContext()))).build().start();
             RecordingRelay relay = new RecordingRelay(server.port());
             CoapClient client = CoapClient.builder()
                     .objectSecurity(OscoreLayer.client(OscoreLoopbackTest.clientContext(""))).build()) {
            List<String> seen = new CopyOnWriteArrayList<>();
            Observation obs = client.observe(Request.get("coap://127.0.0.1:" + relay.port() + "/obs").build(),
                    r -> seen.add(r.code().codeClass() + " " + r.payloadString() + " " + r.options().observe().isPresent()));
            Response first = obs.registered().get(10, TimeUnit.SECONDS);
            assertThat(first.code()).isEqualTo(Code.CONTENT);
            assertThat(first.payloadString()).isEqualTo("state-0");
            assertThat(source.observerCount()).isEqualTo(1);
            for (int i = 1; i <= 3; i++) {
                state.set(i);
                source.changed();
                String want = "2 state-" + i + " true";
                await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(want));
            }
            assertThat(seen).containsExactly("2 state-0 true", "2 state-1 true",
                    "2 state-2 true", "2 state-3 true");
            assertThat(identities).containsOnly("OSCORE");
            for (byte[] d : relay.datagrams) { // nothing in the clear
                assertThat(new String(d, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("state-");
            }
            obs.cancel();
            await().atMost(Duration.ofSeconds(10)).until(() -> source.observerCount() == 0);
        }
    }

    @Test
    void aTerminatedResourceEndsTheObservationWithAProtectedError() throws Exception {
        ObservableResource source = ObservableResource.create();
        Router router = Router.builder().get("/obs", source.handler(r -> Response.content("here")),
                RouteOptions.create().observable()).build();
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .objectSecurity(OscoreLayer.server(OscoreContexts.of(serverContext()))).build().start();
             RecordingRelay relay = new RecordingRelay(server.port());
             CoapClient client = CoapClient.builder()
                     .objectSecurity(OscoreLayer.client(OscoreLoopbackTest.clientContext(""))).build()) {
            List<Code> seen = new CopyOnWriteArrayList<>();
            Observation obs = client.observe(Request.get("coap://127.0.0.1:" + relay.port() + "/obs").build(),
                    r -> seen.add(r.code()));
            obs.registered().get(10, TimeUnit.SECONDS);
            int before = relay.datagrams.size();
            source.terminate(Code.NOT_FOUND);
            obs.ended().get(10, TimeUnit.SECONDS);
            assertThat(seen).containsExactly(Code.CONTENT, Code.NOT_FOUND);
            assertThat(source.observerCount()).isZero();
            Message last = (Message) MessageDecoder.decode(relay.datagrams.get(before), 0,
                    relay.datagrams.get(before).length);
            assertThat(last.code()).isEqualTo(Code.CHANGED); // 4.04 inside, 2.04 outside (§4.2)
            assertThat(last.options().has(OptionNumber.OSCORE)).isTrue();
        }
    }

    /**
     * The attack: an on-path attacker sends an older notification again with a higher outer
     * Observe number (the outer value is not protected, §4.1.3.5.2). The client orders
     * notifications by their Partial IV (§7.4.1, §8.4.2) and drops it.
     */
    @Test
    void anOlderNotificationWithABumpedOuterObserveIsDropped() throws Exception {
        SecurityContext serverSide = SecurityContext.builder().masterSecret(Vectors.SECRET).masterSalt(Vectors.SALT)
                .senderId(Bytes.fromHex("01")).recipientId(Bytes.fromHex("")).echoAfterStart(false).build();
        OscoreContexts contexts = OscoreContexts.of(serverSide);
        try (DatagramSocket fake = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress());
             CoapClient client = CoapClient.builder()
                     .objectSecurity(OscoreLayer.client(OscoreLoopbackTest.clientContext(""))).build()) {
            fake.setSoTimeout(10_000);
            List<String> seen = new CopyOnWriteArrayList<>();
            Observation obs = client.observe(Request.get("coap://127.0.0.1:" + fake.getLocalPort() + "/obs").build(),
                    r -> seen.add(r.payloadString()));
            byte[] buf = new byte[2048];
            DatagramPacket in = new DatagramPacket(buf, buf.length);
            fake.receive(in);
            Message registration = (Message) MessageDecoder.decode(buf, 0, in.getLength());
            assertThat(registration.code()).isEqualTo(Code.FETCH); // outer code of an observation (§4.2)
            assertThat(registration.options().observe()).hasValue(0);
            Oscore.VerifiedRequest verified = Oscore.unprotectRequest(contexts, Vectors.parts(registration));
            assertThat(verified.message().code()).isEqualTo(Code.GET);
            InetSocketAddress client1 = (InetSocketAddress) in.getSocketAddress();

            byte[] v1 = notification(verified.binding(), registration, MessageType.ACK, registration.messageId(), 2,
                    "v1");
            fake.send(new DatagramPacket(v1, v1.length, client1));
            obs.registered().get(10, TimeUnit.SECONDS);
            byte[] v2 = notification(verified.binding(), registration, MessageType.NON, 0x7001, 3, "v2");
            fake.send(new DatagramPacket(v2, v2.length, client1));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("v2"));
            // the replay: v1's ciphertext and Partial IV, a new Message ID and outer Observe 9
            Message old = (Message) MessageDecoder.decode(v1, 0, v1.length);
            Options bumped = Options.builder().addAll(old.options()).observe(9).build();
            byte[] replay = MessageEncoder.encode(new Message(MessageType.NON, old.code(), 0x7002, old.token(), bumped,
                    old.payload()));
            fake.send(new DatagramPacket(replay, replay.length, client1));
            byte[] v3 = notification(verified.binding(), registration, MessageType.NON, 0x7003, 10, "v3");
            fake.send(new DatagramPacket(v3, v3.length, client1));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("v3"));
            assertThat(seen).containsExactly("v1", "v2", "v3");
        }
    }

    private static byte[] notification(RequestBinding binding, Message registration, MessageType type, int mid,
                                       int observe, String payload) {
        OscoreMessage inner = new OscoreMessage(Code.CONTENT, Options.builder().observe(observe).build(),
                Bytes.utf8(payload));
        OscoreMessage outer = Oscore.protectResponse(binding, inner);
        assertThat(outer.options().all(OptionNumber.OBSERVE)).extracting(Option::number)
                .containsExactly(OptionNumber.OBSERVE);
        return MessageEncoder.encode(new Message(type, outer.code(), mid, registration.token(), outer.options(),
                outer.payload()));
    }
}
