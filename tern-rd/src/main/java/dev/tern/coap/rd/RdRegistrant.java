package dev.tern.coap.rd;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.CoapUri;
import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Link;
import dev.tern.coap.LinkFormat;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.spi.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps a server's links registered with a Resource Directory (RFC 9176 §5): registers them,
 * updates the registration before its lifetime ends (§5.3.1, at {@code max(lt/2, lt - margin)}),
 * registers again when the directory answers an update with 4.04 (it forgot the registration, e.g.
 * after a restart) or another 4.xx (a directory without updates), retries failures with a bounded
 * back-off (5 s doubling to 10 min, at most lt/2), and removes the registration on
 * {@link #close()} (§5.3.2, waiting at most 10 s for the answer).
 *
 * <pre>{@code
 * Router router = Router.builder().get("/light", handler, RouteOptions.create().resourceType("light-lux")).build();
 * CoapServer server = CoapServer.builder().service(router).build().start();
 * RdRegistrant registrant = RdRegistrant.builder()
 *     .directory("coap://rd.example").endpoint("lamp-1").lifetime(Duration.ofHours(1))
 *     .links(router).server(server).build();
 * registrant.start();
 * }</pre>
 *
 * When the directory URI has no path, the registration resource is discovered with
 * {@code GET /.well-known/core?rt=core.rd} (§4.3), falling back to {@code /rd}.
 */
public final class RdRegistrant implements AutoCloseable {
    private static final long MIN_RETRY_SECONDS = 5;
    private static final long MAX_RETRY_SECONDS = 600;
    private static final Duration REMOVAL_TIMEOUT = Duration.ofSeconds(10);

    private final CoapClient client;
    private final boolean ownClient;
    private final Scheduler scheduler;
    private final DaemonScheduler ownScheduler;
    private final CoapUri directory;
    private final String endpoint;
    private final String sector;
    private final long lifetime;
    private final long margin;
    private final Supplier<List<Link>> links;
    private final Supplier<String> base;

    private String registrationPath; // e.g. /rd, discovered once
    private String location;         // e.g. /reg/abc, null while not registered
    private Scheduler.Cancellable timer;
    private long retrySeconds = MIN_RETRY_SECONDS;
    private boolean running;
    private int registrations;
    private int updates;

    private RdRegistrant(Builder b) {
        this.ownClient = b.client == null;
        this.client = b.client != null ? b.client : CoapClient.create();
        this.ownScheduler = b.scheduler == null ? new DaemonScheduler("tern-rd-registrant") : null;
        this.scheduler = b.scheduler != null ? b.scheduler : ownScheduler;
        this.directory = CoapUri.parse(Objects.requireNonNull(b.directory, "directory"));
        this.endpoint = Objects.requireNonNull(b.endpoint, "endpoint");
        this.sector = b.sector;
        this.lifetime = b.lifetime;
        this.margin = b.margin;
        this.links = Objects.requireNonNull(b.links, "links");
        this.base = b.base;
        this.registrationPath = directory.path().isEmpty() ? null : "/" + String.join("/", directory.path());
    }

    /** A builder; {@link Builder#directory}, {@link Builder#endpoint} and {@link Builder#links} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts registering (RFC 9176 §5) in the background; returns at once. */
    public synchronized RdRegistrant start() {
        if (!running) {
            running = true;
            scheduler.execute(this::register);
        }
        return this;
    }

    /** The registration resource while registered, e.g. {@code /reg/4f2a} (RFC 9176 §5, Location-Path). */
    public synchronized Optional<String> location() {
        return Optional.ofNullable(location);
    }

    /** How many registrations (2.01) this registrant has made, the first and any after a 4.04. */
    public synchronized int registrations() {
        return registrations;
    }

    /** How many updates (RFC 9176 §5.3.1) the directory has accepted (2.04). */
    public synchronized int updates() {
        return updates;
    }

    /** Stops, and removes the registration from the directory (RFC 9176 §5.3.2), waiting at most 10 s for the answer. */
    @Override
    public void close() {
        String loc;
        synchronized (this) {
            running = false;
            if (timer != null) {
                timer.cancel();
            }
            loc = location;
            location = null;
        }
        try {
            if (loc != null) {
                client.send(Request.delete(uri(loc)).timeout(REMOVAL_TIMEOUT).build()).exceptionally(e -> null).join();
            }
        } finally {
            if (ownClient) {
                client.close();
            }
            if (ownScheduler != null) {
                ownScheduler.close();
            }
        }
    }

    private void register() {
        if (!isRunning()) {
            return;
        }
        pathToRegister().thenCompose(path -> {
            Request.Builder post = Request.post(uri(path)).query("ep=" + endpoint).query("lt=" + lifetime);
            if (sector != null) {
                post.query("d=" + sector);
            }
            if (base != null) {
                post.query("base=" + base.get());
            }
            return client.send(post.contentFormat(ContentFormat.LINK_FORMAT)
                    .payload(LinkFormat.format(links.get())).build());
        }).whenComplete((r, e) -> {
            synchronized (this) {
                if (!running) {
                    return;
                }
                if (e == null && r.code().equals(Code.CREATED) && !r.options().locationPath().isEmpty()) {
                    location = "/" + String.join("/", r.options().locationPath());
                    registrations++;
                    retrySeconds = MIN_RETRY_SECONDS;
                    schedule(this::update, updateDelaySeconds());
                } else {
                    retry(this::register);
                }
            }
        });
    }

    private void update() {
        String loc;
        synchronized (this) {
            if (!running || location == null) {
                return;
            }
            loc = location;
        }
        client.send(Request.post(uri(loc)).query("lt=" + lifetime).build()).whenComplete((r, e) -> {
            synchronized (this) {
                if (!running) {
                    return;
                }
                if (e == null && r.code().equals(Code.CHANGED)) {
                    updates++;
                    retrySeconds = MIN_RETRY_SECONDS;
                    schedule(this::update, updateDelaySeconds());
                } else if (e == null && r.code().codeClass() == 4) {
                    // §5.3.1: 4.04, the directory forgot us; any other 4.xx (e.g. 4.05 from a
                    // directory without updates): register again, which replaces the registration (§5)
                    location = null;
                    scheduler.execute(this::register);
                } else {
                    retry(this::update);
                }
            }
        });
    }

    private CompletableFuture<String> pathToRegister() {
        synchronized (this) {
            if (registrationPath != null) {
                return CompletableFuture.completedFuture(registrationPath);
            }
        }
        Request discovery = Request.get(uri(LinkFormat.WELL_KNOWN_CORE))
                .query("rt=" + ResourceDirectory.RT_DIRECTORY).build();
        return client.send(discovery).handle((r, e) -> {
            String path = "/rd";
            if (e == null && r.code().equals(Code.CONTENT)) {
                try {
                    for (Link l : LinkFormat.parse(r.payloadString())) {
                        if (l.resourceTypes().contains(ResourceDirectory.RT_DIRECTORY) && l.target().startsWith("/")) {
                            path = l.target();
                            break;
                        }
                    }
                } catch (IllegalArgumentException ignored) {
                    // not link-format: use the default
                }
            }
            synchronized (this) {
                registrationPath = path;
            }
            return path;
        });
    }

    private long updateDelaySeconds() {
        return Math.max(Math.max(1, lifetime / 2), lifetime - margin);
    }

    private void retry(Runnable action) {
        long delay = Math.min(retrySeconds, Math.max(1, lifetime / 2));
        retrySeconds = Math.min(retrySeconds * 2, MAX_RETRY_SECONDS);
        schedule(action, delay);
    }

    private void schedule(Runnable action, long seconds) {
        timer = scheduler.schedule(action, TimeUnit.SECONDS.toNanos(seconds));
    }

    private synchronized boolean isRunning() {
        return running;
    }

    private String uri(String path) {
        return directory.scheme() + "://" + hostPort() + path;
    }

    private String hostPort() {
        String h = directory.host();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + directory.port();
    }

    /** Settings of an {@link RdRegistrant}. */
    public static final class Builder {
        private CoapClient client;
        private Scheduler scheduler;
        private String directory;
        private String endpoint;
        private String sector;
        private long lifetime = RegistrationParams.DEFAULT_LIFETIME;
        private long margin = 300;
        private Supplier<List<Link>> links;
        private Supplier<String> base;

        private Builder() {
        }

        /** The directory, e.g. {@code coap://rd.example} or its registration resource {@code coap://rd.example/rd}. */
        public Builder directory(String uri) {
            this.directory = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /** The endpoint name {@code ep} (RFC 9176 §5), at most 63 bytes. */
        public Builder endpoint(String name) {
            this.endpoint = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The sector {@code d} (RFC 9176 §5); none by default. */
        public Builder sector(String sector) {
            this.sector = Objects.requireNonNull(sector, "sector");
            return this;
        }

        /** The lifetime {@code lt} (RFC 9176 §5), whole seconds; default 90 000 s. */
        public Builder lifetime(Duration lifetime) {
            long s = lifetime.getSeconds();
            if (s < 1) {
                throw new IllegalArgumentException("lifetime must be at least 1 s");
            }
            this.lifetime = s;
            return this;
        }

        /** How long before the end of the lifetime to update, at most half of it (default 300 s). */
        public Builder updateMargin(Duration margin) {
            this.margin = Math.max(0, margin.getSeconds());
            return this;
        }

        /** The links to register, read at each registration. */
        public Builder links(Supplier<List<Link>> links) {
            this.links = Objects.requireNonNull(links, "links");
            return this;
        }

        /** The links a router lists in {@code /.well-known/core} (RFC 6690 §4). */
        public Builder links(Router router) {
            Objects.requireNonNull(router, "router");
            return links(router::links);
        }

        /** The base URI of the links (RFC 9176 §5 {@code base}); by default the directory uses the request's source. */
        public Builder base(String base) {
            CoapUri.parse(base);
            this.base = () -> base;
            return this;
        }

        /**
         * Takes the base from a running server: its scheme, its port, and its address, or, when it
         * listens on every address, the local address that routes to the directory.
         */
        public Builder server(CoapServer server) {
            Objects.requireNonNull(server, "server");
            this.base = () -> ServerBase.of(server, CoapUri.parse(directory));
            return this;
        }

        /** The client requests go through; by default an own one (over plain coap). */
        public Builder client(CoapClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** The clock and timers; by default a daemon thread of its own. Tests pass a manual clock. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The registrant; call {@link RdRegistrant#start()}. */
        public RdRegistrant build() {
            return new RdRegistrant(this);
        }
    }
}
