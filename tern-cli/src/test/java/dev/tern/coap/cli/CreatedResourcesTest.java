package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Bytes;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class CreatedResourcesTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));

    private static Bytes body(int n) {
        return Bytes.wrap(new byte[n]);
    }

    @Test
    void entriesCapEvictsTheOldest() {
        CreatedResources r = new CreatedResources(new ResourceLimits(3, 1000, Duration.ofMinutes(1)), clock);
        for (int i = 1; i <= 10; i++) {
            assertThat(r.add(body(10), OptionalInt.empty())).hasValue(i);
            assertThat(r.size()).isLessThanOrEqualTo(3);
        }
        assertThat(r.get(7)).isEmpty();
        assertThat(r.get(8)).isPresent();
        assertThat(r.get(10)).isPresent();
        assertThat(r.bytes()).isEqualTo(30);
    }

    @Test
    void bytesCapEvictsTheOldestUntilTheNewOneFits() {
        CreatedResources r = new CreatedResources(new ResourceLimits(100, 16 * 1024, Duration.ofMinutes(1)), clock);
        for (int i = 0; i < 1000; i++) {
            r.add(body(1000 + i % 7), OptionalInt.of(0));
            assertThat(r.bytes()).isLessThanOrEqualTo(16 * 1024);
        }
        assertThat(r.size()).isBetween(15, 16);
        OptionalInt big = r.add(body(16 * 1024), OptionalInt.empty());
        assertThat(big).isPresent();
        assertThat(r.size()).isEqualTo(1);
        assertThat(r.bytes()).isEqualTo(16 * 1024);
    }

    @Test
    void aBodyLargerThanAllBytesIsRefusedAndEvictsNothing() {
        CreatedResources r = new CreatedResources(new ResourceLimits(10, 100, Duration.ofMinutes(1)), clock);
        r.add(body(50), OptionalInt.empty());
        assertThat(r.add(body(101), OptionalInt.empty())).isEmpty();
        assertThat(r.size()).isEqualTo(1);
    }

    @Test
    void entriesExpireAfterTheLifetimeAndIdsAreNotReused() {
        CreatedResources r = new CreatedResources(new ResourceLimits(10, 1000, Duration.ofMinutes(10)), clock);
        r.add(body(1), OptionalInt.empty());
        clock.advance(Duration.ofMinutes(5));
        r.add(body(2), OptionalInt.empty());
        clock.advance(Duration.ofMinutes(5));
        assertThat(r.get(1)).isEmpty();
        assertThat(r.get(2)).isPresent();
        assertThat(r.bytes()).isEqualTo(2);
        clock.advance(Duration.ofMinutes(5));
        assertThat(r.size()).isZero();
        assertThat(r.bytes()).isZero();
        assertThat(r.add(body(1), OptionalInt.empty())).hasValue(3);
    }

    @Test
    void removeFreesTheBytes() {
        CreatedResources r = new CreatedResources(ResourceLimits.DEFAULT, clock);
        int id = r.add(body(100), OptionalInt.empty()).getAsInt();
        assertThat(r.remove(id)).isTrue();
        assertThat(r.remove(id)).isFalse();
        assertThat(r.bytes()).isZero();
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> new ResourceLimits(0, 1, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResourceLimits(1, 0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ResourceLimits(1, 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
