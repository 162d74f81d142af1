package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The daemon {@link Ticker} ticks, survives a failing tick, and lets a router no longer used be collected. */
class TickerTest {
    @Test
    void ticksAndKeepsTickingAfterAFailure() {
        AtomicInteger ticks = new AtomicInteger();
        Object owner = new Object();
        Ticker.daemon().every(Duration.ofMillis(10), owner, o -> {
            if (ticks.incrementAndGet() == 1) {
                throw new IllegalStateException("first tick fails");
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ticks.get() >= 3);
        assertThat(owner).isNotNull(); // kept reachable until here
    }

    @Test
    void doesNotKeepItsOwnerAlive() {
        WeakReference<Object> ref = register();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            System.gc();
            return ref.get() == null;
        });
    }

    private static WeakReference<Object> register() {
        Object router = DemoResources.router();
        Ticker.daemon().every(Duration.ofMillis(10), router, o -> { });
        return new WeakReference<>(router);
    }
}
