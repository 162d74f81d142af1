package dev.tern.coap.internal.engine;

import dev.tern.coap.spi.Scheduler;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * The timers of one single-threaded {@link Scheduler} (the reliable endpoints' {@link SchedulerThread}
 * and the UDP event loop): a heap only the owner's thread touches. A cancelled timer is dropped
 * lazily, at the head or in a sweep once the heap has doubled, so the per-request timers of the
 * exchange layer, nearly all cancelled, cost neither a lock nor a removal from the middle of the heap.
 */
public final class TimerHeap {
    /** Heap size below which cancelled timers are never swept. */
    private static final int MIN_SWEEP = 1024;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long sequence;
    private int sweepAt = MIN_SWEEP;

    /**
     * A timer running {@code task} on {@code owner}'s thread after {@code delayNanos}; added at once
     * on that thread, else through {@code owner.execute}.
     */
    public Scheduler.Cancellable schedule(Scheduler owner, Runnable task, long delayNanos) {
        Timer t = new Timer(task, System.nanoTime() + Math.max(0, delayNanos));
        if (owner.inSchedulerThread()) {
            add(t);
        } else {
            owner.execute(() -> add(t));
        }
        return t;
    }

    private void add(Timer t) {
        t.sequence = sequence++;
        timers.add(t);
        if (timers.size() >= sweepAt) {
            timers.removeIf(x -> x.cancelled);
            sweepAt = Math.max(MIN_SWEEP, 2 * timers.size());
        }
    }

    /**
     * Runs the due timers' tasks through {@code runner} (which reports their failures); returns
     * nanoseconds until the next timer, or -1 when there is none. Owner's thread only.
     */
    public long runDue(Consumer<Runnable> runner) {
        long now = System.nanoTime();
        for (Timer t; (t = timers.peek()) != null; ) {
            if (t.cancelled) {
                timers.poll();
                continue;
            }
            long wait = t.deadline - now;
            if (wait > 0) {
                return wait;
            }
            timers.poll();
            t.cancelled = true;
            runner.accept(t.task);
            now = System.nanoTime();
        }
        return -1;
    }

    /** Forgets every timer. Owner's thread only. */
    public void clear() {
        timers.clear();
    }

    private static final class Timer implements Comparable<Timer>, Scheduler.Cancellable {
        final Runnable task;
        final long deadline;
        long sequence;
        volatile boolean cancelled;

        Timer(Runnable task, long deadline) {
            this.task = task;
            this.deadline = deadline;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(deadline - o.deadline, 0);
            return c != 0 ? c : Long.compare(sequence, o.sequence);
        }
    }
}
