package dev.tern.coap.internal.blockwise;

import java.util.function.LongSupplier;

/**
 * The response bodies a server keeps for their remaining blocks (RFC 7959 §2.4), keyed by
 * {@link ResourceKey}: at most {@code maxEntries} of them and {@code maxBytes} in all, least
 * recently used evicted first, each forgotten after the lifetime without a request. Thread-safe.
 */
final class RepresentationCache {
    private final TransferTable<ResourceKey, Representation> table;
    private final long maxBytes;
    private long bytes;

    RepresentationCache(int maxEntries, long maxBytes, long lifetimeNanos, LongSupplier clock) {
        this.maxBytes = maxBytes;
        this.table = new TransferTable<>(maxEntries, lifetimeNanos, clock, r -> bytes -= r.length());
    }

    /** The kept representation; null if none. */
    synchronized Representation get(ResourceKey key) {
        return table.get(key);
    }

    /** Keeps {@code r}, replacing the one for the same key; not kept when larger than the whole budget. */
    synchronized void put(ResourceKey key, Representation r) {
        table.remove(key);
        if (r.length() > maxBytes) {
            return;
        }
        while (bytes + r.length() > maxBytes && table.removeEldest() != null) {
            // evicted least recently used
        }
        table.put(key, r);
        bytes += r.length();
    }

    /** Kept representations. */
    synchronized int size() {
        return table.size();
    }

    /** Bytes of kept bodies. */
    synchronized long bytes() {
        table.size();
        return bytes;
    }
}
