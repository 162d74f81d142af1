package dev.tern.coap.internal.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapTransportException;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageType;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client side of RFC 8323 on the engine, the server played byte by byte. */
class ReliableClientTest {
    static final InetSocketAddress SERVER = new InetSocketAddress("192.0.2.9", 5683);
    final ManualScheduler scheduler = new ManualScheduler();
    RawConnections transport;
    CoapEndpoint endpoint;

    @BeforeEach
    void start() {
        transport = new RawConnections(ReliableSettings.defaults().withIdleTimeout(Duration.ofSeconds(30)));
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

    static Throwable failure(CompletableFuture<?> f) {
        Throwable e = f.handle((r, x) -> x).join();
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    RawConnections.Raw serverSide() {
        RawConnections.Raw c = transport.open(SERVER);
        scheduler.runPending();
        c.write(ReliableServerTest.csm());
        scheduler.runPending();
        return c;
    }

    static Message answer(Message request, String text) {
        return new Message(MessageType.CON, Code.CONTENT, 0, request.token(), Options.EMPTY, Bytes.utf8(text));
    }

    @Test
    void connectsOnDemandSendsCsmFirstAndPipelines() {
        List<CompletableFuture<Response>> futures = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            futures.add(get("x"));
        }
        assertThat(transport.connectRequests).containsExactly(SERVER); // one connection for all five
        RawConnections.Raw c = serverSide();
        List<Message> sent = c.messages();
        assertThat(sent.get(0).code()).isEqualTo(Code.valueOf(7, 1));
        assertThat(sent.subList(1, 6)).allMatch(m -> m.code().equals(Code.GET));
        for (Message m : sent.subList(1, 6)) {
            c.write(answer(m, "ok"));
        }
        scheduler.runPending();
        assertThat(futures).allMatch(f -> f.join().payloadString().equals("ok"));
    }

    @Test
    void abortFailsPendingRequestsWithTheDiagnostic() {
        CompletableFuture<Response> f = get("x");
        RawConnections.Raw c = serverSide();
        c.write(ReliableServerTest.signal(Code.valueOf(7, 5), Options.EMPTY, "server going down"));
        scheduler.runPending();
        assertThat(f).isCompletedExceptionally();
        assertThat(failure(f)).isInstanceOf(CoapTransportException.class)
                .hasMessageContaining("server going down");
        assertThat(c.closedByEngine).isTrue();
    }

    @Test
    void resetFailsPendingRequestsAndTheNextRequestReconnects() {
        CompletableFuture<Response> f = get("x");
        RawConnections.Raw c = serverSide();
        c.reset();
        scheduler.runPending();
        assertThat(failure(f)).isInstanceOf(CoapTransportException.class)
                .hasMessageContaining("reset by peer");
        get("y");
        assertThat(transport.connectRequests).hasSize(2);
    }

    @Test
    void connectFailureFailsTheRequest() {
        CompletableFuture<Response> f = get("x");
        transport.failConnect(SERVER, new CoapTransportException("connection refused"));
        scheduler.runPending();
        assertThat(failure(f)).hasMessageContaining("connection refused");
    }

    @Test
    void releaseMovesNewRequestsToANewConnection() {
        CompletableFuture<Response> first = get("x");
        RawConnections.Raw c = serverSide();
        // no Hold-Off: with one, new requests fail until it elapses (ReleaseDirectionsTest)
        c.write(new Message(MessageType.CON, Code.valueOf(7, 4), 0, Bytes.EMPTY, Options.EMPTY, Bytes.EMPTY));
        scheduler.runPending();
        assertThat(c.closedByEngine).isFalse(); // the request in flight is still answered here
        get("y");
        assertThat(transport.connectRequests).hasSize(2);
        c.write(answer(c.messages().get(1), "late"));
        scheduler.runPending();
        assertThat(first.join().payloadString()).isEqualTo("late");
        assertThat(c.closedByEngine).isTrue();
    }

    @Test
    void pingIsAnsweredByPong() {
        RawConnections.Raw c;
        CompletableFuture<Duration> rtt = endpoint.ping(SERVER);
        scheduler.runPending();
        c = serverSide();
        Message ping = c.last();
        assertThat(ping.code()).isEqualTo(Code.valueOf(7, 2));
        scheduler.advance(Duration.ofMillis(5));
        c.write(new Message(MessageType.CON, Code.valueOf(7, 3), 0, ping.token(), Options.EMPTY, Bytes.EMPTY));
        scheduler.runPending();
        assertThat(rtt.join()).isEqualTo(Duration.ofMillis(5));
    }

    @Test
    void idleClientConnectionClosesAndReopens() {
        CompletableFuture<Response> f = get("x");
        RawConnections.Raw c = serverSide();
        c.write(answer(c.last(), "ok"));
        scheduler.runPending();
        assertThat(f.join().payloadString()).isEqualTo("ok");
        scheduler.advance(Duration.ofSeconds(31));
        assertThat(c.closedByEngine).isTrue();
        get("y");
        assertThat(transport.connectRequests).hasSize(2);
    }
}
