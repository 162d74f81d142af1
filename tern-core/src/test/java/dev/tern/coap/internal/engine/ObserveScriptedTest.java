package dev.tern.coap.internal.engine;

import static dev.tern.coap.MessageType.ACK;
import static dev.tern.coap.MessageType.CON;
import static dev.tern.coap.MessageType.NON;
import static dev.tern.coap.testkit.Messages.empty;
import static dev.tern.coap.testkit.Messages.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageType;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Options;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.testkit.Harness;
import dev.tern.coap.testkit.InMemoryTransport;
import dev.tern.coap.testkit.ManualScheduler;
import dev.tern.coap.testkit.MessagePeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Observers that never answer, datagram by datagram on the manual clock (RFC 7641 §4.5, §4.5.2;
 * FAULTS.md A1.4): a newer notification continues the retransmission counter and timeout of the
 * unacknowledged CON notification it replaces, so such an observer is removed after MAX_RETRANSMIT
 * retransmissions however fast the resource changes.
 */
class ObserveScriptedTest {
    private static final Duration CHANGE_EVERY = Duration.ofMillis(500);

    private final AtomicInteger state = new AtomicInteger();

    private Harness serverFor(ObservableResource obs, EndpointConfig config) {
        Router router = Router.builder()
                .get("/obs", obs.handler(req -> Response.content(Integer.toString(state.get()))),
                        RouteOptions.create().observable())
                .build();
        return Harness.server(router, config);
    }

    private static Message register(MessageType type, int mid) {
        return request(type, Code.GET, mid, "0b5e", Options.builder().uriPath("/obs").observe(0).build(), Bytes.EMPTY);
    }

    /** The resource changes every {@link #CHANGE_EVERY} for {@code duration}. */
    private void changeFor(Harness h, ObservableResource obs, Duration duration) {
        long end = h.scheduler.nanoTime() + duration.toNanos();
        while (h.scheduler.nanoTime() - end < 0) {
            state.incrementAndGet();
            obs.changed();
            h.scheduler.advance(CHANGE_EVERY);
        }
    }

    /** Every message the endpoint sent the peer that is not yet read. */
    private static List<Message> drain(MessagePeer peer, int alreadyRead) {
        List<Message> out = new ArrayList<>();
        for (int i = alreadyRead; i < peer.receivedCount(); i++) {
            out.add(peer.expect());
        }
        return out;
    }

    @Test
    void conObserverThatNeverAcksIsRemovedAfterMaxRetransmitEvenWhenTheResourceChangesFasterThanTheBackOff() {
        ObservableResource obs = ObservableResource.confirmable();
        EndpointConfig config = EndpointConfig.defaults(); // ACK_TIMEOUT 2 s, MAX_RETRANSMIT 4
        Harness h = serverFor(obs, config);
        MessagePeer peer = h.peer(7);
        peer.send(register(CON, 0x100));
        Message first = peer.expect();
        assertThat(first.type()).isEqualTo(ACK);
        assertThat(first.options().observe()).as("registered").isPresent();
        long start = h.scheduler.nanoTime();

        changeFor(h, obs, Duration.ofMinutes(10)); // 1200 changes, none ever acknowledged

        List<Message> notifications = drain(peer, 1);
        assertThat(notifications).as("one CON and MAX_RETRANSMIT more transmissions, then removed")
                .hasSize(1 + config.maxRetransmit()).allSatisfy(n -> assertThat(n.type()).isEqualTo(CON));
        List<Long> at = peer.sentAt();
        assertThat(at.get(at.size() - 1) - start).as("the last one within MAX_TRANSMIT_SPAN of the first")
                .isLessThanOrEqualTo(config.maxTransmitSpan().toNanos() + CHANGE_EVERY.toNanos());
        for (int i = 1; i < notifications.size(); i++) {
            assertThat(notifications.get(i).options().observe().getAsInt())
                    .as("each replacement carries a newer state").isGreaterThan(
                            notifications.get(i - 1).options().observe().getAsInt());
            assertThat(at.get(i + 1) - at.get(i)).as("the back-off goes on doubling: transmission %d", i)
                    .isGreaterThanOrEqualTo(config.ackTimeout().toNanos() << (i - 1));
        }
        assertThat(h.endpoint.observers()).isZero();
        assertThat(obs.observerCount()).isZero();
        assertThat(h.endpoint.stateSummary()).contains("outstandingCon=0");
    }

    @Test
    void spoofedNonRegistrationGetsABoundedNumberOfNotificationsThenTheRelationIsGone() {
        ObservableResource obs = ObservableResource.create(); // NON, a CON every conNotificationInterval (20)
        EndpointConfig config = EndpointConfig.defaults();
        Harness h = serverFor(obs, config);
        MessagePeer victim = h.peer(9);
        victim.send(register(NON, 0x200)); // the attacker's 13 bytes, with the victim as source
        Message first = victim.expect();
        assertThat(first.type()).isEqualTo(NON);
        assertThat(first.options().observe()).isPresent();

        changeFor(h, obs, Duration.ofMinutes(10));

        List<Message> notifications = drain(victim, 1);
        int bound = config.conNotificationInterval() + config.maxRetransmit();
        assertThat(notifications).as("interval-1 NONs, one CON, MAX_RETRANSMIT more transmissions").hasSize(bound);
        assertThat(notifications.subList(0, config.conNotificationInterval() - 1))
                .allSatisfy(n -> assertThat(n.type()).isEqualTo(NON));
        assertThat(notifications.subList(config.conNotificationInterval() - 1, bound))
                .allSatisfy(n -> assertThat(n.type()).isEqualTo(CON));
        assertThat(h.endpoint.observers()).isZero();
        assertThat(obs.observerCount()).isZero();
    }

    @Test
    void anObserverThatAcksKeepsItsRelationAndGetsTheNewestStateWhenItsAckArrives() {
        ObservableResource obs = ObservableResource.confirmable();
        Harness h = serverFor(obs, EndpointConfig.defaults());
        MessagePeer peer = h.peer(11);
        peer.send(register(CON, 0x300));
        assertThat(peer.expect().type()).isEqualTo(ACK);

        state.set(1);
        obs.changed();
        Message n1 = peer.expect();
        assertThat(n1.type()).isEqualTo(CON);
        assertThat(n1.payload().utf8()).isEqualTo("1");
        state.set(2);
        obs.changed();
        state.set(3);
        obs.changed();
        peer.expectNothing(); // held while the CON is in flight (§4.5.2)
        h.scheduler.advance(Duration.ofMillis(500));
        peer.send(empty(ACK, n1.messageId()));
        Message n3 = peer.expect();
        assertThat(n3.payload().utf8()).as("the newest state goes out as soon as the ACK arrives").isEqualTo("3");
        assertThat(n3.options().observe().getAsInt()).isGreaterThan(n1.options().observe().getAsInt());
        peer.send(empty(ACK, n3.messageId()));

        // An observer that acknowledges stays, however long the resource keeps changing.
        long end = h.scheduler.nanoTime() + Duration.ofMinutes(10).toNanos();
        int read = peer.receivedCount();
        while (h.scheduler.nanoTime() - end < 0) {
            state.incrementAndGet();
            obs.changed();
            h.scheduler.advance(Duration.ofMillis(100));
            for (; read < peer.receivedCount(); read++) {
                Message n = peer.expect();
                peer.send(empty(ACK, n.messageId()));
            }
            h.scheduler.advance(CHANGE_EVERY);
        }
        assertThat(h.endpoint.observers()).isEqualTo(1);
    }

    @Test
    void aLateAckToAReplacedNotificationIsHarmlessAndTheReplacementIsStillRetransmitted() {
        ObservableResource obs = ObservableResource.confirmable();
        EndpointConfig config = EndpointConfig.builder().ackRandomFactor(1.0).build();
        Harness h = serverFor(obs, config);
        MessagePeer peer = h.peer(12);
        peer.send(register(CON, 0x400));
        peer.expect();
        obs.changed();
        Message n1 = peer.expect();
        state.set(5);
        obs.changed();
        h.scheduler.advance(config.ackTimeout());
        Message n2 = peer.expect();
        assertThat(n2.payload().utf8()).as("sent in place of the retransmission of n1").isEqualTo("5");
        assertThat(n2.messageId()).isNotEqualTo(n1.messageId());
        peer.send(empty(ACK, n1.messageId())); // late: n1 is no longer outstanding
        h.scheduler.advance(config.ackTimeout().multipliedBy(2));
        Message again = peer.expect();
        assertThat(again.messageId()).as("a plain retransmission of n2").isEqualTo(n2.messageId());
        peer.send(empty(ACK, n2.messageId()));
        h.scheduler.advance(Duration.ofMinutes(5));
        peer.expectNothing();
        assertThat(h.endpoint.observers()).isEqualTo(1);
    }

    /**
     * The amplification guard on (RFC 9175 §2.4): over plain UDP an unverified registration gets
     * 4.01 with Echo and no relation; over a secure session (the DTLS cookie exchange has shown the
     * peer receives at its address) it is registered at once.
     */
    @Test
    void withTheGuardOnARegistrationNeedsEchoOverUdpButNotOverASecureSession() {
        EndpointConfig config = EndpointConfig.builder().amplificationLimit(3).build();
        for (String scheme : List.of("coap", "coaps")) {
            ObservableResource obs = ObservableResource.create();
            Router router = Router.builder()
                    .get("/obs", obs.handler(req -> Response.content("s")), RouteOptions.create().observable())
                    .build();
            ManualScheduler scheduler = new ManualScheduler();
            InMemoryTransport transport = new InMemoryTransport(Harness.LOCAL, scheduler);
            CoapEndpoint endpoint = CoapEndpoint.assemble(transport, scheduler, config, router, Runnable::run, scheme,
                    null, new Random(42));
            MessagePeer peer = new MessagePeer(Harness.address(192, 0, 2, 20, 5683), transport, scheduler);
            peer.send(register(CON, 0x500));
            Message r = peer.expect();
            if (scheme.equals("coap")) {
                assertThat(r.code()).isEqualTo(Code.UNAUTHORIZED);
                assertThat(r.options().echo()).isPresent();
                assertThat(endpoint.observers()).isZero();
            } else {
                assertThat(r.code()).isEqualTo(Code.CONTENT);
                assertThat(r.options().observe()).isPresent();
                assertThat(endpoint.observers()).isEqualTo(1);
            }
        }
    }

    /**
     * Flood: spoofed NON registrations from twice {@code maxObservers} source ports, none of which
     * ever answers, while the resource keeps changing. The relation table stays at its cap, every
     * victim gets at most the per-registration bound, the table drains within the bound's time, and
     * then a legitimate observer registers and keeps its relation.
     */
    @Test
    void aFloodOfSpoofedRegistrationsAtTwiceTheCapDrainsAndALegitimateObserverRegistersAfterwards() {
        int cap = 200;
        EndpointConfig config = EndpointConfig.builder().maxObservers(cap).build();
        ObservableResource obs = ObservableResource.create();
        Harness h = serverFor(obs, config);
        List<MessagePeer> victims = new ArrayList<>();
        for (int i = 0; i < 2 * cap; i++) {
            MessagePeer v = h.peer(40 + i / 100, 20_000 + i);
            v.send(register(NON, i));
            victims.add(v);
        }
        assertThat(h.endpoint.observers()).isEqualTo(cap);

        changeFor(h, obs, Duration.ofMinutes(5)); // 600 changes

        int perVictim = 1 + config.conNotificationInterval() + config.maxRetransmit();
        int total = 0;
        for (MessagePeer v : victims) {
            assertThat(v.receivedCount()).isBetween(1, perVictim);
            total += v.receivedCount();
        }
        assertThat(total).as("datagrams to all victims").isEqualTo(cap * perVictim + cap);
        assertThat(h.endpoint.observers()).isZero();
        assertThat(h.endpoint.stateSummary()).contains("outstandingCon=0");

        MessagePeer legit = h.peer(99);
        legit.send(register(CON, 0x7000));
        assertThat(legit.expect().options().observe()).as("room again").isPresent();
        int read = 1;
        for (int i = 0; i < 100; i++) {
            state.incrementAndGet();
            obs.changed();
            for (; read < legit.receivedCount(); read++) {
                Message n = legit.expect();
                if (n.type() == CON) {
                    legit.send(empty(ACK, n.messageId()));
                }
            }
            h.scheduler.advance(CHANGE_EVERY);
        }
        assertThat(h.endpoint.observers()).isEqualTo(1);
    }
}
