package dev.tern.coap.internal.engine;

import dev.tern.coap.spi.Scheduler;
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
    /** Tasks run per turn before due timers run. */
    private static final int TASK_BATCH = 4096;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Set while the thread is about to park or parked; a producer that clears it unparks. */
    private final AtomicBoolean asleep = new AtomicBoolean();
    private final TimerHeap timers = new TimerHeap();
    private final Thread thread;
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
        return timers.schedule(this, task, delayNanos);
    }

    @Override
    public boolean inSchedulerThread() {
        return Thread.currentThread() == thread;
    }

    private void loop() {
        while (!closed) {
            runTasks();
            long wait = timers.runDue(SchedulerThread::run);
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
}
