package dev.tern.coap.proxy;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.Response;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The proxy's response cache (RFC 7252 §5.6): a response is fresh for its Max-Age (default 60 s,
 * §5.10.5) from when it was stored, served with the Max-Age that is left (§5.6.1); a stale one with
 * an ETag can be validated with a 2.03 Valid that refreshes it (§5.6.2, §5.9.1.3). Bounded by
 * entries and bytes, least recently used first out. Thread-safe; time comes from {@code clock}.
 */
final class ResponseCache {
    /** Max-Age when a response carries none (RFC 7252 §5.10.5). */
    static final long DEFAULT_MAX_AGE = 60;

    /** A stored response. */
    static final class Entry {
        final Response response;
        final long storedAt;
        final long lifetimeNanos;
        final int size;
        /** The last response {@link #served}, for as long as its whole-second Max-Age is the current one. */
        private volatile Response lastServed;

        Entry(Response response, long storedAt, long lifetimeNanos, int size) {
            this.response = response;
            this.storedAt = storedAt;
            this.lifetimeNanos = lifetimeNanos;
            this.size = size;
        }

        boolean isFresh(long now) {
            return now - storedAt < lifetimeNanos;
        }

        Bytes etag() {
            return response.options().etag().orElse(null);
        }

        /** The stored response with the Max-Age left at {@code now}, in whole seconds (RFC 7252 §5.6.1). */
        Response served(long now) {
            long left = Math.max(0, TimeUnit.NANOSECONDS.toSeconds(lifetimeNanos - (now - storedAt)));
            Response last = lastServed;
            if (last != null && last.options().maxAge().orElse(-1) == left) {
                return last; // the same second: the same (immutable) response
            }
            Response served = response.toBuilder().maxAge(left).build();
            lastServed = served;
            return served;
        }
    }

    private final int maxEntries;
    private final long maxBytes;
    private final LongSupplier clock;
    private final LinkedHashMap<CacheKey, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    ResponseCache(int maxEntries, long maxBytes, LongSupplier clock) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /** Whether a response with {@code code} may be stored (RFC 7252 §5.9: 2.05, 4.xx and 5.xx). */
    static boolean isCacheable(Code code) {
        return code.equals(Code.CONTENT) || code.codeClass() == 4 || code.codeClass() == 5;
    }

    long now() {
        return clock.getAsLong();
    }

    /** Whether anything can be stored: false with {@code maxEntries} or {@code maxBytes} 0 (caching off). */
    boolean enabled() {
        return maxEntries > 0 && maxBytes > 0;
    }

    /** The entry for {@code key}, fresh or stale; null when there is none. */
    synchronized Entry get(CacheKey key) {
        return entries.get(key);
    }

    /** Stores {@code response} (unless its Max-Age is 0 or it is larger than the whole bound). */
    synchronized void put(CacheKey key, Response response) {
        long maxAge = response.options().maxAge().orElse(DEFAULT_MAX_AGE);
        int size = key.size() + sizeOf(response);
        remove(key);
        if (maxAge <= 0 || size > maxBytes || maxEntries == 0) {
            return;
        }
        entries.put(key, new Entry(response, now(), TimeUnit.SECONDS.toNanos(maxAge), size));
        bytes += size;
        Iterator<Map.Entry<CacheKey, Entry>> eldest = entries.entrySet().iterator();
        while ((entries.size() > maxEntries || bytes > maxBytes) && eldest.hasNext()) {
            bytes -= eldest.next().getValue().size;
            eldest.remove();
        }
    }

    /**
     * A 2.03 Valid for the stored response with {@code etag} (RFC 7252 §5.9.1.3): the stored
     * response is fresh again for the 2.03's Max-Age, with the 2.03's options replacing its own.
     * Returns the refreshed entry, or null when nothing with that ETag is stored.
     */
    synchronized Entry refresh(CacheKey key, Response valid) {
        Entry old = entries.get(key);
        Bytes etag = valid.options().etag().orElse(null);
        if (old == null || etag == null || !etag.equals(old.etag())) {
            return null;
        }
        Options.Builder merged = old.response.options().toBuilder();
        for (Option o : valid.options().all()) {
            merged.remove(o.number());
        }
        for (Option o : valid.options().all()) {
            merged.add(o);
        }
        if (valid.options().maxAge().isEmpty()) {
            merged.remove(OptionNumber.MAX_AGE);
        }
        put(key, old.response.toBuilder().options(merged.build()).build());
        return entries.get(key);
    }

    /** Forgets every response stored for {@code uri}, whatever the method and options (RFC 7252 §5.6). */
    synchronized void invalidate(String uri) {
        Iterator<Map.Entry<CacheKey, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<CacheKey, Entry> e = it.next();
            if (e.getKey().uri().equals(uri)) {
                bytes -= e.getValue().size;
                it.remove();
            }
        }
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized long bytes() {
        return bytes;
    }

    private void remove(CacheKey key) {
        Entry old = entries.remove(key);
        if (old != null) {
            bytes -= old.size;
        }
    }

    private static int sizeOf(Response r) {
        int n = 64 + r.payload().length();
        for (int i = 0; i < r.options().size(); i++) {
            n += 24 + r.options().get(i).value().length();
        }
        return n;
    }
}
