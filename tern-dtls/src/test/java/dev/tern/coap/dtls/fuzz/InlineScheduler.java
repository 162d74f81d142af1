package dev.tern.coap.dtls.fuzz;

import dev.tern.coap.spi.Scheduler;

/** The fuzz targets' scheduler: everything runs at once on the calling thread; timers never fire. */
final class InlineScheduler implements Scheduler {
    @Override
    public long nanoTime() {
        return 0;
    }

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        return () -> { };
    }

    @Override
    public boolean inSchedulerThread() {
        return true;
    }
}
