package dev.tern.coap.spi;

/**
 * The single thread an endpoint's protocol state lives on, and its clock. Every engine call
 * happens in {@link #execute} tasks or {@link #schedule}d timers, so the state needs no locks.
 * Tests use a manual implementation whose time only moves when the test says so.
 */
public interface Scheduler {
    /** Monotonic time in nanoseconds (like {@link System#nanoTime()}). */
    long nanoTime();

    /** Runs {@code task} on the scheduler's thread, after the tasks already queued. */
    void execute(Runnable task);

    /** Runs {@code task} on the scheduler's thread after {@code delayNanos}. */
    Cancellable schedule(Runnable task, long delayNanos);

    /** Whether the caller is on the scheduler's thread. */
    boolean inSchedulerThread();

    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task if it has not run; idempotent. */
        void cancel();
    }
}
