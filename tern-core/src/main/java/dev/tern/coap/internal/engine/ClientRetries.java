package dev.tern.coap.internal.engine;

import dev.tern.coap.Code;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.spi.Scheduler;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

/**
 * The client's own second tries of a request, one future for all of them:
 * <ul>
 *   <li>a 4.01 carrying an Echo option (RFC 9175 §2.4, a server's amplification mitigation) is
 *       answered once per try, by sending the request again with that Echo value;</li>
 *   <li>a 4.29 Too Many Requests (RFC 8516 §3) is answered up to {@code tooManyRequestsRetries}
 *       times by sending the request again after the response's Max-Age (default 60 s), waited on
 *       the scheduler; a Max-Age beyond {@code requestTimeout} is not waited for, the 4.29 is the
 *       answer.</li>
 * </ul>
 * Cancelling the future (a superseded block-wise download does) cancels the exchange under way,
 * whichever try it is, which frees its token and NSTART slot ({@code ClientExchanges}); a try that
 * waits out a Max-Age is not sent.
 */
final class ClientRetries {
    private final BiFunction<Request, InetSocketAddress, CompletableFuture<Response>> exchange;
    private final Scheduler scheduler;
    private final int tooManyRequestsRetries;
    private final long requestTimeoutNanos;
    private final BooleanSupplier closed;
    /** Requests waiting out a 4.29's Max-Age; failed when the endpoint closes. */
    private final Set<Tries> waiting = ConcurrentHashMap.newKeySet();

    /** {@code exchange}: one request, one response (the exchange layer). */
    ClientRetries(BiFunction<Request, InetSocketAddress, CompletableFuture<Response>> exchange, Scheduler scheduler,
                  int tooManyRequestsRetries, java.time.Duration requestTimeout, BooleanSupplier closed) {
        this.exchange = exchange;
        this.scheduler = scheduler;
        this.tooManyRequestsRetries = tooManyRequestsRetries;
        this.requestTimeoutNanos = requestTimeout.toNanos();
        this.closed = closed;
    }

    /** Sends {@code request}, and again as its answers ask. Thread-safe. */
    CompletableFuture<Response> send(Request request, InetSocketAddress destination) {
        Tries tries = new Tries(request, destination);
        tries.start();
        return tries;
    }

    /** Fails the requests that wait to be sent again. */
    void failWaiting(Throwable cause) {
        for (Tries t : List.copyOf(waiting)) {
            if (waiting.remove(t)) {
                t.fail(cause);
            }
        }
    }

    /** The tries of one request; completes with the last answer. */
    private final class Tries extends CompletableFuture<Response> {
        private final Request request;
        private final InetSocketAddress destination;
        /** 4.29 retries left. */
        private int retries = tooManyRequestsRetries;
        /** The exchange under way, cancelled with this future. */
        private volatile CompletableFuture<Response> current;

        Tries(Request request, InetSocketAddress destination) {
            this.request = request;
            this.destination = destination;
        }

        /** A try: the request, then at most once the request with a server's Echo. */
        void start() {
            send(request, request.options().echo().isPresent());
        }

        private void send(Request r, boolean echoed) {
            CompletableFuture<Response> f = exchange.apply(r, destination);
            current = f;
            if (isCancelled()) {
                f.cancel(false); // cancelled while this try was being started
                return;
            }
            f.whenComplete((response, failure) -> {
                if (failure != null) {
                    fail(failure);
                } else {
                    answered(response, echoed);
                }
            });
        }

        private void answered(Response response, boolean echoed) {
            var echo = response.options().echo();
            if (!echoed && response.code().equals(Code.UNAUTHORIZED) && echo.isPresent()) {
                send(request.toBuilder().option(new Option(OptionNumber.ECHO, echo.get())).build(), true);
                return;
            }
            if (retries == 0 || !response.code().equals(Code.TOO_MANY_REQUESTS)) {
                complete(response);
                return;
            }
            long wait = TimeUnit.SECONDS.toNanos(response.options().maxAge().orElse(60));
            if (closed.getAsBoolean() || wait > requestTimeoutNanos) {
                complete(response);
                return;
            }
            retries--;
            waiting.add(this);
            scheduler.schedule(() -> {
                if (waiting.remove(this)) {
                    start();
                }
            }, wait);
        }

        /** Fails as a dependent stage would: wrapped in a {@link CompletionException}. */
        void fail(Throwable cause) {
            completeExceptionally(cause instanceof CompletionException ? cause : new CompletionException(cause));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            if (cancelled) {
                waiting.remove(this);
                CompletableFuture<Response> f = current;
                if (f != null) {
                    f.cancel(false);
                }
            }
            return cancelled;
        }
    }
}
