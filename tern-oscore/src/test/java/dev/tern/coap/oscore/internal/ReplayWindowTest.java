package dev.tern.coap.oscore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The replay window (RFC 8613 §7.4). */
class ReplayWindowTest {
    @Test
    void acceptsEachNumberOnceInAnyOrderInsideTheWindow() {
        ReplayWindow w = new ReplayWindow(32);
        assertThat(w.accept(5)).isTrue();
        assertThat(w.accept(5)).isFalse();
        assertThat(w.accept(3)).isTrue();
        assertThat(w.accept(40)).isTrue();
        assertThat(w.accept(9)).isTrue(); // 40 - 9 = 31 < 32: still inside
        assertThat(w.accept(8)).isFalse(); // 40 - 8 = 32: left the window
        assertThat(w.accept(40)).isFalse();
        assertThat(w.accept(0)).isFalse();
        assertThat(w.accept(1000)).isTrue();
        assertThat(w.accept(40)).isFalse();
    }

    @Test
    void zeroIsAcceptedOnce() {
        ReplayWindow w = new ReplayWindow(1);
        assertThat(w.accept(0)).isTrue();
        assertThat(w.accept(0)).isFalse();
        assertThat(w.accept(1)).isTrue();
        assertThat(w.accept(0)).isFalse();
    }

    /** A flood of random and replayed numbers: nothing is ever accepted twice, whatever the order. */
    @Test
    void floodNeverAcceptsANumberTwice() {
        for (int size : new int[] {1, 32, 64, 100, 4096}) {
            ReplayWindow w = new ReplayWindow(size);
            Random r = new Random(size);
            Set<Long> accepted = new HashSet<>();
            long base = 0;
            for (int i = 0; i < 200_000; i++) {
                base += r.nextInt(3);
                long seq = Math.max(0, base - r.nextInt(size + 8));
                boolean ok = w.accept(seq);
                if (ok) {
                    assertThat(accepted.add(seq)).as("size %d seq %d accepted twice", size, seq).isTrue();
                }
            }
            assertThat(accepted).isNotEmpty();
        }
    }
}
