package dev.tern.coap.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapTransportException;
import dev.tern.coap.Code;
import dev.tern.coap.Method;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.testkit.ManualScheduler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * {@link ClientRetries} over a scripted exchange layer: the second tries after a 4.01 with Echo
 * (RFC 9175 §2.4) and after a 4.29 (RFC 8516 §3), and cancellation reaching the exchange under way
 * whichever try it is (a superseded block-wise download cancels its block request this way).
 */
class ClientRetriesTest {
    private static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.1", 5683);
    private static final Request GET = Request.builder(Method.GET).path("/r").build();

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<Request> sent = new ArrayList<>();
    private final List<CompletableFuture<Response>> exchanges = new ArrayList<>();
    private boolean closed;

    private ClientRetries retries(int tooManyRequestsRetries) {
        return new ClientRetries((request, destination) -> {
            sent.add(request);
            CompletableFuture<Response> f = new CompletableFuture<>();
            exchanges.add(f);
            return f;
        }, scheduler, tooManyRequestsRetries, Duration.ofSeconds(93), () -> closed);
    }

    private static Response echoChallenge(String echo) {
        return Response.builder(Code.UNAUTHORIZED).option(new Option(OptionNumber.ECHO, Bytes.utf8(echo))).build();
    }

    private static Response tooMany(long maxAge) {
        return Response.builder(Code.TOO_MANY_REQUESTS).options(o -> o.maxAge(maxAge)).build();
    }

    @Test
    void cancellingCancelsTheExchangeUnderWay() {
        CompletableFuture<Response> f = retries(2).send(GET, PEER);
        f.cancel(false);
        assertThat(exchanges).hasSize(1);
        assertThat(exchanges.get(0)).isCancelled();
    }

    @Test
    void cancellingCancelsTheTryWithTheEcho() {
        CompletableFuture<Response> f = retries(0).send(GET, PEER);
        exchanges.get(0).complete(echoChallenge("e1"));
        assertThat(sent).hasSize(2);
        assertThat(sent.get(1).options().echo()).hasValue(Bytes.utf8("e1"));
        f.cancel(false);
        assertThat(exchanges.get(1)).isCancelled();
    }

    @Test
    void cancellingCancelsTheTryAfterA429() {
        CompletableFuture<Response> f = retries(1).send(GET, PEER);
        exchanges.get(0).complete(tooMany(1));
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(exchanges).hasSize(2);
        f.cancel(false);
        assertThat(exchanges.get(1)).isCancelled();
    }

    @Test
    void aRequestCancelledWhileItWaitsOutAMaxAgeIsNotSentAgain() {
        CompletableFuture<Response> f = retries(1).send(GET, PEER);
        exchanges.get(0).complete(tooMany(5));
        f.cancel(false);
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(sent).hasSize(1);
    }

    @Test
    void anEchoIsAnsweredOncePerTryAndA429AfterItIsRetried() {
        CompletableFuture<Response> f = retries(1).send(GET, PEER);
        exchanges.get(0).complete(echoChallenge("e1"));
        exchanges.get(1).complete(tooMany(2)); // the try with the Echo met a 4.29: waited out, then again
        scheduler.advance(Duration.ofSeconds(2));
        assertThat(sent).hasSize(3);
        assertThat(sent.get(2).options().echo()).isEmpty(); // a new try starts from the request as given
        exchanges.get(2).complete(echoChallenge("e2"));
        assertThat(sent.get(3).options().echo()).hasValue(Bytes.utf8("e2"));
        exchanges.get(3).complete(echoChallenge("e3")); // a second challenge in one try is the answer
        assertThat(sent).hasSize(4);
        assertThat(f.join().code()).isEqualTo(Code.UNAUTHORIZED);
    }

    @Test
    void aRequestThatCarriesAnEchoIsNotSentAgainForAChallenge() {
        Request withEcho = GET.toBuilder().option(new Option(OptionNumber.ECHO, Bytes.utf8("mine"))).build();
        CompletableFuture<Response> f = retries(0).send(withEcho, PEER);
        exchanges.get(0).complete(echoChallenge("e1"));
        assertThat(sent).hasSize(1);
        assertThat(f.join().code()).isEqualTo(Code.UNAUTHORIZED);
    }

    @Test
    void aFailedExchangeFailsTheRequestAsADependentStageWould() {
        CompletableFuture<Response> f = retries(1).send(GET, PEER);
        CoapTransportException cause = new CoapTransportException("unreachable");
        exchanges.get(0).completeExceptionally(cause);
        Throwable failure = f.handle((r, e) -> e).join();
        assertThat(failure).isInstanceOf(CompletionException.class).hasCause(cause);
    }

    @Test
    void closingFailsTheRequestsWaitingOutAMaxAge() {
        ClientRetries r = retries(1);
        CompletableFuture<Response> f = r.send(GET, PEER);
        exchanges.get(0).complete(tooMany(5));
        closed = true;
        r.failWaiting(new CoapTransportException("endpoint closed"));
        assertThat(f).isCompletedExceptionally();
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(sent).hasSize(1);
    }

    @Test
    void aClosedEndpointReturnsThe429InsteadOfWaiting() {
        CompletableFuture<Response> f = retries(1).send(GET, PEER);
        closed = true;
        exchanges.get(0).complete(tooMany(1));
        assertThat(f.join().code()).isEqualTo(Code.TOO_MANY_REQUESTS);
        assertThat(scheduler.activeTimers()).isZero();
    }
}
