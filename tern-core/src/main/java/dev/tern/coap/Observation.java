package dev.tern.coap;

import java.util.concurrent.CompletableFuture;

/**
 * A client's observation of a resource (RFC 7641 §3), from {@link CoapClient#observe}. Every
 * response — the first and each fresh notification, in order (§3.4) — goes to the listener given
 * to {@code observe}. The client re-registers when Max-Age passes without a notification (§3.3.1).
 */
public final class Observation implements AutoCloseable {
    private final CompletableFuture<Response> registered = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile Runnable canceller = () -> { };

    /** Created by {@link CoapClient#observe}. */
    Observation() {
    }

    /**
     * Completes with the first response. When it carries an Observe option the observation is
     * active; otherwise the server served a plain GET and the observation has already ended.
     */
    public CompletableFuture<Response> registered() {
        return registered;
    }

    /**
     * Completes when the observation ends: normally after {@link #cancel()}, an error or
     * non-observe notification, or the server's refusal; exceptionally with a {@link CoapException}
     * on timeout or reset.
     */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    /** Whether notifications may still arrive. */
    public boolean isActive() {
        return !ended.isDone();
    }

    /** Deregisters proactively with a GET carrying Observe=1 and the same token (RFC 7641 §3.6). */
    public void cancel() {
        canceller.run();
    }

    /** Same as {@link #cancel()}. */
    @Override
    public void close() {
        cancel();
    }

    /** Engine use: how {@link #cancel()} is carried out. */
    void canceller(Runnable action) {
        this.canceller = action;
    }
}
