package dev.tern.coap;

import dev.tern.coap.internal.engine.CoapEndpoint;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/** Reads the bounded tables of an endpoint on its scheduler thread (tests only). */
final class Tables {
    private Tables() {
    }

    static int read(CoapEndpoint endpoint, ToIntFunction<CoapEndpoint> table) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        endpoint.scheduler().execute(() -> f.complete(table.applyAsInt(endpoint)));
        try {
            return f.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("could not read table", e);
        }
    }
}
