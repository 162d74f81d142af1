package dev.tern.coap.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.spi.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test kit's clock behaves as the engine tests assume. */
class ManualSchedulerTest {
    private final ManualScheduler s = new ManualScheduler();
    private final List<String> log = new ArrayList<>();

    @Test
    void tasksRunOnlyWhenAsked() {
        s.execute(() -> {
            log.add("a");
            s.execute(() -> log.add("c"));
        });
        s.execute(() -> log.add("b"));
        assertThat(log).isEmpty();
        s.runPending();
        assertThat(log).containsExactly("a", "b", "c");
        assertThat(s.inSchedulerThread()).isTrue();
    }

    @Test
    void timersRunInDeadlineOrderAtTheirDeadline() {
        s.schedule(() -> log.add("late@" + s.nanoTime()), 300);
        s.schedule(() -> {
            log.add("early@" + s.nanoTime());
            s.execute(() -> log.add("task@" + s.nanoTime()));
            s.schedule(() -> log.add("chained@" + s.nanoTime()), 50);
        }, 100);
        s.schedule(() -> log.add("tie@" + s.nanoTime()), 300);
        s.advance(Duration.ofNanos(299));
        assertThat(log).containsExactly("early@100", "task@100", "chained@150");
        assertThat(s.nanoTime()).isEqualTo(299);
        s.advance(Duration.ofNanos(1));
        assertThat(log).endsWith("late@300", "tie@300");
    }

    @Test
    void nextDeadlineSkipsCancelledTimers() {
        assertThat(s.nextDeadline()).isEmpty();
        Scheduler.Cancellable early = s.schedule(() -> log.add("early"), 10);
        s.schedule(() -> log.add("late"), 20);
        assertThat(s.nextDeadline()).hasValue(10);
        early.cancel();
        assertThat(s.nextDeadline()).hasValue(20);
        s.advanceTo(20);
        assertThat(s.nextDeadline()).isEmpty();
        assertThat(log).containsExactly("late");
    }

    @Test
    void cancelledTimersNeverRun() {
        Scheduler.Cancellable c = s.schedule(() -> log.add("x"), 10);
        assertThat(s.activeTimers()).isEqualTo(1);
        c.cancel();
        c.cancel();
        assertThat(s.activeTimers()).isZero();
        s.advance(Duration.ofSeconds(1));
        assertThat(log).isEmpty();
    }
}
