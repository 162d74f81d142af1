package dev.tern.coap.testkit;

import dev.tern.coap.spi.Scheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.OptionalLong;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} whose clock only moves when the test calls {@link #advance}, so timers of
 * RFC 7252 §4.8 (a 247-s EXCHANGE_LIFETIME, a 93-s MAX_TRANSMIT_WAIT) run in milliseconds. Tasks passed to
 * {@link #execute} are queued and run by {@link #runPending()}; timers run in deadline order (ties in
 * scheduling order) during {@link #advance}, with the clock set to each timer's deadline. The test
 * thread is the scheduler thread, so {@link #inSchedulerThread()} is always true; the scheduler is
 * not thread-safe, so every endpoint on it must run its handlers on that thread too.
 */
public final class ManualScheduler implements Scheduler {
    private static final int MAX_TASKS_PER_RUN = 1_000_000;

    private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.comparingLong((Timer t) -> t.deadline).thenComparingLong(t -> t.sequence));
    private long now;
    private long sequence;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void execute(Runnable task) {
        pending.add(task);
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        Timer t = new Timer(task, now + Math.max(0, delayNanos), sequence++);
        timers.add(t);
        return t;
    }

    @Override
    public boolean inSchedulerThread() {
        return true;
    }

    /** Runs queued tasks, and the tasks they queue, until none is left. */
    public void runPending() {
        int ran = 0;
        Runnable task;
        while ((task = pending.poll()) != null) {
            if (++ran > MAX_TASKS_PER_RUN) {
                throw new IllegalStateException("tasks keep queueing tasks: more than " + MAX_TASKS_PER_RUN);
            }
            task.run();
        }
    }

    /**
     * Moves the clock forward by {@code d}: runs pending tasks, then every timer due by then in
     * deadline order, each at its own deadline and followed by the tasks it queued.
     */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("time only moves forward: " + d);
        }
        long target = now + d.toNanos();
        runPending();
        Timer t;
        while ((t = timers.peek()) != null && t.deadline - target <= 0) {
            timers.poll();
            if (t.cancelled) {
                continue;
            }
            t.fired = true;
            now = Math.max(now, t.deadline);
            t.task.run();
            runPending();
        }
        now = target;
    }

    /** Moves the clock to the absolute time {@code nanos} (not before now). */
    public void advanceTo(long nanos) {
        advance(Duration.ofNanos(nanos - now));
    }

    /** The deadline ({@link #nanoTime()} scale) of the earliest timer neither run nor cancelled; empty when none. */
    public OptionalLong nextDeadline() {
        Timer t;
        while ((t = timers.peek()) != null && t.cancelled) {
            timers.poll();
        }
        return t == null ? OptionalLong.empty() : OptionalLong.of(t.deadline);
    }

    /** Timers neither run nor cancelled. */
    public int activeTimers() {
        int n = 0;
        for (Timer t : timers) {
            if (!t.cancelled) {
                n++;
            }
        }
        return n;
    }

    /** Tasks queued by {@link #execute} and not yet run. */
    public int pendingTasks() {
        return pending.size();
    }

    private static final class Timer implements Cancellable {
        final Runnable task;
        final long deadline;
        final long sequence;
        boolean cancelled;
        boolean fired;

        Timer(Runnable task, long deadline, long sequence) {
            this.task = task;
            this.deadline = deadline;
            this.sequence = sequence;
        }

        @Override
        public void cancel() {
            if (!fired) {
                cancelled = true;
            }
        }
    }
}
