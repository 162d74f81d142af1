package dev.tern.coap.internal.engine;

import static dev.tern.coap.MessageType.ACK;
import static dev.tern.coap.MessageType.CON;
import static dev.tern.coap.MessageType.NON;
import static dev.tern.coap.MessageType.RST;
import static dev.tern.coap.testkit.Messages.empty;
import static dev.tern.coap.testkit.Messages.response;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapResetException;
import dev.tern.coap.CoapTimeoutException;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Method;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.testkit.Harness;
import dev.tern.coap.testkit.MessagePeer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The client half of the engine against a scripted server, on a manual clock (RFC 7252 §4, §5). */
class ClientScriptedTest {
    private static final long SECOND = 1_000_000_000L;

    private final Harness h = Harness.client(EndpointConfig.defaults());
    private final MessagePeer server = h.peer(10);

    private CompletableFuture<Response> get(MessagePeer to, String path) {
        return h.endpoint.send(Request.builder(Method.GET).path(path).build(), to.address());
    }

    private static Throwable failure(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.join();
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("not failed");
    }

    private static void assertEmpty(Message m, dev.tern.coap.MessageType type, int mid) {
        assertThat(m.type()).isEqualTo(type);
        assertThat(m.code()).isEqualTo(Code.EMPTY);
        assertThat(m.messageId()).isEqualTo(mid);
        assertThat(m.token().isEmpty()).isTrue();
    }

    private void advance(long millis) {
        h.scheduler.advance(Duration.ofMillis(millis));
    }

    // 14
    @Test
    void conRequestIsRetransmittedWithExponentialBackOffThenTimesOut() {
        CompletableFuture<Response> f = get(server, "/temp");
        byte[] first = server.expectBytes();
        Message req = MessagePeer.decode(first);
        assertThat(req.type()).isEqualTo(CON);
        assertThat(req.code()).isEqualTo(Code.GET);
        assertThat(req.options().uriPath()).containsExactly("temp");
        long s0 = server.sentAt().get(0);

        advance(1_999);
        server.expectNothing();
        advance(1_001); // the first timeout is below ACK_TIMEOUT * ACK_RANDOM_FACTOR = 3 s
        assertThat(server.expectBytes()).isEqualTo(first);
        long t = server.sentAt().get(1) - s0;
        assertThat(t).isBetween(2 * SECOND, 3 * SECOND);

        h.scheduler.advanceTo(s0 + 15 * t); // retransmissions at T, 3T, 7T, 15T
        for (int i = 0; i < 3; i++) {
            assertThat(server.expectBytes()).isEqualTo(first);
        }
        List<Long> at = server.sentAt();
        assertThat(at).containsExactly(s0, s0 + t, s0 + 3 * t, s0 + 7 * t, s0 + 15 * t);

        h.scheduler.advanceTo(s0 + 31 * t - 1);
        assertThat(f).isNotDone(); // never before the last timeout
        server.expectNothing();
        h.scheduler.advance(Duration.ofNanos(1));
        assertThat(failure(f)).isInstanceOf(CoapTimeoutException.class);
        // 31 T is within [ACK_TIMEOUT * 31, MAX_TRANSMIT_WAIT]
        assertThat(31 * t).isBetween(62 * SECOND, EndpointConfig.defaults().maxTransmitWait().toNanos());
        advance(300_000);
        server.expectNothing();
        assertThat(h.scheduler.activeTimers()).isZero();
    }

    // 15
    @Test
    void piggybackedResponseCompletesAndStopsRetransmission() {
        CompletableFuture<Response> f = get(server, "/temp");
        Message req = server.expect();
        advance(500);
        server.send(response(ACK, Code.CONTENT, req.messageId(), req.token(), "22.5 C"));
        assertThat(f).isDone();
        Response r = f.join();
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.payloadString()).isEqualTo("22.5 C");
        server.expectNothing(); // an ACK is not acknowledged
        advance(300_000);
        server.expectNothing();
        assertThat(h.scheduler.activeTimers()).isZero();
    }

    // 16
    @Test
    void emptyAckThenSeparateConResponse() {
        CompletableFuture<Response> f = get(server, "/temp");
        Message req = server.expect();
        server.send(empty(ACK, req.messageId()));
        advance(30_000);
        server.expectNothing(); // acknowledged: no retransmission
        assertThat(f).isNotDone();

        Message separate = response(CON, Code.CONTENT, 0x7777, req.token(), "later");
        server.send(separate);
        byte[] ack = server.expectBytes();
        assertEmpty(MessagePeer.decode(ack), ACK, 0x7777);
        assertThat(f.join().payloadString()).isEqualTo("later");

        server.send(separate); // the ACK was lost: the server retransmits
        assertThat(server.expectBytes()).isEqualTo(ack); // the same ACK, not an RST for an unknown token
        server.expectNothing();
        assertThat(h.scheduler.activeTimers()).isZero();
    }

    @Test
    void separateResponseWithoutEmptyAckStopsRetransmission() {
        CompletableFuture<Response> f = get(server, "/temp");
        Message req = server.expect();
        server.send(response(NON, Code.CONTENT, 0x7778, req.token(), "non"));
        server.expectNothing(); // a NON response is not acknowledged
        assertThat(f.join().payloadString()).isEqualTo("non");
        advance(300_000);
        server.expectNothing();
    }

    // 17
    @Test
    void resetFailsTheRequest() {
        CompletableFuture<Response> f = get(server, "/temp");
        Message req = server.expect();
        server.send(empty(RST, req.messageId()));
        assertThat(failure(f)).isInstanceOf(CoapResetException.class);
        advance(300_000);
        server.expectNothing();
        assertThat(h.scheduler.activeTimers()).isZero();
    }

    // 18 (faults row 17)
    @Test
    void responsesThatDoNotMatchAreRejectedOrIgnored() {
        CompletableFuture<Response> f = get(server, "/temp");
        Message req = server.expect();
        server.send(empty(ACK, req.messageId()));

        Bytes otherToken = Bytes.fromHex("0102030405060708");
        server.send(response(CON, Code.CONTENT, 0x1000, otherToken, "stray"));
        assertEmpty(server.expect(), RST, 0x1000);
        server.send(response(NON, Code.CONTENT, 0x1001, otherToken, "stray"));
        server.expectNothing();

        MessagePeer otherHost = h.peer(11);
        otherHost.send(response(CON, Code.CONTENT, 0x1002, req.token(), "spoofed"));
        assertEmpty(otherHost.expect(), RST, 0x1002);
        MessagePeer otherPort = h.peer(10, 5684);
        otherPort.send(response(NON, Code.CONTENT, 0x1003, req.token(), "spoofed"));
        otherPort.expectNothing();
        assertThat(f).isNotDone();

        server.send(response(CON, Code.CONTENT, 0x1004, req.token(), "real"));
        assertEmpty(server.expect(), ACK, 0x1004);
        assertThat(f.join().payloadString()).isEqualTo("real");
    }

    @Test
    void ackFromAnotherAddressDoesNotMatch() {
        CompletableFuture<Response> f = get(server, "/temp");
        Message req = server.expect();
        MessagePeer otherHost = h.peer(11);
        otherHost.send(response(ACK, Code.CONTENT, req.messageId(), req.token(), "spoofed"));
        otherHost.expectNothing();
        assertThat(f).isNotDone();
        advance(3_000);
        assertThat(server.expect()).isEqualTo(req); // still retransmitting
    }

    // 19
    @Test
    void nstartOneQueuesTheSecondRequestToTheSamePeer() {
        CompletableFuture<Response> f1 = get(server, "/a");
        CompletableFuture<Response> f2 = get(server, "/b");
        Message r1 = server.expect();
        server.expectNothing();
        assertThat(r1.options().uriPath()).containsExactly("a");

        server.send(response(ACK, Code.CONTENT, r1.messageId(), r1.token(), "A"));
        assertThat(f1.join().payloadString()).isEqualTo("A");
        Message r2 = server.expect();
        assertThat(r2.options().uriPath()).containsExactly("b");
        assertThat(r1.token().length()).isEqualTo(8);
        assertThat(r2.token().length()).isEqualTo(8);
        assertThat(r2.token()).isNotEqualTo(r1.token());
        assertThat(r2.messageId()).isNotEqualTo(r1.messageId());

        server.send(response(ACK, Code.CONTENT, r2.messageId(), r2.token(), "B"));
        assertThat(f2.join().payloadString()).isEqualTo("B");
    }

    @Test
    void nstartSlotIsReleasedWhenTheFirstRequestFails() {
        get(server, "/a");
        CompletableFuture<Response> f2 = get(server, "/b");
        Message r1 = server.expect();
        server.send(empty(RST, r1.messageId()));
        Message r2 = server.expect();
        assertThat(r2.options().uriPath()).containsExactly("b");
        assertThat(f2).isNotDone();
    }

    @Test
    void requestsToDifferentPeersAreSentAtOnce() {
        MessagePeer second = h.peer(20);
        get(server, "/a");
        get(second, "/b");
        Message r1 = server.expect();
        Message r2 = second.expect();
        assertThat(server.sentAt()).containsExactly(0L);
        assertThat(second.sentAt()).containsExactly(0L);
        assertThat(r1.token().length()).isEqualTo(8);
        assertThat(r2.token().length()).isEqualTo(8);
        assertThat(r1.token()).isNotEqualTo(r2.token());
    }

    // 20
    @Test
    void nonRequestTimesOutAtItsTimeout() {
        CompletableFuture<Response> f = h.endpoint.send(Request.builder(Method.GET).path("/x").nonConfirmable()
                .timeout(Duration.ofSeconds(5)).build(), server.address());
        Message req = server.expect();
        assertThat(req.type()).isEqualTo(NON);
        advance(4_999);
        assertThat(f).isNotDone();
        server.expectNothing(); // a NON is never retransmitted
        advance(1);
        assertThat(failure(f)).isInstanceOf(CoapTimeoutException.class);
        assertThat(h.scheduler.activeTimers()).isZero();
    }

    @Test
    void nonRequestGetsNonResponse() {
        CompletableFuture<Response> f = h.endpoint.send(Request.builder(Method.GET).path("/x").nonConfirmable()
                .build(), server.address());
        Message req = server.expect();
        server.send(response(NON, Code.CONTENT, 0x2222, req.token(), "x"));
        server.expectNothing();
        assertThat(f.join().payloadString()).isEqualTo("x");
        assertThat(h.scheduler.activeTimers()).isZero();
    }

    @Test
    void piggybackedResponseWithAnotherTokenIsNotMatched() {
        // §5.3.2: in a piggybacked response both the Message ID and the token must match.
        CompletableFuture<Response> f = get(server, "/temp");
        Message req = server.expect();
        server.send(response(ACK, Code.CONTENT, req.messageId(), Bytes.fromHex("0badc0de"), "wrong"));
        assertThat(f).isNotDone();
        advance(3_000);
        assertThat(server.expect()).isEqualTo(req); // not acknowledged: still retransmitting
        server.send(response(ACK, Code.CONTENT, req.messageId(), req.token(), "right"));
        assertThat(f.join().payloadString()).isEqualTo("right");
    }

    @Test
    void requestTimeoutShorterThanRetransmissionStopsRetransmitting() {
        CompletableFuture<Response> f = h.endpoint.send(Request.builder(Method.GET).path("/x")
                .timeout(Duration.ofSeconds(5)).build(), server.address());
        server.expect();
        advance(5_000);
        assertThat(failure(f)).isInstanceOf(CoapTimeoutException.class);
        int sent = server.receivedCount();
        advance(300_000);
        assertThat(server.receivedCount()).isEqualTo(sent);
        assertThat(h.scheduler.activeTimers()).isZero();
    }

    @Test
    void separateResponseWithUnknownCriticalOptionIsRejectedWithReset() {
        CompletableFuture<Response> f = get(server, "/temp");
        Message req = server.expect();
        server.send(empty(ACK, req.messageId()));
        server.send(new Message(CON, Code.CONTENT, 0x4444, req.token(),
                dev.tern.coap.Options.builder().add(2049, "x").build(), Bytes.EMPTY));
        assertEmpty(server.expect(), RST, 0x4444);
        assertThat(failure(f)).isInstanceOf(dev.tern.coap.CoapMessageFormatException.class);
    }

    // 21
    @Test
    void pingIsAnEmptyConCompletedByReset() {
        CompletableFuture<Duration> f = h.endpoint.ping(server.address());
        Message ping = server.expect();
        assertEmpty(ping, CON, ping.messageId());
        assertThat(ping.options().isEmpty()).isTrue();
        advance(250);
        assertThat(f).isNotDone();
        server.send(empty(RST, ping.messageId()));
        assertThat(f.join()).isEqualTo(Duration.ofMillis(250));
        advance(300_000);
        server.expectNothing();
    }

    @Test
    void unansweredPingTimesOut() {
        CompletableFuture<Duration> f = h.endpoint.ping(server.address());
        server.expect();
        advance(300_000);
        assertThat(server.sentAt()).hasSize(5);
        assertThat(failure(f)).isInstanceOf(CoapTimeoutException.class);
    }

    @Test
    void conRequestToAClientOnlyEndpointGetsReset() {
        server.send(dev.tern.coap.testkit.Messages.get(CON, 0x3333, "33", "/x"));
        assertEmpty(server.expect(), RST, 0x3333);
        server.send(dev.tern.coap.testkit.Messages.get(NON, 0x3334, "34", "/x"));
        server.expectNothing();
    }
}
