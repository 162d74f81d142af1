package dev.tern.coap.internal.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageType;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.engine.CoapEndpoint;
import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.spi.ReliableSettings;
import dev.tern.coap.testkit.ManualScheduler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The server side of RFC 8323 on the engine, with the peer played byte by byte: CSM first,
 * signaling, and every attack of FAULTS.md's reliable-transport rows (T1..) answered with 7.05
 * Abort and a close, or its bound.
 */
class ReliableServerTest {
    static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.7", 40000);
    static final Code CSM = Code.valueOf(7, 1);
    static final Code ABORT = Code.valueOf(7, 5);
    final ManualScheduler scheduler = new ManualScheduler();
    final ObservableResource observable = ObservableResource.create();
    RawConnections transport;
    CoapEndpoint endpoint;

    void start(ReliableSettings settings) {
        start(settings, EndpointConfig.defaults());
    }

    void start(ReliableSettings settings, EndpointConfig config) {
        transport = new RawConnections(settings);
        Router router = Router.builder()
                .get("/hello", req -> Response.content("hi"))
                .route(dev.tern.coap.Method.GET, "/never", req -> new CompletableFuture<>())
                .get("/obs", observable.handler(req -> Response.content("v")))
                .build();
        endpoint = CoapEndpoint.assembleReliable(transport, scheduler, config, router,
                Runnable::run, null, null, new Random(1), EndpointMetrics.NONE);
    }

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    static Message signal(Code code, Options options, String payload) {
        return new Message(MessageType.CON, code, 0, Bytes.EMPTY, options, Bytes.utf8(payload));
    }

    static Message csm() {
        return signal(CSM, Options.of(Option.ofUint(2, 8192)), "");
    }

    static Message get(String path, int token) {
        return new Message(MessageType.CON, Code.GET, 0, Bytes.of((byte) token),
                Options.builder().uriPath(path).build(), Bytes.EMPTY);
    }

    RawConnections.Raw connect() {
        RawConnections.Raw c = transport.accept(PEER);
        scheduler.runPending();
        return c;
    }

    RawConnections.Raw connectWithCsm() {
        RawConnections.Raw c = connect();
        c.write(csm());
        scheduler.runPending();
        return c;
    }

    static void assertAborted(RawConnections.Raw c, String diagnostic) {
        Message last = c.last();
        assertThat(last.code()).isEqualTo(ABORT);
        assertThat(last.payload().utf8()).contains(diagnostic);
        assertThat(c.closedByEngine).isTrue();
    }

    @Test
    void csmFirstThenRequests() {
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connect();
        Message first = c.messages().get(0);
        assertThat(first.code()).isEqualTo(CSM);
        assertThat(first.options().get(0).uintValue()).isEqualTo(16_384);
        assertThat(first.options().has(4)).isTrue(); // Block-Wise-Transfer (§5.3.2): BERT is taken (§6)
        c.write(csm());
        c.write(get("hello", 9));
        scheduler.runPending();
        Message r = c.last();
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.token()).isEqualTo(Bytes.of((byte) 9));
        assertThat(r.payload().utf8()).isEqualTo("hi");
    }

    @Test
    void pipelinedRequestsInOneWrite() {
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connectWithCsm();
        byte[] a = dev.tern.coap.internal.codec.ReliableFraming.encode(get("hello", 1), false);
        byte[] b = dev.tern.coap.internal.codec.ReliableFraming.encode(get("hello", 2), false);
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        // split across reads at every position: framing must not depend on read boundaries
        c.write(java.util.Arrays.copyOf(both, 3));
        c.write(java.util.Arrays.copyOfRange(both, 3, both.length));
        scheduler.runPending();
        assertThat(c.messages()).filteredOn(m -> m.code().equals(Code.CONTENT)).hasSize(2);
    }

    @Test
    void pingGetsPongWithTokenAndCustody() {
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connectWithCsm();
        c.write(new Message(MessageType.CON, Code.valueOf(7, 2), 0, Bytes.of((byte) 0x42),
                Options.of(Option.ofEmpty(2)), Bytes.EMPTY));
        scheduler.runPending();
        Message pong = c.last();
        assertThat(pong.code()).isEqualTo(Code.valueOf(7, 3));
        assertThat(pong.token()).isEqualTo(Bytes.of((byte) 0x42));
        assertThat(pong.options().has(2)).isTrue();
    }

    @Test
    void lengthAboveMaxMessageSizeIsAbortedBeforeBuffering() {
        // T1: a header claiming 4 GiB; the engine must refuse it from the header alone
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connectWithCsm();
        c.write(new byte[] {(byte) 0xF0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x02});
        scheduler.runPending();
        assertAborted(c, "exceeds Max-Message-Size 16384");
        assertThat(endpoint.connections()).isZero();
    }

    @Test
    void malformedMessageIsAborted() {
        // T2: option delta nibble 15 that is not the payload marker
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connectWithCsm();
        c.write(new byte[] {0x10, 0x01, (byte) 0xF1});
        scheduler.runPending();
        assertAborted(c, "malformed message");
    }

    @Test
    void malformedTokenLengthIsAborted() {
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connectWithCsm();
        c.write(new byte[] {0x09, 0x01});
        scheduler.runPending();
        assertAborted(c, "malformed frame header");
    }

    @Test
    void requestBeforeCsmIsAborted() {
        // T3: signaling in the wrong place: the first message must be the CSM (§5.3)
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connect();
        c.write(get("hello", 1));
        scheduler.runPending();
        assertAborted(c, "first message must be a CSM");
    }

    @Test
    void pingBeforeCsmIsAborted() {
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connect();
        c.write(signal(Code.valueOf(7, 2), Options.EMPTY, ""));
        scheduler.runPending();
        assertAborted(c, "first message must be a CSM");
    }

    @Test
    void unknownCriticalCsmOptionIsAbortedWithBadCsmOption() {
        // T4: §5.3: an unknown critical CSM option: Abort carrying Bad-CSM-Option
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connect();
        c.write(signal(CSM, Options.of(Option.ofEmpty(7)), ""));
        scheduler.runPending();
        assertAborted(c, "unsupported critical option 7");
        assertThat(c.last().options().get(0).number()).isEqualTo(2);
        assertThat(c.last().options().get(0).uintValue()).isEqualTo(7);
    }

    @Test
    void unknownElectiveCsmOptionIsIgnored() {
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connect();
        c.write(signal(CSM, Options.of(Option.ofEmpty(6)), ""));
        c.write(get("hello", 1));
        scheduler.runPending();
        assertThat(c.last().code()).isEqualTo(Code.CONTENT);
    }

    @Test
    void unknownSignalingCodeIsAborted() {
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connectWithCsm();
        c.write(signal(Code.valueOf(7, 9), Options.EMPTY, ""));
        scheduler.runPending();
        assertAborted(c, "unknown signaling code 7.09");
    }

    @Test
    void missingCsmTimesOut() {
        // T5: a peer that never sends its CSM holds a connection for the CSM timeout at most
        start(ReliableSettings.defaults().withCsmTimeout(Duration.ofSeconds(3)));
        RawConnections.Raw c = connect();
        scheduler.advance(Duration.ofMillis(2999));
        assertThat(c.closedByEngine).isFalse();
        scheduler.advance(Duration.ofMillis(1));
        assertAborted(c, "no CSM within 3000 ms");
    }

    @Test
    void tricklingPeerIsCutOffAfterTheFrameDeadline() {
        // T6: one byte of a 100-byte frame per second: cut off at the frame deadline (10 s)
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connectWithCsm();
        c.write(new byte[] {(byte) 0xD0, 87}); // Len 13 + 87 = 100 bytes of options and payload to come
        scheduler.runPending();
        for (int i = 0; i < 9; i++) {
            scheduler.advance(Duration.ofSeconds(1));
            c.write(new byte[] {(byte) 0x45});
            scheduler.runPending();
            assertThat(c.closedByEngine).isFalse();
        }
        scheduler.advance(Duration.ofSeconds(1));
        assertAborted(c, "frame not completed within 10000 ms");
    }

    @Test
    void idleConnectionIsClosed() {
        // T7: idle timeout
        start(ReliableSettings.defaults().withIdleTimeout(Duration.ofSeconds(60)));
        RawConnections.Raw c = connectWithCsm();
        scheduler.advance(Duration.ofSeconds(59));
        assertThat(c.closedByEngine).isFalse();
        scheduler.advance(Duration.ofSeconds(2));
        assertThat(c.closedByEngine).isTrue();
        assertThat(endpoint.connections()).isZero();
    }

    @Test
    void observingConnectionIsNotIdle() {
        start(ReliableSettings.defaults().withIdleTimeout(Duration.ofSeconds(60)));
        RawConnections.Raw c = connectWithCsm();
        c.write(new Message(MessageType.CON, Code.GET, 0, Bytes.of((byte) 5),
                Options.builder().observe(0).uriPath("obs").build(), Bytes.EMPTY));
        scheduler.runPending();
        assertThat(endpoint.observers()).isEqualTo(1);
        scheduler.advance(Duration.ofSeconds(300));
        assertThat(c.closedByEngine).isFalse();
    }

    @Test
    void observeRelationEndsWithTheConnection() {
        // §7: no CON/NON notifications; the relation lives as long as its connection
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connectWithCsm();
        c.write(new Message(MessageType.CON, Code.GET, 0, Bytes.of((byte) 5),
                Options.builder().observe(0).uriPath("obs").build(), Bytes.EMPTY));
        scheduler.runPending();
        observable.changed();
        scheduler.runPending();
        assertThat(c.messages()).filteredOn(m -> m.code().equals(Code.CONTENT)).hasSize(2);
        c.reset();
        scheduler.runPending();
        assertThat(endpoint.observers()).isZero();
    }

    @Test
    void requestsInFlightAreBounded() {
        // T8: a flood of requests that never complete: the bound answers 5.03, nothing more is held
        start(ReliableSettings.defaults().withMaxInFlight(4));
        RawConnections.Raw c = connectWithCsm();
        for (int i = 0; i < 100; i++) {
            c.write(get("never", i));
        }
        scheduler.runPending();
        assertThat(c.messages()).filteredOn(m -> m.code().equals(Code.SERVICE_UNAVAILABLE)).hasSize(96);
        c.write(get("hello", 200));
        scheduler.runPending();
        assertThat(c.last().code()).isEqualTo(Code.SERVICE_UNAVAILABLE);
    }

    @Test
    void connectionsPerAddressAndInTotalAreBounded() {
        // T9: a connection flood from one address, then from many
        start(ReliableSettings.defaults().withMaxConnections(50, 10));
        int refused = 0;
        for (int port = 1; port <= 30; port++) {
            RawConnections.Raw c = transport.accept(new InetSocketAddress("192.0.2.1", port));
            scheduler.runPending();
            refused += c.closedByEngine ? 1 : 0;
        }
        assertThat(refused).isEqualTo(20);
        assertThat(endpoint.connections()).isEqualTo(10);
        for (int i = 0; i < 100; i++) {
            transport.accept(new InetSocketAddress("198.51.100." + (i % 200 + 1), 1000 + i));
        }
        scheduler.runPending();
        assertThat(endpoint.connections()).isEqualTo(50);
    }

    @Test
    void peerAbortClosesQuietly() {
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connectWithCsm();
        int before = c.sent.size();
        c.write(signal(ABORT, Options.EMPTY, "bye"));
        scheduler.runPending();
        assertThat(c.sent).hasSize(before); // no Abort answers an Abort
        assertThat(c.closedByEngine).isTrue();
    }

    @Test
    void emptyMessageIsIgnored() {
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connectWithCsm();
        int before = c.sent.size();
        c.write(new byte[] {0x00, 0x00});
        scheduler.runPending();
        assertThat(c.sent).hasSize(before);
        assertThat(c.closedByEngine).isFalse();
    }

    @Test
    void maxAgeOnServiceUnavailableIsSet() {
        start(ReliableSettings.defaults().withMaxInFlight(1));
        RawConnections.Raw c = connectWithCsm();
        c.write(get("never", 1));
        c.write(get("never", 2));
        scheduler.runPending();
        assertThat(c.last().options().has(OptionNumber.MAX_AGE)).isTrue();
    }

    @Test
    void shutdownSendsReleaseThenCloses() {
        // §5.5: a server going away tells its clients not to use the connection again
        start(ReliableSettings.defaults());
        RawConnections.Raw c = connectWithCsm();
        endpoint.close();
        scheduler.runPending();
        assertThat(c.last().code()).isEqualTo(Code.valueOf(7, 4));
        assertThat(c.closedByEngine).isTrue();
    }

    @Test
    void connectionNeedsNoEchoRoundTripForObserve() {
        // the amplification guard of a UDP config does not apply: the TCP handshake proved the address
        start(ReliableSettings.defaults(), EndpointConfig.defaults().toBuilder().amplificationLimit(3).build());
        RawConnections.Raw c = connectWithCsm();
        c.write(new Message(MessageType.CON, Code.GET, 0, Bytes.of((byte) 5),
                Options.builder().observe(0).uriPath("obs").build(), Bytes.EMPTY));
        scheduler.runPending();
        assertThat(c.last().code()).isEqualTo(Code.CONTENT);
        assertThat(endpoint.observers()).isEqualTo(1);
    }
}
