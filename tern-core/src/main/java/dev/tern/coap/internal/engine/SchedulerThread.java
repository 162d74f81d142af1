package dev.tern.coap.internal.engine;

import dev.tern.coap.spi.Scheduler;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread that runs an endpoint's protocol state and timers, for endpoints whose
 * transport has threads of its own (connections, RFC 8323) rather than one I/O loop that doubles
 * as the scheduler (UDP). Tasks after {@link #close()} are dropped.
 */
public final class SchedulerThread implements Scheduler, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerThread.class);
    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    /** Starts the thread, named {@code name}. */
    public SchedulerThread(String name) {
        executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.prestartCoreThread();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void execute(Runnable task) {
        try {
            executor.execute(() -> run(task));
        } catch (RejectedExecutionException e) {
            // closed: the endpoint is gone
        }
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        try {
            ScheduledFuture<?> f = executor.schedule(() -> run(task), Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException e) {
            return () -> { };
        }
    }

    @Override
    public boolean inSchedulerThread() {
        return Thread.currentThread() == thread;
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.error("task failed on the scheduler thread", e);
        }
    }

    /** Stops the thread after the tasks already queued. */
    @Override
    public void close() {
        executor.shutdown();
    }
}
