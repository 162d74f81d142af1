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
    /** The default number of Appendix B.2 re-derivations a registry holds open at once. */
    public static final int DEFAULT_MAX_REDERIVATIONS = 16;
    /** Appendix B.2 contexts waiting for the client's Request #2, oldest first; bounded. */
    private final java.util.LinkedHashMap<Bytes, SecurityContext> pending = new java.util.LinkedHashMap<>();
    private int maxRederivations = DEFAULT_MAX_REDERIVATIONS;

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

    /**
     * At most {@code n} (at least 1) Appendix B.2 re-derivations open at once (a context sent to a
     * client, waiting for its Request #2); a new one evicts the oldest. Default
     * {@value #DEFAULT_MAX_REDERIVATIONS}.
     */
    public synchronized OscoreContexts maxRederivations(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("maxRederivations must be at least 1: " + n);
        }
        this.maxRederivations = n;
        return this;
    }

    /** The Appendix B.2 re-derivations open now. */
    public synchronized int rederivations() {
        return pending.size();
    }

    /** The configured rederivable context for {@code kid} (Appendix B.2), if any. */
    synchronized Optional<SecurityContext> rederivable(Bytes kid) {
        List<SecurityContext> list = byRecipientId.get(kid);
        if (list != null) {
            for (SecurityContext c : list) {
                if (c.isRederivable() && !c.isDerived()) {
                    return Optional.of(c);
                }
            }
        }
        return Optional.empty();
    }

    private static Bytes pendingKey(Bytes kid, Bytes idContext) {
        byte[] k = new byte[1 + kid.length() + idContext.length()];
        k[0] = (byte) kid.length();
        kid.copyTo(k, 1);
        idContext.copyTo(k, 1 + kid.length());
        return Bytes.wrap(k);
    }

    /** Opens a re-derivation: {@code ctx} waits for Request #2; the oldest is evicted beyond the bound. */
    synchronized void putPending(SecurityContext ctx) {
        pending.put(pendingKey(ctx.recipientId(), ctx.idContext().orElseThrow()), ctx);
        while (pending.size() > maxRederivations) {
            pending.remove(pending.keySet().iterator().next());
        }
    }

    /** The open re-derivation for this kid and kid context, if any (it stays open until promoted). */
    synchronized Optional<SecurityContext> pending(Bytes kid, Bytes kidContext) {
        return Optional.ofNullable(pending.get(pendingKey(kid, kidContext)));
    }

    /**
     * Request #2 verified: the derived context joins the registry in place of any context derived
     * before for the same Recipient ID (so re-derivations never grow it).
     */
    synchronized void promote(SecurityContext ctx) {
        if (pending.remove(pendingKey(ctx.recipientId(), ctx.idContext().orElseThrow())) == null) {
            return; // promoted by a concurrent copy
        }
        List<SecurityContext> list = byRecipientId.computeIfAbsent(ctx.recipientId(), k -> new ArrayList<>(1));
        size -= list.size();
        list.removeIf(SecurityContext::isDerived);
        size += list.size();
        if (size >= capacity) {
            throw new OscoreException(dev.tern.coap.Code.SERVICE_UNAVAILABLE, "OSCORE context registry full");
        }
        list.add(ctx);
        size++;
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
