package dev.tern.coap;

import java.util.concurrent.CompletableFuture;

/**
 * A client's observation of a resource (RFC 7641 §3), from {@link CoapClient#observe}. Every
 * response — the first and each fresh notification, in order (§3.4) — goes to the listener given
 * to {@code observe}. The client re-registers when Max-Age passes without a notification (§3.3.1).
 *
 * <p>The contract, the same over {@code coap} and {@code coaps}:
 * <ul>
 *   <li>{@link #registered()} completes with the first response, and the stages attached to it
 *       run, BEFORE the listener is called with that same response; notifications follow.</li>
 *   <li>The listener is called on the client's I/O thread, one response at a time; a stage
 *       attached after the first response arrived runs at once, and {@code registered().join()}
 *       in another thread may return before or after the listener ran.</li>
 *   <li>A registration answered without Observe (the resource is not observable, or the server
 *       is at its observer limit, §4.1) or with an error such as 4.04 Not Found: the listener gets
 *       that one response, {@code registered()} completes with it (not exceptionally), then
 *       {@link #ended()} completes normally. Check {@code registered().join().options().observe()}
 *       to tell an active observation from a plain answer.</li>
 *   <li>A timeout, reset or DTLS failure before the first response completes both futures
 *       exceptionally with a {@link CoapException}, and the listener is not called.</li>
 *   <li>It is {@link AutoCloseable}: {@link #close()} is {@link #cancel()}, which deregisters
 *       (§3.6), so {@code try (Observation obs = client.observe(...)) { ... }} cleans up.</li>
 * </ul>
 */
public final class Observation implements AutoCloseable {
    private final CompletableFuture<Response> registered = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile Runnable canceller = () -> { };
    private final CompletableFuture<Response> deregistration = new CompletableFuture<>();

    /** Created by {@link CoapClient#observe}. */
    Observation() {
    }

    /**
     * Completes with the first response, before the listener sees it (see the class contract).
     * When it carries an Observe option the observation is active; otherwise (a plain 2.05, a
     * 4.04, ...) the server served a plain GET and the observation has ended.
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

    /**
     * Same as {@link #cancel()}, and completes with the server's response to the deregistration
     * (the GET with Observe=1, RFC 7641 §3.6), such as a 2.05 with the current representation; it
     * fails with the request's {@link CoapException} (a timeout, a reset), or with
     * {@link IllegalStateException} when the observation had already ended and nothing was sent.
     * Later calls return the same future.
     */
    public CompletableFuture<Response> deregister() {
        if (!isActive()) {
            deregistration.completeExceptionally(new IllegalStateException("the observation had already ended"));
        }
        cancel();
        return deregistration;
    }

    /** The future {@link #deregister()} returns, for the engine. */
    CompletableFuture<Response> deregistration() {
        return deregistration;
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
