package dev.tern.coap.oscore;

import dev.tern.coap.Bytes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The security contexts a server accepts requests for, found by the request's kid (their Recipient
 * ID) and kid context (their ID Context), RFC 8613 §8.2 step 2. Bounded: at most {@code capacity}
 * contexts. A lookup never creates state, so requests with random kids leave memory unchanged.
 * Thread-safe.
 */
public final class OscoreContexts {
    /** The default number of contexts a registry holds. */
    public static final int DEFAULT_CAPACITY = 1024;

    private final int capacity;
    private final Map<Bytes, List<SecurityContext>> byRecipientId = new HashMap<>();
    private int size;

    private OscoreContexts(int capacity) {
        this.capacity = capacity;
    }

    /** An empty registry for up to {@value #DEFAULT_CAPACITY} contexts. */
    public static OscoreContexts create() {
        return new OscoreContexts(DEFAULT_CAPACITY);
    }

    /** An empty registry for up to {@code capacity} contexts (at least 1). */
    public static OscoreContexts withCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        return new OscoreContexts(capacity);
    }

    /** A registry holding {@code contexts}. */
    public static OscoreContexts of(SecurityContext... contexts) {
        OscoreContexts r = new OscoreContexts(Math.max(DEFAULT_CAPACITY, contexts.length));
        for (SecurityContext c : contexts) {
            r.add(c);
        }
        return r;
    }

    /**
     * Adds {@code context}.
     *
     * @throws IllegalStateException when the registry is full, or a context with the same
     *         Recipient ID and ID Context is already present
     */
    public synchronized OscoreContexts add(SecurityContext context) {
        if (size >= capacity) {
            throw new IllegalStateException("OSCORE context registry full (" + capacity + ")");
        }
        List<SecurityContext> list = byRecipientId.computeIfAbsent(context.recipientId(), k -> new ArrayList<>(1));
        for (SecurityContext c : list) {
            if (c.idContext().equals(context.idContext())) {
                throw new IllegalStateException("duplicate OSCORE context for " + context);
            }
        }
        list.add(context);
        size++;
        return this;
    }

    /** The number of contexts. */
    public synchronized int size() {
        return size;
    }

    /**
     * The context for a request's kid and kid context (RFC 8613 §8.2 step 2). Without a kid
     * context, the first context with that Recipient ID is used.
     */
    public synchronized Optional<SecurityContext> find(Bytes kid, Optional<Bytes> kidContext) {
        List<SecurityContext> list = byRecipientId.get(kid);
        if (list == null) {
            return Optional.empty();
        }
        for (SecurityContext c : list) {
            if (kidContext.isEmpty() || c.idContext().equals(kidContext)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }
}
