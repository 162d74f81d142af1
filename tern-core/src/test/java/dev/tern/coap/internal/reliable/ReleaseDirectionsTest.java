package dev.tern.coap.internal.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapTransportException;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageType;
import dev.tern.coap.Option;
import dev.tern.coap.Options;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** 7.04 Release (RFC 8323 §5.5) on the client: Hold-Off and Alternative-Address, on a manual clock. */
class ReleaseDirectionsTest {
    static final InetSocketAddress SERVER = new InetSocketAddress("192.0.2.9", 5683);
    final ManualScheduler scheduler = new ManualScheduler();
    RawConnections transport;
    CoapEndpoint endpoint;

    @BeforeEach
    void start() {
        transport = new RawConnections(ReliableSettings.defaults());
        endpoint = CoapEndpoint.assembleReliable(transport, scheduler, EndpointConfig.clientDefaults(), null,
                Runnable::run, null, null, new Random(1), EndpointMetrics.NONE);
    }

    @AfterEach
    void stop() {
        endpoint.close();
    }

    CompletableFuture<Response> get(String path) {
        CompletableFuture<Response> f = endpoint.send(Request.get("coap+tcp://192.0.2.9/" + path).build(), SERVER);
        scheduler.runPending();
        return f;
    }

    /** A first exchange on a connection the server then releases with {@code options}. */
    RawConnections.Raw servedThenReleased(InetSocketAddress at, Options options) {
        CompletableFuture<Response> f = get("x");
        RawConnections.Raw c = transport.open(at);
        scheduler.runPending();
        c.write(ReliableServerTest.csm());
        c.write(ReliableClientTest.answer(c.last(), "ok"));
        c.write(new Message(MessageType.CON, Code.valueOf(7, 4), 0, Bytes.EMPTY, options, Bytes.EMPTY));
        scheduler.runPending();
        assertThat(f.join().payloadString()).isEqualTo("ok");
        assertThat(c.closedByEngine).isTrue();
        return c;
    }

    @Test
    void holdOffFailsRequestsAtOnceUntilItElapses() {
        servedThenReleased(SERVER, Options.of(Option.ofUint(4, 5))); // Hold-Off 5 s
        scheduler.advance(Duration.ofSeconds(4));
        CompletableFuture<Response> held = get("y");
        assertThat(held).isCompletedExceptionally();
        assertThat(ReliableClientTest.failure(held)).isInstanceOf(CoapTransportException.class)
                .hasMessageContaining("Hold-Off").hasMessageContaining("another 1 s");
        assertThat(transport.connectRequests).hasSize(1);
        scheduler.advance(Duration.ofMillis(1001));
        CompletableFuture<Response> later = get("z");
        assertThat(later).isNotDone();
        assertThat(transport.connectRequests).containsExactly(SERVER, SERVER);
    }

    @Test
    void alternativeAddressTakesTheNextConnection() {
        InetSocketAddress alternative = new InetSocketAddress("192.0.2.10", 6000);
        servedThenReleased(SERVER, Options.of(Option.ofString(2, "192.0.2.10:6000")));
        CompletableFuture<Response> f = get("y");
        assertThat(transport.connectRequests).containsExactly(SERVER, alternative);
        RawConnections.Raw c = transport.open(alternative);
        scheduler.runPending();
        c.write(ReliableServerTest.csm());
        Message request = c.last();
        assertThat(request.code()).isEqualTo(Code.GET);
        c.write(ReliableClientTest.answer(request, "moved"));
        scheduler.runPending();
        assertThat(f.join().payloadString()).isEqualTo("moved");
    }

    @Test
    void authoritiesParse() {
        assertThat(ReleaseDirections.parse("192.0.2.10", 5683)).isEqualTo(new InetSocketAddress("192.0.2.10", 5683));
        assertThat(ReleaseDirections.parse("[2001:db8::1]:7000", 5683))
                .isEqualTo(new InetSocketAddress("2001:db8::1", 7000));
        assertThat(ReleaseDirections.parse("192.0.2.10:99999", 5683)).isNull();
        assertThat(ReleaseDirections.parse(":80", 5683)).isNull();
    }
}
