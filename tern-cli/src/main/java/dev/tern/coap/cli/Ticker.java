package dev.tern.coap.cli;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What drives the resources that change by themselves (the demo {@code /time}, the plugtest
 * {@code /obs} and {@code /obs-non}, RFC 7641 §4.2): runs a task every period. Tests pass one they
 * drive by hand.
 */
@FunctionalInterface
interface Ticker {
    /** Runs {@code task} every {@code period}, first after one period. */
    void every(Duration period, Runnable task);

    /** One daemon thread of the process for every periodic change (a tick only notifies, it never blocks). */
    static Ticker daemon() {
        return Daemon.TICKER;
    }

    /** The daemon thread, started when first used. */
    final class Daemon {
        private static final ScheduledExecutorService EXECUTOR = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tern-resource-ticker");
            t.setDaemon(true);
            return t;
        });
        static final Ticker TICKER = (period, task) -> EXECUTOR.scheduleAtFixedRate(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                // a failing tick must not cancel the later ones (scheduleAtFixedRate would)
            }
        }, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);

        private Daemon() {
        }
    }
}
