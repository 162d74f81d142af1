package dev.tern.coap.internal.state;

import dev.tern.coap.spi.Scheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Reads state that lives on an endpoint's scheduler thread from another thread (a snapshot on close). */
public final class OnScheduler {
    private OnScheduler() {
    }

    /** Runs {@code task} on {@code scheduler}'s thread (or here, when already on it) and waits for its result. */
    public static <T> T call(Scheduler scheduler, Supplier<T> task) {
        if (scheduler.inSchedulerThread()) {
            return task.get();
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        scheduler.execute(() -> {
            try {
                f.complete(task.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the endpoint's state", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("reading the endpoint's state failed", e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the endpoint's thread did not answer within 10 s", e);
        }
    }
}
