package dev.tern.coap.internal.engine;

import dev.tern.coap.spi.Scheduler;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread that runs an endpoint's protocol state and timers, for endpoints whose
 * transport has threads of its own (connections, RFC 8323) rather than one I/O loop that doubles
 * as the scheduler (UDP). Tasks after {@link #close()} are dropped.
 *
 * <p>Tasks go through a lock-free queue and wake the thread only when it sleeps; timers live in a
 * heap only this thread touches, and a cancelled timer is dropped lazily (at the head, or in a sweep
 * once the heap has doubled), so that the per-request timers of the exchange layer, nearly all
 * cancelled, cost neither a lock nor a removal from the middle of the heap.
 */
public final class SchedulerThread implements Scheduler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerThread.class);
    /** Heap size below which cancelled timers are never swept. */
    private static final int MIN_SWEEP = 1024;
    /** Tasks run per turn before due timers run. */
    private static final int TASK_BATCH = 4096;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Set while the thread is about to park or parked; a producer that clears it unparks. */
    private final AtomicBoolean asleep = new AtomicBoolean();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final Thread thread;
    private long timerSequence;
    private int sweepAt = MIN_SWEEP;
    private volatile boolean closed;

    /** Starts the thread, named {@code name}. */
    public SchedulerThread(String name) {
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void execute(Runnable task) {
        if (closed) {
            return; // closed: the endpoint is gone
        }
        tasks.add(task);
        if (asleep.get() && asleep.compareAndSet(true, false)) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        Timer t = new Timer(task, System.nanoTime() + Math.max(0, delayNanos));
        if (Thread.currentThread() == thread) {
            addTimer(t);
        } else {
            execute(() -> addTimer(t));
        }
        return t;
    }

    @Override
    public boolean inSchedulerThread() {
        return Thread.currentThread() == thread;
    }

    private void addTimer(Timer t) {
        t.sequence = timerSequence++;
        timers.add(t);
        if (timers.size() >= sweepAt) {
            timers.removeIf(x -> x.cancelled);
            sweepAt = Math.max(MIN_SWEEP, 2 * timers.size());
        }
    }

    private void loop() {
        while (!closed) {
            runTasks();
            long wait = runDueTimers();
            if (closed) {
                break;
            }
            asleep.set(true);
            if (!tasks.isEmpty() || closed) {
                asleep.set(false);
                continue;
            }
            if (wait < 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, wait);
            }
            asleep.set(false);
        }
        for (Runnable task; (task = tasks.poll()) != null; ) {
            run(task); // those queued before close
        }
        timers.clear();
    }

    /** Runs the queued tasks, at most a batch before due timers get their turn. */
    private void runTasks() {
        Runnable task;
        for (int budget = TASK_BATCH; budget > 0 && (task = tasks.poll()) != null; budget--) {
            run(task);
        }
    }

    /** Runs due timers; returns nanoseconds until the next one, or -1 when there is none. */
    private long runDueTimers() {
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
            run(t.task);
            now = System.nanoTime();
        }
        return -1;
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.error("task failed on the scheduler thread", e);
        }
    }

    /** Stops the thread after the tasks already queued; timers not yet due never run. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }

    private static final class Timer implements Comparable<Timer>, Cancellable {
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
