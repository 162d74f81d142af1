package dev.tern.coap.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A resource's state that a peer may set ({@code PUT /echo}, {@code /validate}, {@code /create1},
 * {@code /large-update}), one value whose size the server's {@code maxBodySize} already bounds,
 * which reverts to its initial value {@code lifetime} after it was set (ResourceLimits): no peer's
 * body stays on the server for ever (RFC 7252 §11.3).
 *
 * @param <T> the value's type; the initial value may be null (an absent resource)
 */
final class ExpiringValue<T> {
    private final Supplier<T> initial;
    private final Duration lifetime;
    private final Clock clock;
    private T value;
    private Instant expires;

    ExpiringValue(Supplier<T> initial, Duration lifetime, Clock clock) {
        this.initial = initial;
        this.lifetime = lifetime;
        this.clock = clock;
        this.value = initial.get();
    }

    /** The value: the one set last, or the initial one if none was set or it expired. */
    synchronized T get() {
        if (expires != null && !clock.instant().isBefore(expires)) {
            value = initial.get();
            expires = null;
        }
        return value;
    }

    /** Sets the value for {@code lifetime}. */
    synchronized void set(T newValue) {
        value = newValue;
        expires = clock.instant().plus(lifetime);
    }
}
