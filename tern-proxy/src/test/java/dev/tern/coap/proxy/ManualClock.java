package dev.tern.coap.proxy;

import dev.tern.coap.spi.Scheduler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A clock for {@link CoapProxy.Builder#clock}: time moves only when the test says so. */
final class ManualClock implements Scheduler {
    private final AtomicLong now = new AtomicLong(1_000_000);

    void advanceSeconds(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    @Override
    public void execute(Runnable task) {
        task.run();
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        throw new UnsupportedOperationException("the proxy only reads the clock");
    }

    @Override
    public boolean inSchedulerThread() {
        return true;
    }
}
