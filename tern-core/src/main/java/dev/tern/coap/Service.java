package dev.tern.coap;

import java.util.concurrent.CompletableFuture;

/**
 * A CoAP service: a function from a request to a future response ("your server as a function").
 * A server is a service; a {@link Router} is a service; a {@link Filter} wraps one.
 */
@FunctionalInterface
public interface Service {
    /** Handles a request. The future may complete on any thread; failing it gives 5.00. */
    CompletableFuture<Response> handle(Request request);

    /** A service from a synchronous handler; an exception it throws fails the future. */
    static Service of(Handler handler) {
        return request -> {
            try {
                return CompletableFuture.completedFuture(handler.handle(request));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        };
    }

    /** A synchronous request handler. */
    @FunctionalInterface
    interface Handler {
        /** Returns the response for {@code request}. */
        Response handle(Request request);
    }
}
