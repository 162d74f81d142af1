package dev.tern.coap.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A {@link Ticker} whose ticks the test fires. */
final class ManualTicker implements Ticker {
    final List<Duration> periods = new ArrayList<>();
    private final List<Runnable> tasks = new ArrayList<>();

    @Override
    public synchronized void every(Duration period, Runnable task) {
        periods.add(period);
        tasks.add(task);
    }

    /** One tick of every task. */
    synchronized void tick() {
        tasks.forEach(Runnable::run);
    }
}
