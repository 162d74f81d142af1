package dev.tern.coap.rd;

import dev.tern.coap.Code;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.spi.Scheduler;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The registrations of one directory (RFC 9176 §5), with their expiry at the lifetime (§5.3),
 * First-Come-First-Remembered names (§7.5) and the bounds of {@link ResourceDirectory.Builder}.
 * Thread-safe: every change holds the store's lock; listeners are told after it is released.
 */
final class RegistrationStore {
    private final Scheduler scheduler;
    private final int maxRegistrations;
    private final int maxPerPeer;
    private final Runnable onChange;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Entry> byId = new LinkedHashMap<>();
    private final Map<String, String> idByName = new HashMap<>();
    private final Map<String, Integer> perPeer = new HashMap<>();
    private final Map<String, List<String>> idsByEp = new HashMap<>(); // lookups by ep=NAME (§6.1)
    /** Registrations by the {@code rt} tokens of their links: lookups by rt=VALUE or rt=PREFIX* (§6.1). */
    private final TreeMap<String, Set<String>> idsByRt = new TreeMap<>();
    private long nextSeq;

    /** A registration with its deadline; replaced as a whole on update. */
    private static final class Entry {
        final Registration registration;
        final long expiresAt;
        /** The order of first registration, kept across updates: lookups list in this order (§6). */
        final long seq;
        Scheduler.Cancellable timer;

        Entry(Registration registration, long expiresAt, long seq) {
            this.registration = registration;
            this.expiresAt = expiresAt;
            this.seq = seq;
        }
    }

    RegistrationStore(Scheduler scheduler, int maxRegistrations, int maxPerPeer, Runnable onChange) {
        this.scheduler = scheduler;
        this.maxRegistrations = maxRegistrations;
        this.maxPerPeer = maxPerPeer;
        this.onChange = onChange;
    }

    /** What {@link #register} did: created a resource (2.01) or replaced one (RFC 9176 §5). */
    record Outcome(Registration registration, boolean created) {
    }

    /**
     * Registers, or replaces the registration with the same {@code ep} and {@code d} (RFC 9176 §5),
     * keeping its location. A name first registered under a security identity can only be
     * registered again under the same identity (§7.5 First-Come-First-Remembered): 4.01 otherwise.
     * At {@code maxRegistrations}, or the peer's share of it, 5.03.
     */
    Outcome register(RegistrationParams p, PeerIdentity identity, String peerKey) {
        Outcome out;
        synchronized (this) {
            String name = nameKey(p.sector(), p.ep());
            String existingId = idByName.get(name);
            Entry existing = existingId == null ? null : live(byId.get(existingId));
            if (existing != null) {
                requireSameIdentity(existing.registration, identity);
                Registration r = new Registration(existing.registration.id, p.ep(), p.sector(), p.base(),
                        p.lifetime(), p.attributes(), p.links(), remembered(existing.registration, identity),
                        existing.registration.peerKey);
                put(r);
                out = new Outcome(r, false);
            } else {
                if (byId.size() >= maxRegistrations) {
                    throw new RdError(Code.SERVICE_UNAVAILABLE, "registration limit reached");
                }
                if (perPeer.getOrDefault(peerKey, 0) >= maxPerPeer) {
                    throw new RdError(Code.SERVICE_UNAVAILABLE, "registration limit of this peer reached");
                }
                Registration r = new Registration(newId(), p.ep(), p.sector(), p.base(), p.lifetime(),
                        p.attributes(), p.links(), identity, peerKey);
                idByName.put(name, r.id);
                idsByEp.computeIfAbsent(r.ep, k -> new ArrayList<>(1)).add(r.id);
                perPeer.merge(peerKey, 1, Integer::sum);
                put(r);
                out = new Outcome(r, true);
            }
        }
        onChange.run();
        return out;
    }

    /**
     * Updates a registration (RFC 9176 §5.3.1): its lifetime restarts, base and attributes change
     * when given. 4.04 when unknown or expired, 4.01 from another identity than the registrant's.
     */
    Registration update(String id, PeerIdentity identity, Long lifetime, String base, Map<String, String> attributes) {
        Registration r;
        synchronized (this) {
            Entry e = live(byId.get(id));
            if (e == null) {
                throw new RdError(Code.NOT_FOUND, "no such registration");
            }
            requireSameIdentity(e.registration, identity);
            Registration old = e.registration;
            r = old.updated(lifetime != null ? lifetime : old.lifetimeSeconds, base != null ? base : old.base,
                    attributes);
            put(r);
        }
        onChange.run();
        return r;
    }

    /** Removes a registration (RFC 9176 §5.3.2): 4.04 when unknown, 4.01 from another identity. */
    void remove(String id, PeerIdentity identity) {
        synchronized (this) {
            Entry e = live(byId.get(id));
            if (e == null) {
                throw new RdError(Code.NOT_FOUND, "no such registration");
            }
            requireSameIdentity(e.registration, identity);
            drop(e);
        }
        onChange.run();
    }

    /** The registration, if it exists and has not expired. */
    synchronized Optional<Registration> get(String id) {
        Entry e = live(byId.get(id));
        return e == null ? Optional.empty() : Optional.of(e.registration);
    }

    /** The live registrations in the order they were first registered (stable for paging, §6). */
    synchronized List<Registration> snapshot() {
        long now = scheduler.nanoTime();
        List<Registration> out = new ArrayList<>(byId.size());
        for (Entry e : byId.values()) {
            if (e.expiresAt - now > 0) {
                out.add(e.registration);
            }
        }
        return out;
    }

    /** The live registrations named {@code ep} (in any sector), in the order of {@link #snapshot()}. */
    synchronized List<Registration> snapshotByEp(String ep) {
        List<String> ids = idsByEp.get(ep);
        if (ids == null) {
            return List.of();
        }
        long now = scheduler.nanoTime();
        List<Registration> out = new ArrayList<>(ids.size());
        for (String id : ids) {
            Entry e = byId.get(id);
            if (e != null && e.expiresAt - now > 0) {
                out.add(e.registration);
            }
        }
        return out;
    }

    /**
     * The live registrations with a link whose {@code rt} has the token {@code value} (or a token
     * starting with it, for {@code prefix}), in the order of {@link #snapshot()}: served from the
     * index, without testing every registration. When more than a quarter of the registrations
     * have it, all of them instead (the caller tests each anyway).
     */
    synchronized List<Registration> snapshotByRt(String value, boolean prefix) {
        List<Set<String>> hits = new ArrayList<>();
        int upTo = 0; // an upper bound of the registrations found (one may have several matching tokens)
        if (prefix) {
            for (Map.Entry<String, Set<String>> e : idsByRt.tailMap(value, true).entrySet()) {
                if (!e.getKey().startsWith(value)) {
                    break;
                }
                hits.add(e.getValue());
                upTo += e.getValue().size();
            }
        } else {
            Set<String> exact = idsByRt.get(value);
            if (exact != null) {
                hits.add(exact);
                upTo = exact.size();
            }
        }
        if (upTo > byId.size() / 4) {
            return snapshot(); // common: a scan in order finds a page's worth soon, without a sort
        }
        Set<String> ids = new HashSet<>();
        for (Set<String> h : hits) {
            ids.addAll(h);
        }
        long now = scheduler.nanoTime();
        List<Entry> entries = new ArrayList<>(ids.size());
        for (String id : ids) {
            Entry e = byId.get(id);
            if (e != null && e.expiresAt - now > 0) {
                entries.add(e);
            }
        }
        entries.sort(Comparator.comparingLong(e -> e.seq));
        List<Registration> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(e.registration);
        }
        return out;
    }

    synchronized int size() {
        return byId.size();
    }

    synchronized void clear() {
        for (Entry e : byId.values()) {
            if (e.timer != null) {
                e.timer.cancel();
            }
        }
        byId.clear();
        idByName.clear();
        idsByEp.clear();
        idsByRt.clear();
        perPeer.clear();
    }

    /** The live registrations with the time each has left, for a state snapshot. */
    synchronized Map<Registration, Long> remaining() {
        long now = scheduler.nanoTime();
        Map<Registration, Long> out = new LinkedHashMap<>();
        for (Entry e : byId.values()) {
            if (e.expiresAt - now > 0) {
                out.put(e.registration, e.expiresAt - now);
            }
        }
        return out;
    }

    /**
     * Takes back a saved registration with {@code leftNanos} of its lifetime left (RFC 9176 §5.3),
     * within the bounds; false (nothing changed) when its location or name is taken, or a bound is
     * reached.
     */
    boolean restore(Registration r, long leftNanos) {
        synchronized (this) {
            String name = nameKey(r.sector, r.ep);
            if (leftNanos <= 0 || byId.containsKey(r.id) || idByName.containsKey(name)
                    || byId.size() >= maxRegistrations || perPeer.getOrDefault(r.peerKey, 0) >= maxPerPeer) {
                return false;
            }
            idByName.put(name, r.id);
            idsByEp.computeIfAbsent(r.ep, k -> new ArrayList<>(1)).add(r.id);
            perPeer.merge(r.peerKey, 1, Integer::sum);
            put(r, Math.min(leftNanos, TimeUnit.SECONDS.toNanos(r.lifetimeSeconds)));
        }
        onChange.run();
        return true;
    }

    private void put(Registration r) {
        put(r, TimeUnit.SECONDS.toNanos(r.lifetimeSeconds));
    }

    private void put(Registration r, long lifetimeNanos) {
        Entry old = byId.get(r.id);
        if (old != null && old.timer != null) {
            old.timer.cancel();
        }
        if (old != null) {
            unindex(old.registration);
        }
        index(r);
        Entry e = new Entry(r, scheduler.nanoTime() + lifetimeNanos, old != null ? old.seq : nextSeq++);
        byId.put(r.id, e);
        e.timer = scheduler.schedule(() -> expire(e), lifetimeNanos);
    }

    /** The lifetime ran out without an update (RFC 9176 §5.3: the RD removes the registration). */
    private void expire(Entry e) {
        synchronized (this) {
            if (byId.get(e.registration.id) != e) {
                return; // updated or removed meanwhile
            }
            drop(e);
        }
        onChange.run();
    }

    /**
     * The entry unless its deadline has passed; an expired one (its timer late, e.g. a busy
     * scheduler) is removed here, so that it never shows. O(1): no scan per request.
     */
    private Entry live(Entry e) {
        if (e != null && e.expiresAt - scheduler.nanoTime() <= 0) {
            drop(e);
            onChange.run(); // only schedules the coalesced notification: safe under the lock
            return null;
        }
        return e;
    }

    private void drop(Entry e) {
        Registration r = e.registration;
        if (e.timer != null) {
            e.timer.cancel();
        }
        byId.remove(r.id);
        unindex(r);
        idByName.remove(nameKey(r.sector, r.ep));
        List<String> sameEp = idsByEp.get(r.ep);
        if (sameEp != null) {
            sameEp.remove(r.id);
            if (sameEp.isEmpty()) {
                idsByEp.remove(r.ep);
            }
        }
        perPeer.computeIfPresent(r.peerKey, (k, n) -> n <= 1 ? null : n - 1);
    }

    private void index(Registration r) {
        for (String token : r.rtTokens()) {
            idsByRt.computeIfAbsent(token, k -> new HashSet<>(2)).add(r.id);
        }
    }

    private void unindex(Registration r) {
        for (String token : r.rtTokens()) {
            Set<String> ids = idsByRt.get(token);
            if (ids != null && ids.remove(r.id) && ids.isEmpty()) {
                idsByRt.remove(token);
            }
        }
    }

    private static String nameKey(String sector, String ep) {
        return sector + '\u0000' + ep;
    }

    /** RFC 9176 §7.5: once a name is bound to an identity, only that identity may use it. */
    private static void requireSameIdentity(Registration r, PeerIdentity requester) {
        if (r.identity != null && !sameIdentity(r.identity, requester)) {
            throw new RdError(Code.UNAUTHORIZED, "endpoint name registered by another identity");
        }
    }

    /** A name taken over plain coap is claimed by the first secured registrant that re-registers it. */
    private static PeerIdentity remembered(Registration r, PeerIdentity requester) {
        return r.identity != null ? r.identity : requester;
    }

    static boolean sameIdentity(PeerIdentity a, PeerIdentity b) {
        return b != null && a.kind() == b.kind() && a.name().equals(b.name());
    }

    private String newId() {
        String id;
        do {
            id = Long.toUnsignedString(random.nextLong(), 36);
        } while (byId.containsKey(id));
        return id;
    }
}
