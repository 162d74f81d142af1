package dev.tern.coap.cli;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What drives the resources that change by themselves (the demo {@code /time}, the plugtest
 * {@code /obs} and {@code /obs-non}, RFC 7641 §4.2): calls a tick on an owner every period.
 * Tests pass one they drive by hand.
 */
interface Ticker {
    /**
     * Calls {@code tick} on {@code owner} every {@code period}, first after one period; the daemon
     * ticker holds {@code owner} weakly and stops once it is garbage (a router no longer used).
     */
    <T> void every(Duration period, T owner, Consumer<? super T> tick);

    /** One daemon thread of the process for every periodic change (a tick only notifies, it never blocks). */
    static Ticker daemon() {
        return Daemon.TICKER;
    }

    /** The daemon thread, started when first used. */
    final class Daemon implements Ticker {
        private static final ScheduledThreadPoolExecutor EXECUTOR = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "tern-resource-ticker");
            t.setDaemon(true);
            return t;
        });
        static final Ticker TICKER = new Daemon();

        static {
            EXECUTOR.setRemoveOnCancelPolicy(true); // a stopped tick leaves nothing in the queue
        }

        private Daemon() {
        }

        @Override
        public <T> void every(Duration period, T owner, Consumer<? super T> tick) {
            WeakReference<T> ref = new WeakReference<>(owner);
            CompletableFuture<ScheduledFuture<?>> self = new CompletableFuture<>();
            self.complete(EXECUTOR.scheduleAtFixedRate(() -> {
                T o = ref.get();
                if (o == null) {
                    self.thenAccept(f -> f.cancel(false));
                    return;
                }
                try {
                    tick.accept(o);
                } catch (RuntimeException e) {
                    // a failing tick must not cancel the later ones (scheduleAtFixedRate would)
                }
            }, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS));
        }
    }
}
