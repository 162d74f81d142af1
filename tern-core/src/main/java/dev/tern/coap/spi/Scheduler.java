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

    /**
     * Watches {@code channel} (non-blocking) from the scheduler's thread: {@code onReadable} runs
     * there whenever the channel may have datagrams to read, until the returned handle is
     * cancelled (which does not close the channel, and takes effect on the scheduler's thread, in
     * order with the tasks already queued). For a transport layered on the endpoint's
     * socket that also receives on a second one (cluster forwarding) without a thread hand-off per
     * datagram. A scheduler that cannot watch channels returns null, and the caller reads the
     * channel on a thread of its own.
     */
    default Cancellable watch(java.nio.channels.DatagramChannel channel, Runnable onReadable) {
        return null;
    }

    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task if it has not run; idempotent. */
        void cancel();
    }
}
