package dev.tern.coap.internal.engine;

import static dev.tern.coap.MessageType.ACK;
import static dev.tern.coap.MessageType.CON;
import static dev.tern.coap.MessageType.NON;
import static dev.tern.coap.MessageType.RST;
import static dev.tern.coap.testkit.Messages.empty;
import static dev.tern.coap.testkit.Messages.get;
import static dev.tern.coap.testkit.Messages.path;
import static dev.tern.coap.testkit.Messages.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.testkit.Harness;
import dev.tern.coap.testkit.MessagePeer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The server half of the engine, datagram by datagram, on a manual clock (RFC 7252 §4, §5). */
class ServerScriptedTest {
    private static final long SECOND = 1_000_000_000L;

    private final AtomicInteger counter = new AtomicInteger();
    private final AtomicInteger handlerCalls = new AtomicInteger();
    private final List<CompletableFuture<Response>> slow = new ArrayList<>();
    private final List<Request> seen = new ArrayList<>();

    private final Service service = request -> {
        handlerCalls.incrementAndGet();
        seen.add(request);
        switch (request.path()) {
            case "/hello":
                return CompletableFuture.completedFuture(Response.content("Hello World!"));
            case "/counter":
                return CompletableFuture.completedFuture(Response.content(Integer.toString(counter.incrementAndGet())));
            case "/slow": {
                CompletableFuture<Response> f = new CompletableFuture<>();
                slow.add(f);
                return f;
            }
            case "/ack":
                request.acknowledge();
                return CompletableFuture.completedFuture(Response.content("acked"));
            case "/boom":
                throw new IllegalStateException("handler bug (expected by the test)");
            default:
                return CompletableFuture.completedFuture(Response.of(Code.NOT_FOUND));
        }
    };

    private Harness h = Harness.server(service, EndpointConfig.defaults());
    private final MessagePeer peer = h.peer(1);

    private static Message post(dev.tern.coap.MessageType type, int mid, String token, String p) {
        return request(type, Code.POST, mid, token, path(p), Bytes.EMPTY);
    }

    private static void assertPiggybacked(Message ack, int mid, String token, Code code) {
        assertThat(ack.type()).isEqualTo(ACK);
        assertThat(ack.messageId()).isEqualTo(mid);
        assertThat(ack.token()).isEqualTo(Bytes.fromHex(token));
        assertThat(ack.code()).isEqualTo(code);
    }

    private static void assertEmpty(Message m, dev.tern.coap.MessageType type, int mid) {
        assertThat(m.type()).isEqualTo(type);
        assertThat(m.code()).isEqualTo(Code.EMPTY);
        assertThat(m.messageId()).isEqualTo(mid);
        assertThat(m.token().isEmpty()).isTrue();
        assertThat(m.options().isEmpty()).isTrue();
        assertThat(m.payload().isEmpty()).isTrue();
    }

    private void advance(long millis) {
        h.scheduler.advance(Duration.ofMillis(millis));
    }

    // 1
    @Test
    void conGetIsAnsweredWithPiggybackedAck() {
        peer.send(get(CON, 0x1234, "a1b2c3", "/hello"));
        Message ack = peer.expect();
        assertPiggybacked(ack, 0x1234, "a1b2c3", Code.CONTENT);
        assertThat(ack.payload().utf8()).isEqualTo("Hello World!");
        peer.expectNothing();
        advance(300_000);
        peer.expectNothing(); // no late empty ACK, no retransmission
        assertThat(h.scheduler.activeTimers()).isZero();
    }

    // 2
    @Test
    void duplicateConGetsTheSameAckAndRunsTheHandlerOnce() {
        peer.send(post(CON, 0x0101, "01", "/counter"));
        byte[] first = peer.expectBytes();
        peer.send(post(CON, 0x0101, "01", "/counter"));
        byte[] second = peer.expectBytes();
        assertThat(second).isEqualTo(first);
        assertThat(counter.get()).isEqualTo(1);
        peer.expectNothing();

        MessagePeer other = h.peer(2);
        other.send(post(CON, 0x0101, "01", "/counter"));
        Message ack = other.expect();
        assertPiggybacked(ack, 0x0101, "01", Code.CONTENT);
        assertThat(ack.payload().utf8()).isEqualTo("2");
        assertThat(counter.get()).isEqualTo(2);

        MessagePeer otherPort = h.peer(1, 5684); // same host, another port: another endpoint
        otherPort.send(post(CON, 0x0101, "01", "/counter"));
        assertThat(otherPort.expect().payload().utf8()).isEqualTo("3");
        peer.expectNothing();
    }

    // 3 (faults row 46)
    @Test
    void sameMessageIdAfterExchangeLifetimeIsNew() {
        peer.send(post(CON, 0x0202, "02", "/counter"));
        peer.expect();
        advance(246_000);
        peer.send(post(CON, 0x0202, "02", "/counter"));
        assertThat(peer.expect().payload().utf8()).isEqualTo("1"); // still a duplicate at 246 s
        assertThat(counter.get()).isEqualTo(1);
        advance(2_000); // 248 s > EXCHANGE_LIFETIME (247 s)
        peer.send(post(CON, 0x0202, "02", "/counter"));
        assertThat(peer.expect().payload().utf8()).isEqualTo("2");
        assertThat(counter.get()).isEqualTo(2);
    }

    // 4 (faults row 45)
    @Test
    void nonRequestGetsNonResponseAndDuplicateNonIsIgnored() {
        peer.send(post(NON, 0x0303, "0303", "/counter"));
        Message r = peer.expect();
        assertThat(r.type()).isEqualTo(NON);
        assertThat(r.messageId()).isNotEqualTo(0x0303);
        assertThat(r.token()).isEqualTo(Bytes.fromHex("0303"));
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.payload().utf8()).isEqualTo("1");

        advance(144_000);
        peer.send(post(NON, 0x0303, "0303", "/counter"));
        peer.expectNothing();
        assertThat(counter.get()).isEqualTo(1);

        advance(2_000); // 146 s > NON_LIFETIME (145 s)
        peer.send(post(NON, 0x0303, "0303", "/counter"));
        Message again = peer.expect();
        assertThat(again.payload().utf8()).isEqualTo("2");
        assertThat(again.messageId()).isNotEqualTo(r.messageId());
        assertThat(h.scheduler.activeTimers()).isZero(); // NON responses are not retransmitted
    }

    // 5
    @Test
    void slowHandlerGetsEmptyAckAtOneSecondThenRetransmittedSeparateResponse() {
        peer.send(get(CON, 0x2000, "5106", "/slow"));
        peer.expectNothing();
        advance(999);
        peer.expectNothing();
        advance(1);
        byte[] emptyAck = peer.expectBytes();
        assertThat(h.scheduler.nanoTime()).isEqualTo(SECOND);
        assertEmpty(MessagePeer.decode(emptyAck), ACK, 0x2000);

        peer.send(get(CON, 0x2000, "5106", "/slow")); // duplicate after the empty ACK
        assertThat(peer.expectBytes()).isEqualTo(emptyAck);
        assertThat(handlerCalls.get()).isEqualTo(1);

        advance(500);
        long t0 = h.scheduler.nanoTime();
        slow.get(0).complete(Response.content("late"));
        byte[] sent = peer.expectBytes();
        Message separate = MessagePeer.decode(sent);
        assertThat(separate.type()).isEqualTo(CON);
        assertThat(separate.code()).isEqualTo(Code.CONTENT);
        assertThat(separate.messageId()).isNotEqualTo(0x2000);
        assertThat(separate.token()).isEqualTo(Bytes.fromHex("5106"));
        assertThat(separate.payload().utf8()).isEqualTo("late");

        advance(1_999);
        peer.expectNothing(); // never before ACK_TIMEOUT
        advance(300_000);
        for (int i = 0; i < 4; i++) {
            assertThat(peer.expectBytes()).isEqualTo(sent);
        }
        peer.expectNothing(); // MAX_RETRANSMIT = 4
        List<Long> at = peer.sentAt();
        assertThat(at).hasSize(7); // empty ACK, its repeat, the response, 4 retransmissions
        assertThat(at.get(2)).isEqualTo(t0);
        long t = at.get(3) - t0;
        assertThat(t).isBetween(2 * SECOND, 3 * SECOND);
        assertThat(at.get(4) - at.get(3)).isEqualTo(2 * t);
        assertThat(at.get(5) - at.get(4)).isEqualTo(4 * t);
        assertThat(at.get(6) - at.get(5)).isEqualTo(8 * t);
        assertThat(h.scheduler.activeTimers()).isZero();
    }

    @Test
    void ackFromPeerStopsRetransmissionOfSeparateResponse() {
        peer.send(get(CON, 0x2001, "07", "/slow"));
        advance(1_000);
        assertEmpty(peer.expect(), ACK, 0x2001);
        slow.get(0).complete(Response.content("late"));
        Message separate = peer.expect();
        advance(3_000);
        assertThat(peer.expect()).isEqualTo(separate); // one retransmission
        peer.send(empty(ACK, separate.messageId()));
        peer.expectNothing(); // the ACK is not answered
        advance(300_000);
        peer.expectNothing();
        assertThat(h.scheduler.activeTimers()).isZero();
    }

    @Test
    void duplicateWhileHandlerRunsBeforeEmptyAckIsNotProcessedAgain() {
        peer.send(get(CON, 0x2002, "08", "/slow"));
        advance(500);
        peer.send(get(CON, 0x2002, "08", "/slow"));
        peer.expectNothing();
        assertThat(handlerCalls.get()).isEqualTo(1);
        slow.get(0).complete(Response.content("in time"));
        Message ack = peer.expect(); // still within the separate-response delay: piggybacked
        assertPiggybacked(ack, 0x2002, "08", Code.CONTENT);
        advance(10_000);
        peer.expectNothing();
    }

    // 6
    @Test
    void acknowledgeFromHandlerSendsEmptyAckAtOnceAndResponseSeparately() {
        peer.send(get(CON, 0x3000, "aa", "/ack"));
        assertEmpty(peer.expect(), ACK, 0x3000);
        Message separate = peer.expect();
        assertThat(separate.type()).isEqualTo(CON);
        assertThat(separate.messageId()).isNotEqualTo(0x3000);
        assertThat(separate.token()).isEqualTo(Bytes.fromHex("aa"));
        assertThat(separate.payload().utf8()).isEqualTo("acked");
        assertThat(peer.sentAt()).containsExactly(0L, 0L);
        peer.send(empty(ACK, separate.messageId()));
        advance(300_000);
        peer.expectNothing();
    }

    @Test
    void acknowledgeOnNonRequestIsANoOp() {
        peer.send(get(NON, 0x3001, "ab", "/ack"));
        Message r = peer.expect();
        assertThat(r.type()).isEqualTo(NON);
        assertThat(r.payload().utf8()).isEqualTo("acked");
        peer.expectNothing();
    }

    // 7 (faults rows 9-11)
    @Test
    void emptyMessages() {
        peer.send(empty(CON, 0x4000));
        assertEmpty(peer.expect(), RST, 0x4000); // CoAP ping
        peer.send(empty(NON, 0x4001));
        peer.expectNothing();
        peer.send(empty(RST, 0x4002));
        peer.expectNothing();
        peer.send(empty(ACK, 0x4003));
        peer.expectNothing();
        assertThat(handlerCalls.get()).isZero();
    }

    // 8 (faults rows 12, 13)
    @Test
    void nonEmptyRstAndAckWithRequestCodeDoNotEndASeparateResponse() {
        peer.send(get(CON, 0x5000, "50", "/slow"));
        advance(1_000);
        peer.expect();
        slow.get(0).complete(Response.content("late"));
        Message separate = peer.expect();
        peer.send(new Message(RST, Code.CONTENT, separate.messageId(), Bytes.EMPTY, Options.EMPTY, Bytes.EMPTY));
        peer.expectNothing();
        peer.send(new Message(ACK, Code.GET, separate.messageId(), separate.token(), Options.EMPTY, Bytes.EMPTY));
        peer.expectNothing();
        advance(3_000);
        assertThat(peer.expect()).isEqualTo(separate); // still retransmitting
        peer.send(empty(RST, separate.messageId())); // a proper RST ends it
        advance(300_000);
        peer.expectNothing();
        assertThat(handlerCalls.get()).isEqualTo(1);
    }

    // 8 (faults rows 15, 16)
    @Test
    void reservedCodeClasses() {
        peer.sendHex("41 21 3039 aa"); // CON 1.01
        assertEmpty(peer.expect(), RST, 0x3039);
        peer.sendHex("41 E1 303A aa"); // CON 7.01
        assertEmpty(peer.expect(), RST, 0x303A);
        peer.sendHex("51 21 303B aa"); // NON 1.01
        peer.sendHex("51 E1 303C aa"); // NON 7.01
        peer.expectNothing();
        assertThat(handlerCalls.get()).isZero();
    }

    // 9 (faults row 27)
    @Test
    void unknownCriticalOptionInConGetsBadOption() {
        Options opts = path("/hello").toBuilder().add(2049, "x").build();
        peer.send(request(CON, Code.GET, 0x6000, "60", opts, Bytes.EMPTY));
        Message ack = peer.expect();
        assertPiggybacked(ack, 0x6000, "60", Code.BAD_OPTION);
        assertThat(ack.payload().utf8()).contains("2049");
        assertThat(handlerCalls.get()).isZero();
    }

    // 9 (faults row 28)
    @Test
    void unknownCriticalOptionInNonIsSilentlyIgnored() {
        Options opts = path("/hello").toBuilder().add(2049, "x").build();
        peer.send(request(NON, Code.GET, 0x6001, "61", opts, Bytes.EMPTY));
        peer.expectNothing();
        assertThat(handlerCalls.get()).isZero();
    }

    // 9 (faults row 30)
    @Test
    void unknownElectiveOptionIsProcessed() {
        Options opts = path("/hello").toBuilder().add(2050, "x").build();
        peer.send(request(CON, Code.GET, 0x6002, "62", opts, Bytes.EMPTY));
        assertPiggybacked(peer.expect(), 0x6002, "62", Code.CONTENT);
        assertThat(handlerCalls.get()).isEqualTo(1);
    }

    // 9 (faults row 31)
    @Test
    void repeatedUriHostGetsBadOption() {
        Options opts = path("/hello").toBuilder().add(OptionNumber.URI_HOST, "a.example")
                .add(OptionNumber.URI_HOST, "b.example").build();
        peer.send(request(CON, Code.GET, 0x6003, "63", opts, Bytes.EMPTY));
        assertPiggybacked(peer.expect(), 0x6003, "63", Code.BAD_OPTION);
        assertThat(handlerCalls.get()).isZero();
    }

    // 9 (faults row 33)
    @Test
    void threeByteAcceptGetsBadOption() {
        Options opts = path("/hello").toBuilder().add(OptionNumber.ACCEPT, Bytes.of((byte) 0, (byte) 0, (byte) 1))
                .build();
        peer.send(request(CON, Code.GET, 0x6004, "64", opts, Bytes.EMPTY));
        assertPiggybacked(peer.expect(), 0x6004, "64", Code.BAD_OPTION);
        assertThat(handlerCalls.get()).isZero();
    }

    // 9 (faults row 34)
    @Test
    void threeByteContentFormatIsIgnoredAndRequestServed() {
        Options opts = path("/hello").toBuilder()
                .add(OptionNumber.CONTENT_FORMAT, Bytes.of((byte) 0, (byte) 0, (byte) 1)).build();
        peer.send(request(CON, Code.GET, 0x6005, "65", opts, Bytes.EMPTY));
        assertPiggybacked(peer.expect(), 0x6005, "65", Code.CONTENT);
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).options().has(OptionNumber.CONTENT_FORMAT)).isFalse();
    }

    // 10
    @Test
    void throwingHandlerGives500AndTheNextRequestWorks() {
        peer.send(get(CON, 0x7000, "70", "/boom"));
        assertPiggybacked(peer.expect(), 0x7000, "70", Code.INTERNAL_SERVER_ERROR);
        peer.send(get(CON, 0x7001, "71", "/hello"));
        Message ok = peer.expect();
        assertPiggybacked(ok, 0x7001, "71", Code.CONTENT);
        assertThat(ok.payload().utf8()).isEqualTo("Hello World!");
    }

    @Test
    void failedFutureGives500() {
        peer.send(get(CON, 0x7002, "72", "/slow"));
        slow.get(0).completeExceptionally(new IllegalStateException("async failure (expected by the test)"));
        assertPiggybacked(peer.expect(), 0x7002, "72", Code.INTERNAL_SERVER_ERROR);
    }

    // 11 (faults rows 38, 39, 35, 36, 43, 18)
    @Test
    void proxyUriGivesProxyingNotSupported() {
        Options opts = Options.builder().add(OptionNumber.PROXY_URI, "coap://example.com/x").build();
        peer.send(request(CON, Code.GET, 0x8000, "80", opts, Bytes.EMPTY));
        assertPiggybacked(peer.expect(), 0x8000, "80", Code.PROXYING_NOT_SUPPORTED);
        assertThat(handlerCalls.get()).isZero();
    }

    @Test
    void proxyUriWithUriPathGivesBadRequest() {
        Options opts = path("/hello").toBuilder().add(OptionNumber.PROXY_URI, "coap://example.com/x").build();
        peer.send(request(CON, Code.GET, 0x8001, "81", opts, Bytes.EMPTY));
        assertPiggybacked(peer.expect(), 0x8001, "81", Code.BAD_REQUEST);
        assertThat(handlerCalls.get()).isZero();
    }

    @Test
    void dotDotSegmentGivesBadRequest() {
        Options opts = Options.builder().add(OptionNumber.URI_PATH, "a").add(OptionNumber.URI_PATH, "..")
                .add(OptionNumber.URI_PATH, "hello").build();
        peer.send(request(CON, Code.GET, 0x8002, "82", opts, Bytes.EMPTY));
        assertPiggybacked(peer.expect(), 0x8002, "82", Code.BAD_REQUEST);
        assertThat(handlerCalls.get()).isZero();
    }

    @Test
    void invalidUtf8UriPathGivesBadRequest() {
        Options opts = Options.builder().add(OptionNumber.URI_PATH, Bytes.of((byte) 0xC3, (byte) 0x28)).build();
        peer.send(request(CON, Code.GET, 0x8003, "83", opts, Bytes.EMPTY));
        assertPiggybacked(peer.expect(), 0x8003, "83", Code.BAD_REQUEST);
        assertThat(handlerCalls.get()).isZero();
    }

    @Test
    void oversizedPayloadGivesRequestEntityTooLargeWithSize1() {
        byte[] big = new byte[8193];
        peer.send(request(CON, Code.POST, 0x8004, "84", path("/counter"), Bytes.wrap(big)));
        Message ack = peer.expect();
        assertPiggybacked(ack, 0x8004, "84", Code.REQUEST_ENTITY_TOO_LARGE);
        assertThat(ack.options().size1()).hasValue(8192);
        assertThat(counter.get()).isZero();

        peer.send(request(CON, Code.POST, 0x8005, "85", path("/counter"), Bytes.wrap(new byte[8192])));
        assertPiggybacked(peer.expect(), 0x8005, "85", Code.CONTENT); // exactly the limit is accepted
    }

    @Test
    void unknownMethodGivesMethodNotAllowed() {
        peer.send(request(CON, Code.valueOf(0, 8), 0x8006, "86", path("/hello"), Bytes.EMPTY));
        assertPiggybacked(peer.expect(), 0x8006, "86", Code.METHOD_NOT_ALLOWED);
        assertThat(handlerCalls.get()).isZero();
    }

    // 12
    @Test
    void noResponseSuppressesSuccessWithAnEmptyAck() {
        Options opts = path("/hello").toBuilder().add(OptionNumber.NO_RESPONSE, 2).build();
        peer.send(request(CON, Code.GET, 0x9000, "90", opts, Bytes.EMPTY));
        assertEmpty(peer.expect(), ACK, 0x9000);
        peer.expectNothing();
        advance(300_000);
        peer.expectNothing();
        assertThat(handlerCalls.get()).isEqualTo(1);

        Options missing = path("/missing").toBuilder().add(OptionNumber.NO_RESPONSE, 2).build();
        peer.send(request(CON, Code.GET, 0x9001, "91", missing, Bytes.EMPTY));
        assertPiggybacked(peer.expect(), 0x9001, "91", Code.NOT_FOUND); // 4.xx not suppressed by 2
    }

    @Test
    void noResponseOnNonSendsNothing() {
        Options opts = path("/hello").toBuilder().add(OptionNumber.NO_RESPONSE, 2).build();
        peer.send(request(NON, Code.GET, 0x9002, "92", opts, Bytes.EMPTY));
        peer.expectNothing();
        assertThat(handlerCalls.get()).isEqualTo(1);
    }

    // 13
    @Test
    void deduplicationCacheStaysBounded() {
        h = Harness.server(service, EndpointConfig.builder().maxDeduplicationEntries(100).build());
        for (int i = 0; i < 1000; i++) {
            MessagePeer p = h.peer(1 + i % 250, 10_000 + i);
            p.send(get(CON, 1, "01", "/hello"));
            assertPiggybacked(p.expect(), 1, "01", Code.CONTENT);
            assertThat(h.endpoint.deduplicationEntries()).isLessThanOrEqualTo(100);
        }
        assertThat(h.endpoint.deduplicationEntries()).isEqualTo(100);
        assertThat(handlerCalls.get()).isEqualTo(1000);
    }
}
