package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import dev.tern.coap.spi.RelationListener;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relation SPI: events on start and end of an observe relation, and ending one from outside (RFC 7641 §4.2). */
class RelationListenerTest {
    private final ObservableResource res = ObservableResource.create();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AtomicReference<RelationListener.Canceller> canceller = new AtomicReference<>();
    private CoapServer server;

    @BeforeEach
    void start() {
        RelationListener listener = new RelationListener() {
            @Override
            public void added(Relation r) {
                events.add("+" + r.path() + " " + r.token().hex() + " " + r.identity().isPresent());
            }

            @Override
            public void removed(Relation r) {
                events.add("-" + r.path() + " " + r.token().hex());
            }

            @Override
            public void started(Canceller c) {
                canceller.set(c);
            }
        };
        Router router = Router.builder()
                .get("/obs", res.handler(req -> Response.content("x")), RouteOptions.create().observable()).build();
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(router).relationListener(listener).build()
                .start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void cancelSendsAConfirmableErrorWithoutObserveAndEndsTheRelation() throws Exception {
        assertThat(canceller.get()).isNotNull();
        try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            peer.setSoTimeout(5000);
            Message get = new Message(MessageType.CON, Code.GET, 0x1111, Bytes.fromHex("abcd"),
                    Options.builder().observe(0).uriPath("obs").build(), Bytes.EMPTY);
            byte[] b = MessageEncoder.encode(get);
            peer.send(new DatagramPacket(b, b.length, server.localAddress()));
            Message first = receive(peer);
            assertThat(first.options().observe()).isPresent();
            assertThat(events).containsExactly("+/obs abcd false");

            InetSocketAddress me = (InetSocketAddress) peer.getLocalSocketAddress();
            assertThat(canceller.get().cancel(me, Bytes.fromHex("abcd"), Code.SERVICE_UNAVAILABLE)
                    .toCompletableFuture().get(5, TimeUnit.SECONDS)).isTrue();
            byte[] last = receiveRaw(peer);
            // CON, TKL 2, 5.03, any Message ID, token abcd, no options (no Observe), no payload
            assertThat(last[0]).isEqualTo((byte) 0x42);
            assertThat(last[1]).isEqualTo((byte) 0xA3);
            assertThat(Arrays.copyOfRange(last, 4, last.length)).containsExactly(0xab, 0xcd);
            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
            assertThat(events).containsExactly("+/obs abcd false", "-/obs abcd");
            assertThat(res.observerCount()).isZero();
            assertThat(server.cancelRelation(me, Bytes.fromHex("abcd"), Code.NOT_FOUND).get(5, TimeUnit.SECONDS))
                    .isFalse();
        }
    }

    @Test
    void aTernObserverLearnsOfTheCancel() {
        try (CoapClient client = CoapClient.create()) {
            List<Response> seen = new CopyOnWriteArrayList<>();
            Observation obs = client.observe(Request.get("coap://127.0.0.1:" + server.port() + "/obs").build(),
                    seen::add);
            obs.registered().orTimeout(5, TimeUnit.SECONDS).join();
            await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
            InetSocketAddress peer = client.localAddress();
            Bytes token = Bytes.fromHex(events.get(0).split(" ")[1]);
            assertThat(server.cancelRelation(new InetSocketAddress("127.0.0.1", peer.getPort()), token, Code.NOT_FOUND)
                    .orTimeout(5, TimeUnit.SECONDS).join()).isTrue();
            obs.ended().orTimeout(5, TimeUnit.SECONDS).join();
            assertThat(seen).last().extracting(Response::code).isEqualTo(Code.NOT_FOUND);
        }
    }

    @Test
    void onlyErrorCodesEndARelation() {
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", 9);
        assertThatThrownBy(() -> server.cancelRelation(a, Bytes.fromHex("01"), Code.CONTENT))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4.xx or 5.xx");
        assertThat(server.cancelRelation(a, Bytes.fromHex("01"), Code.SERVICE_UNAVAILABLE).join()).isFalse();
    }

    @Test
    void aFailingListenerDoesNotBreakTheRelation() {
        RelationListener broken = new RelationListener() {
            @Override
            public void added(Relation r) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void removed(Relation r) {
                throw new IllegalStateException("listener bug");
            }
        };
        ObservableResource other = ObservableResource.create();
        Router router = Router.builder()
                .get("/obs", other.handler(req -> Response.content("y")), RouteOptions.create().observable()).build();
        try (CoapServer s = CoapServer.builder().port(0).bind("127.0.0.1").service(router).relationListener(broken)
                .build().start(); CoapClient client = CoapClient.create()) {
            List<Response> seen = new CopyOnWriteArrayList<>();
            Observation obs = client.observe(Request.get("coap://127.0.0.1:" + s.port() + "/obs").build(), seen::add);
            Response first = obs.registered().orTimeout(5, TimeUnit.SECONDS).join();
            assertThat(first.options().observe()).isPresent();
            other.changed();
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 2);
            obs.cancel();
            await().atMost(Duration.ofSeconds(5)).until(() -> other.observerCount() == 0);
        }
    }

    private static byte[] receiveRaw(DatagramSocket s) throws Exception {
        byte[] buf = new byte[1500];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return Arrays.copyOf(buf, p.getLength());
    }

    private static Message receive(DatagramSocket s) throws Exception {
        byte[] raw = receiveRaw(s);
        DecodeResult r = MessageDecoder.decode(raw);
        return (Message) r;
    }
}
