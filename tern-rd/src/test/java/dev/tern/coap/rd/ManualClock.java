package dev.tern.coap.rd;

import dev.tern.coap.spi.Scheduler;
import java.time.Duration;
import java.util.Comparator;
import java.util.PriorityQueue;

/** A {@link Scheduler} whose time moves only when a test calls {@link #advance}; thread-safe. */
final class ManualClock implements Scheduler {
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.comparingLong((Timer t) -> t.deadline).thenComparingLong(t -> t.sequence));
    private long now = 1_000_000_000L;
    private long sequence;

    private final class Timer implements Cancellable {
        final Runnable task;
        final long deadline;
        final long sequence;

        Timer(Runnable task, long deadline, long sequence) {
            this.task = task;
            this.deadline = deadline;
            this.sequence = sequence;
        }

        @Override
        public void cancel() {
            synchronized (ManualClock.this) {
                timers.remove(this);
            }
        }
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayNanos) {
        Timer t = new Timer(task, now + Math.max(0, delayNanos), sequence++);
        timers.add(t);
        return t;
    }

    @Override
    public boolean inSchedulerThread() {
        return true;
    }

    /** Moves the clock by {@code d}, running each due timer at its deadline. */
    void advance(Duration d) {
        long target;
        synchronized (this) {
            target = now + d.toNanos();
        }
        while (true) {
            Timer t;
            synchronized (this) {
                t = timers.peek();
                if (t == null || t.deadline > target) {
                    now = target;
                    return;
                }
                timers.poll();
                now = t.deadline;
            }
            t.task.run();
        }
    }

    synchronized int activeTimers() {
        return timers.size();
    }
}
