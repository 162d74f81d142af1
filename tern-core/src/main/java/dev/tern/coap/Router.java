package dev.tern.coap;

import java.util.concurrent.CompletableFuture;

/**
 * Routes requests to handlers by path template and method; itself a {@link Service}.
 * Unknown paths give 4.04, known paths without a handler for the method 4.05 (RFC 7252 §5.9.2).
 *
 * <pre>{@code
 * Router router = Router.builder()
 *     .get("/hello", req -> Response.content("Hello World!"))
 *     .put("/sensors/{id}", req -> Response.of(Code.CHANGED))
 *     .build();
 * }</pre>
 */
public final class Router implements Service {
    private Router() {
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public CompletableFuture<Response> handle(Request request) {
        throw new UnsupportedOperationException("TEMPORARY: implemented on the router branch");
    }

    /** Builds a {@link Router}. */
    public static final class Builder {
        private Builder() {
        }

        /** The router. */
        public Router build() {
            return new Router();
        }
    }
}
