package dev.tern.coap.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.spi.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SchedulerThreadTest {
    @Test
    void tasksFromManyThreadsAllRunInOrderPerProducerOnTheThread() throws Exception {
        try (SchedulerThread s = new SchedulerThread("test-scheduler")) {
            int producers = 4;
            int each = 50_000;
            List<List<Integer>> seen = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                seen.add(new ArrayList<>());
            }
            AtomicInteger offThread = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(producers * each);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                List<Integer> mine = seen.get(p);
                Thread t = new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        int n = i;
                        s.execute(() -> {
                            if (!s.inSchedulerThread()) {
                                offThread.incrementAndGet();
                            }
                            mine.add(n);
                            done.countDown();
                        });
                        if (i % 1000 == 0) {
                            Thread.yield(); // let the scheduler park and be woken again
                        }
                    }
                });
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                t.join();
            }
            assertThat(done.await(20, TimeUnit.SECONDS)).isTrue();
            assertThat(offThread.get()).isZero();
            for (List<Integer> mine : seen) {
                assertThat(mine).hasSize(each);
                for (int i = 0; i < each; i++) {
                    assertThat(mine.get(i)).isEqualTo(i);
                }
            }
        }
    }

    @Test
    void timersRunInDeadlineOrderAndCancelledOnesNever() throws Exception {
        try (SchedulerThread s = new SchedulerThread("test-scheduler")) {
            List<String> ran = new java.util.concurrent.CopyOnWriteArrayList<>();
            CountDownLatch last = new CountDownLatch(1);
            s.schedule(() -> ran.add("c"), TimeUnit.MILLISECONDS.toNanos(150));
            s.schedule(() -> ran.add("a"), TimeUnit.MILLISECONDS.toNanos(50));
            Scheduler.Cancellable cancelled = s.schedule(() -> ran.add("x"), TimeUnit.MILLISECONDS.toNanos(100));
            s.schedule(() -> ran.add("b"), TimeUnit.MILLISECONDS.toNanos(100));
            s.schedule(last::countDown, TimeUnit.MILLISECONDS.toNanos(200));
            cancelled.cancel();
            assertThat(last.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(ran).containsExactly("a", "b", "c");
        }
    }

    @Test
    void manyCancelledTimersDoNotDelayALiveOne() throws Exception {
        try (SchedulerThread s = new SchedulerThread("test-scheduler")) {
            CountDownLatch fired = new CountDownLatch(1);
            CountDownLatch scheduled = new CountDownLatch(1);
            s.execute(() -> {
                for (int i = 0; i < 200_000; i++) { // swept as the heap grows, like per-request timers
                    s.schedule(() -> { }, TimeUnit.SECONDS.toNanos(30)).cancel();
                }
                s.schedule(fired::countDown, TimeUnit.MILLISECONDS.toNanos(10));
                scheduled.countDown();
            });
            assertThat(scheduled.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void closeRunsTheQueuedTasksAndDropsLaterOnes() throws Exception {
        SchedulerThread s = new SchedulerThread("test-scheduler");
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        s.execute(() -> {
            try {
                gate.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        s.execute(ran::incrementAndGet); // queued before close: runs
        s.close();
        s.execute(ran::incrementAndGet); // after close: dropped
        s.schedule(ran::incrementAndGet, 0);
        gate.countDown();
        await().atMost(Duration.ofSeconds(5)).until(() -> ran.get() == 1);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> ran.get() == 1);
    }
}
