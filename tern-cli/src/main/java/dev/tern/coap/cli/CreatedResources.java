package dev.tern.coap.cli;

import dev.tern.coap.Bytes;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The resources a POST creates ({@code /large-create/N}), bounded by {@link ResourceLimits}: at
 * most {@code maxEntries} of them and {@code maxBytes} payload bytes in all, the oldest evicted when
 * a new one would exceed either, each removed {@code lifetime} after its creation. Eviction rather
 * than refusal, so that a flood from forged sources cannot lock legitimate clients out (RFC 7252
 * §11.3); ids are never reused, so an evicted resource answers 4.04 rather than another's body.
 */
final class CreatedResources {
    /** A created resource: its body and Content-Format, and when it expires. */
    record Entry(Bytes body, OptionalInt format, Instant expires) {
    }

    private final ResourceLimits limits;
    private final Clock clock;
    /** In creation order, so the first entry is always the oldest (and expires first). */
    private final LinkedHashMap<Integer, Entry> entries = new LinkedHashMap<>();
    private long bytes;
    private int lastId;

    CreatedResources(ResourceLimits limits, Clock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /**
     * Stores {@code body} under a new id and returns it, evicting the oldest entries as needed;
     * empty when the body alone is larger than {@code maxBytes} (the caller answers 4.13).
     */
    synchronized OptionalInt add(Bytes body, OptionalInt format) {
        if (body.length() > limits.maxBytes()) {
            return OptionalInt.empty();
        }
        Instant now = clock.instant();
        expire(now);
        Iterator<Map.Entry<Integer, Entry>> oldest = entries.entrySet().iterator();
        while (oldest.hasNext() && (entries.size() >= limits.maxEntries()
                || bytes + body.length() > limits.maxBytes())) {
            bytes -= oldest.next().getValue().body().length();
            oldest.remove();
        }
        int id = ++lastId;
        entries.put(id, new Entry(body, format, now.plus(limits.lifetime())));
        bytes += body.length();
        return OptionalInt.of(id);
    }

    /** The live entry with {@code id}. */
    synchronized Optional<Entry> get(int id) {
        expire(clock.instant());
        return Optional.ofNullable(entries.get(id));
    }

    /** Removes the entry with {@code id}; whether it was there. */
    synchronized boolean remove(int id) {
        expire(clock.instant());
        Entry e = entries.remove(id);
        if (e != null) {
            bytes -= e.body().length();
        }
        return e != null;
    }

    /** The number of live entries. */
    synchronized int size() {
        expire(clock.instant());
        return entries.size();
    }

    /** The payload bytes of the live entries. */
    synchronized long bytes() {
        expire(clock.instant());
        return bytes;
    }

    private void expire(Instant now) {
        Iterator<Entry> it = entries.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (now.isBefore(e.expires())) {
                return; // creation order: the rest expire later
            }
            bytes -= e.body().length();
            it.remove();
        }
    }
}
