package dev.tern.coap.internal.engine;

import static dev.tern.coap.MessageType.ACK;
import static dev.tern.coap.MessageType.CON;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Method;
import dev.tern.coap.Options;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.testkit.Harness;
import dev.tern.coap.testkit.MessagePeer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A client configured with {@code tooManyRequestsRetries} answers a 4.29 Too Many Requests (RFC
 * 8516 §3) by waiting the response's Max-Age on its scheduler (here a manual clock: no sleeping)
 * and sending the request again, instead of returning the 4.29; without retries left, or when the
 * Max-Age exceeds the request timeout, the 4.29 is the answer.
 */
class TooManyRequestsRetryTest {
    private final Harness h = Harness.client(EndpointConfig.builder().tooManyRequestsRetries(2).build());
    private final MessagePeer server = h.peer(10);

    private CompletableFuture<Response> get() {
        return h.endpoint.send(Request.builder(Method.GET).path("/r").build(), server.address());
    }

    private Message expectGet() {
        Message req = server.expect();
        assertThat(req.type()).isEqualTo(CON);
        assertThat(req.code()).isEqualTo(Code.GET);
        assertThat(req.options().uriPath()).containsExactly("r");
        return req;
    }

    private void tooMany(Message req, Long maxAge) {
        Options o = maxAge == null ? Options.EMPTY : Options.builder().maxAge(maxAge).build();
        server.send(new Message(ACK, Code.TOO_MANY_REQUESTS, req.messageId(), req.token(), o, Bytes.EMPTY));
    }

    private void content(Message req) {
        server.send(new Message(ACK, Code.CONTENT, req.messageId(), req.token(), Options.EMPTY, Bytes.utf8("ok")));
    }

    @Test
    void waitsMaxAgeThenRetries() {
        CompletableFuture<Response> f = get();
        tooMany(expectGet(), 5L);
        h.scheduler.advance(Duration.ofMillis(4_999));
        server.expectNothing();
        assertThat(f).isNotDone();
        h.scheduler.advance(Duration.ofMillis(1));
        content(expectGet());
        assertThat(f).isCompleted();
        assertThat(f.join().code()).isEqualTo(Code.CONTENT);
        assertThat(f.join().payloadString()).isEqualTo("ok");
    }

    @Test
    void retriesAtMostTheConfiguredNumberOfTimesThenReturnsThe429() {
        CompletableFuture<Response> f = get();
        tooMany(expectGet(), 1L);
        h.scheduler.advance(Duration.ofSeconds(1));
        tooMany(expectGet(), 2L);
        h.scheduler.advance(Duration.ofSeconds(2));
        tooMany(expectGet(), 3L);
        assertThat(f).isCompleted();
        assertThat(f.join().code()).isEqualTo(Code.TOO_MANY_REQUESTS);
        assertThat(f.join().options().maxAge()).hasValue(3);
        h.scheduler.advance(Duration.ofSeconds(10));
        server.expectNothing();
    }

    @Test
    void withoutMaxAgeTheDefault60SecondsIsWaited() {
        CompletableFuture<Response> f = get();
        tooMany(expectGet(), null);
        h.scheduler.advance(Duration.ofSeconds(59));
        server.expectNothing();
        h.scheduler.advance(Duration.ofSeconds(1));
        content(expectGet());
        assertThat(f.join().code()).isEqualTo(Code.CONTENT);
    }

    @Test
    void aMaxAgeBeyondTheRequestTimeoutIsNotWaitedFor() {
        CompletableFuture<Response> f = get();
        tooMany(expectGet(), 3_600L);
        assertThat(f).isCompleted();
        assertThat(f.join().code()).isEqualTo(Code.TOO_MANY_REQUESTS);
        server.expectNothing();
    }

    @Test
    void offByDefault() {
        Harness plain = Harness.client(EndpointConfig.defaults());
        MessagePeer s = plain.peer(10);
        CompletableFuture<Response> f = plain.endpoint.send(Request.builder(Method.GET).path("/r").build(),
                s.address());
        Message req = s.expect();
        s.send(new Message(ACK, Code.TOO_MANY_REQUESTS, req.messageId(), req.token(),
                Options.builder().maxAge(1).build(), Bytes.EMPTY));
        assertThat(f.join().code()).isEqualTo(Code.TOO_MANY_REQUESTS);
        plain.scheduler.advance(Duration.ofSeconds(5));
        s.expectNothing();
    }

    @Test
    void closingTheClientFailsARequestWaitingToRetry() {
        CompletableFuture<Response> f = get();
        tooMany(expectGet(), 5L);
        h.endpoint.close();
        h.scheduler.runPending();
        assertThat(f).isCompletedExceptionally();
        h.scheduler.advance(Duration.ofSeconds(10));
        server.expectNothing();
    }
}
