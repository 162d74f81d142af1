package dev.tern.coap.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A {@link Ticker} whose ticks the test fires (it holds the owners strongly). */
final class ManualTicker implements Ticker {
    final List<Duration> periods = new ArrayList<>();
    private final List<Runnable> tasks = new ArrayList<>();

    @Override
    public synchronized <T> void every(Duration period, T owner, Consumer<? super T> tick) {
        periods.add(period);
        tasks.add(() -> tick.accept(owner));
    }

    /** One tick of every task. */
    synchronized void tick() {
        tasks.forEach(Runnable::run);
    }
}
