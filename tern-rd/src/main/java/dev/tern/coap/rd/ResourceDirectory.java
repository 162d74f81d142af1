package dev.tern.coap.rd;

import dev.tern.coap.CoapClient;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Method;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.Service;
import dev.tern.coap.spi.Scheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A CoRE Resource Directory (RFC 9176) as routes of a {@link Router}: the registration interface
 * ({@code POST /rd}, §5; simple registration {@code POST /.well-known/rd}, §5.1; update, read and
 * removal of {@code /reg/{id}}, §5.3) and the lookup interface ({@code GET /rd-lookup/ep} and
 * {@code GET /rd-lookup/res}, §6), observable (RFC 7641) so that lookups are told of every change.
 *
 * <pre>{@code
 * ResourceDirectory rd = ResourceDirectory.builder().maxRegistrations(10_000).build();
 * CoapServer server = CoapServer.builder()
 *     .service(rd.addTo(Router.builder()).get("/hello", r -> Response.content("hi")).build())
 *     .build().start();
 * }</pre>
 *
 * <h2>Discovery (§4)</h2>
 * The routes carry {@code rt=core.rd}, {@code core.rd-lookup-ep} and {@code core.rd-lookup-res},
 * so the router's {@code /.well-known/core?rt=core.rd*} lists them; the two lookup routes and the
 * generated {@code /.well-known/core} also answer group requests ({@link RouteOptions#multicast}).
 *
 * <h2>Endpoint names (§7.5)</h2>
 * A name ({@code ep} within {@code d}) registered by a peer with a security identity
 * ({@link Request#peerIdentity()}, e.g. a DTLS PSK identity or certificate) is remembered with that
 * identity: registering it again, updating, reading or deleting the registration from another or
 * no identity gets 4.01 Unauthorized (First-Come-First-Remembered). Over plain {@code coap} there
 * is no identity: names are taken first come, first served, and anyone may re-register a name,
 * which replaces the registration (§5); a registration resource can then be changed by whoever
 * knows its location, which is random (64 bits).
 *
 * <h2>Bounds</h2>
 * Every bound is a {@link Builder} setting (see SECURITY.md): registrations in all (5.03 at the
 * cap) and per peer, payload size and links per registration (4.13), lifetime (4.00 above it),
 * results per lookup, concurrent simple-registration fetches, and how often observers of lookups
 * are notified (changes are coalesced, RFC 7641 §4.5).
 */
public final class ResourceDirectory implements AutoCloseable, dev.tern.coap.spi.StateHolder {
    /** The Resource Type of the registration interface (RFC 9176 §9.3). */
    public static final String RT_DIRECTORY = "core.rd";
    /** The Resource Type of endpoint lookup (RFC 9176 §9.3). */
    public static final String RT_LOOKUP_EP = "core.rd-lookup-ep";
    /** The Resource Type of resource lookup (RFC 9176 §9.3). */
    public static final String RT_LOOKUP_RES = "core.rd-lookup-res";

    private final RegistrationStore store;
    private final RegistrationInterface registration;
    private final LookupInterface lookup;
    private final ObservableResource endpointLookups = ObservableResource.create();
    private final ObservableResource resourceLookups = ObservableResource.create();
    private final DaemonScheduler ownScheduler;
    private final Object clientLock = new Object();
    private final CoapClient givenClient;
    private CoapClient ownClient;
    private boolean closed;
    private final Scheduler scheduler;
    private final long notificationIntervalNanos;
    private final Object notifyLock = new Object();
    private boolean notificationPending;

    /** The bounds (see SECURITY.md, "Every bound"). */
    record Limits(int maxRegistrations, int maxRegistrationsPerPeer, int maxPayloadBytes, int maxLinksPerRegistration,
                  long maxLifetimeSeconds, int maxLookupResults, int maxSimpleRegistrationFetches,
                  Duration fetchTimeout) {
    }

    private ResourceDirectory(Builder b) {
        this.ownScheduler = b.scheduler == null ? new DaemonScheduler("tern-rd-expiry") : null;
        this.scheduler = b.scheduler != null ? b.scheduler : ownScheduler;
        this.notificationIntervalNanos = b.notificationInterval.toNanos();
        Limits limits = new Limits(b.maxRegistrations, b.maxPerPeer, b.maxPayload, b.maxLinks, b.maxLifetime,
                b.maxLookupResults, b.maxFetches, b.fetchTimeout);
        this.givenClient = b.client;
        this.store = new RegistrationStore(scheduler, b.maxRegistrations, b.maxPerPeer, this::changed);
        this.registration = new RegistrationInterface(store, limits, this::client);
        this.lookup = new LookupInterface(store, b.maxLookupResults);
    }

    /** A builder with the default bounds. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds the directory's routes (RFC 9176 §5, §6) to {@code router} and returns it, to add more
     * routes or build it.
     */
    public Router.Builder addTo(Router.Builder router) {
        RouteOptions linkFormat = RouteOptions.create().produces(ContentFormat.LINK_FORMAT);
        return router
                .post("/rd", guard(registration::register), RouteOptions.create()
                        .consumes(ContentFormat.LINK_FORMAT).resourceType(RT_DIRECTORY)
                        .contentType(ContentFormat.LINK_FORMAT))
                .route(Method.POST, "/.well-known/rd", this::simpleRegister, RouteOptions.create())
                .post("/reg/{id}", guard(registration::update))
                .get("/reg/{id}", guard(registration::read), linkFormat)
                .delete("/reg/{id}", guard(registration::remove))
                .get("/rd-lookup/ep", endpointLookups.handler(guard(lookup::endpoints)),
                        linkFormat.resourceType(RT_LOOKUP_EP).observable().multicast(true))
                .get("/rd-lookup/res", resourceLookups.handler(guard(lookup::resources)),
                        linkFormat.resourceType(RT_LOOKUP_RES).observable().multicast(true));
    }

    /** A router serving only the directory (and its {@code /.well-known/core}). */
    public Router router() {
        return addTo(Router.builder()).build();
    }

    /** The namespace of the registrations in a {@link dev.tern.coap.spi.StateStore}: {@code rd.registrations}. */
    @Override
    public String stateNamespace() {
        return "rd.registrations";
    }

    /**
     * The live registrations as records (RFC 9176 §5), each with its wall-clock expiry, keyed by
     * location. Registrations owned by a raw public key or certificate (§7.5) are left out.
     */
    @Override
    public java.util.Map<dev.tern.coap.Bytes, byte[]> exportState() {
        long nowMillis = System.currentTimeMillis();
        java.util.Map<dev.tern.coap.Bytes, byte[]> out = new java.util.HashMap<>();
        store.remaining().forEach((r, left) -> {
            byte[] record = RegistrationRecords.encode(r, nowMillis + left / 1_000_000);
            if (record != null) {
                out.put(dev.tern.coap.Bytes.utf8(r.id), record);
            }
        });
        return out;
    }

    /**
     * Takes back the registrations of {@link #exportState()} with what is left of their lifetime
     * (the time the directory was down counts: an expired one is dropped, RFC 9176 §5.3), at the
     * same locations, names and owners. Records that do not decode, and those beyond the bounds,
     * are skipped.
     */
    @Override
    public void restoreState(java.util.Map<dev.tern.coap.Bytes, byte[]> records) {
        long nowMillis = System.currentTimeMillis();
        for (byte[] record : records.values()) {
            try {
                RegistrationRecords.Saved s = RegistrationRecords.decode(record);
                store.restore(s.registration(), (s.expiresAtMillis() - nowMillis) * 1_000_000);
            } catch (IllegalArgumentException e) {
                System.getLogger(ResourceDirectory.class.getName()).log(System.Logger.Level.WARNING,
                        "saved registration skipped: " + e.getMessage());
            }
        }
    }

    /** The number of live registrations. */
    public int registrationCount() {
        return store.size();
    }

    /** Forgets every registration and stops the expiry timers and the directory's own client. */
    @Override
    public void close() {
        CoapClient c;
        synchronized (clientLock) {
            closed = true;
            c = ownClient;
            ownClient = null;
        }
        store.clear();
        if (c != null) {
            c.close();
        }
        if (ownScheduler != null) {
            ownScheduler.close();
        }
    }

    private CompletableFuture<Response> simpleRegister(Request request) {
        try {
            return registration.simpleRegister(request);
        } catch (RdError e) {
            return CompletableFuture.completedFuture(e.response());
        }
    }

    private CoapClient client() {
        if (givenClient != null) {
            return givenClient;
        }
        synchronized (clientLock) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            if (ownClient == null) {
                ownClient = CoapClient.create();
            }
            return ownClient;
        }
    }

    /**
     * A registration changed: observers of lookups are told at the end of the current interval,
     * once however many changes it saw (RFC 7641 §4.5), so a registration flood cannot make every
     * observer's lookup run once per registration.
     */
    private void changed() {
        synchronized (notifyLock) {
            if (notificationPending) {
                return;
            }
            notificationPending = true;
        }
        scheduler.schedule(() -> {
            synchronized (notifyLock) {
                notificationPending = false;
            }
            endpointLookups.changed();
            resourceLookups.changed();
        }, notificationIntervalNanos);
    }

    private static Service.Handler guard(Service.Handler h) {
        return request -> {
            try {
                return h.handle(request);
            } catch (RdError e) {
                return e.response();
            }
        };
    }

    /** Settings of a {@link ResourceDirectory}; every bound has a default (see SECURITY.md). */
    public static final class Builder {
        private Scheduler scheduler;
        private CoapClient client;
        private int maxRegistrations = 10_000;
        private int maxPerPeer = 100;
        private int maxPayload = 4096;
        private int maxLinks = 64;
        private long maxLifetime = 30L * 24 * 3600;
        private int maxLookupResults = 1000;
        private int maxFetches = 16;
        private Duration fetchTimeout = Duration.ofSeconds(30);
        private Duration notificationInterval = Duration.ofMillis(500);

        private Builder() {
        }

        /**
         * The clock and timers for expiry at the lifetime (RFC 9176 §5.3); by default a daemon
         * thread of the directory's own. Tests pass a manual clock.
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The client simple registration fetches {@code /.well-known/core} with (RFC 9176 §5.1). */
        public Builder client(CoapClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** Registrations in all; a new one beyond gets 5.03 (default 10 000). */
        public Builder maxRegistrations(int n) {
            this.maxRegistrations = positive(n, "maxRegistrations");
            return this;
        }

        /**
         * Registrations one peer (its security identity, else its IP address) may hold, so that no
         * peer fills the directory for all; 5.03 beyond (default 100).
         */
        public Builder maxRegistrationsPerPeer(int n) {
            this.maxPerPeer = positive(n, "maxRegistrationsPerPeer");
            return this;
        }

        /** The largest registration payload in bytes; 4.13 with Size1 beyond (default 4096). */
        public Builder maxPayloadBytes(int n) {
            this.maxPayload = positive(n, "maxPayloadBytes");
            return this;
        }

        /** Links per registration; 4.13 beyond (default 64). */
        public Builder maxLinksPerRegistration(int n) {
            this.maxLinks = positive(n, "maxLinksPerRegistration");
            return this;
        }

        /** The longest lifetime {@code lt} accepted (RFC 9176 §5); 4.00 beyond (default 30 days). */
        public Builder maxLifetime(Duration lifetime) {
            long s = lifetime.getSeconds();
            if (s < 1) {
                throw new IllegalArgumentException("maxLifetime must be at least 1 s");
            }
            this.maxLifetime = s;
            return this;
        }

        /** Links in one lookup answer (RFC 9176 §6); {@code count} may ask for fewer (default 1000). */
        public Builder maxLookupResults(int n) {
            this.maxLookupResults = positive(n, "maxLookupResults");
            return this;
        }

        /** Simple registrations (RFC 9176 §5.1) fetching at the same time; 5.03 beyond (default 16). */
        public Builder maxSimpleRegistrationFetches(int n) {
            this.maxFetches = positive(n, "maxSimpleRegistrationFetches");
            return this;
        }

        /** How long simple registration waits for {@code /.well-known/core} (default 30 s); 5.04 after. */
        public Builder fetchTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("fetchTimeout must be positive");
            }
            this.fetchTimeout = timeout;
            return this;
        }

        /**
         * How often observers of lookups are notified at most (RFC 7641 §4.5: intermediate states
         * may be skipped); changes within an interval give one notification at its end (default 500 ms).
         */
        public Builder lookupNotificationInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("lookupNotificationInterval must be positive");
            }
            this.notificationInterval = interval;
            return this;
        }

        /** The directory. */
        public ResourceDirectory build() {
            return new ResourceDirectory(this);
        }

        private static int positive(int n, String name) {
            if (n < 1) {
                throw new IllegalArgumentException(name + " must be positive: " + n);
            }
            return n;
        }
    }
}
