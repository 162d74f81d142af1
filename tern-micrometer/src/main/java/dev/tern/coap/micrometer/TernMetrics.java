package dev.tern.coap.micrometer;

import dev.tern.coap.Code;
import dev.tern.coap.Method;
import dev.tern.coap.spi.EndpointMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Records what CoAP endpoints do in a Micrometer {@link MeterRegistry}: give one instance to
 * {@code CoapServer.builder().metrics(...)} and {@code CoapClient.builder().metrics(...)}; one
 * instance may serve several endpoints, whose counts add up. Use one instance per registry (a
 * second one would find the gauges already bound to the first).
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>coap.requests</td><td>counter</td><td>method, code, route</td><td>requests answered (RFC 7252 §5)</td></tr>
 *   <tr><td>coap.handler.latency</td><td>timer (histogram)</td><td>method, route</td><td>time in the service,
 *       sampled: one request in {@link Builder#latencySampling} ({@value #DEFAULT_LATENCY_SAMPLING} by default)</td></tr>
 *   <tr><td>coap.retransmissions</td><td>counter</td><td></td><td>CONs sent again (§4.2)</td></tr>
 *   <tr><td>coap.duplicates</td><td>counter</td><td></td><td>duplicates received (§4.5)</td></tr>
 *   <tr><td>coap.timeouts</td><td>counter</td><td></td><td>client requests that timed out (§4.8.2)</td></tr>
 *   <tr><td>coap.observers</td><td>gauge</td><td></td><td>observe relations (RFC 7641 §4.1)</td></tr>
 *   <tr><td>coap.notifications</td><td>counter</td><td>type (con, non)</td><td>notifications sent (RFC 7641 §4.2)</td></tr>
 *   <tr><td>coap.blockwise.transfers</td><td>counter</td><td>kind, event (started, completed)</td><td>RFC 7959</td></tr>
 *   <tr><td>coap.datagrams.dropped</td><td>counter</td><td>reason</td><td>datagrams dropped or rejected</td></tr>
 *   <tr><td>coap.executor.rejected</td><td>counter</td><td></td><td>requests answered 5.03: executor full</td></tr>
 *   <tr><td>coap.dtls.handshakes</td><td>counter</td><td>kind, result, alert</td><td>DTLS handshakes (RFC 6347)</td></tr>
 *   <tr><td>coap.dtls.sessions</td><td>gauge</td><td></td><td>established DTLS sessions</td></tr>
 * </table>
 *
 * The {@code route} tag is the path template of the {@code Router} route (never the request's
 * path, which a peer chooses), or {@code none}; at most {@link Builder#maxRoutes} distinct values
 * ({@value #DEFAULT_MAX_ROUTES} by default) are kept, later ones count as {@code other}, so that the
 * number of meters stays bounded. The hot
 * path allocates nothing once the meters of a (route, method, code) exist: a request costs a map
 * look-up and a single-writer counter increment (each endpoint counts on its own I/O thread; a
 * scrape adds the endpoints up), and one request in {@code latencySampling} two clock
 * reads and a timer record.
 */
public final class TernMetrics implements EndpointMetrics {
    /** One request in this many is timed for {@code coap.handler.latency} unless the builder says otherwise. */
    public static final int DEFAULT_LATENCY_SAMPLING = 64;
    /** The default bound of distinct {@code route} tag values. */
    public static final int DEFAULT_MAX_ROUTES = 1000;
    /** The {@code route} tag of requests no route took. */
    public static final String NO_ROUTE_TAG = "none";
    private static final String OTHER_ROUTE_TAG = "other";
    private static final int MAX_FAILURE_REASONS = 64;

    private final MeterRegistry registry;
    private final Tags tags;
    private final int latencySampling;
    private final int maxRoutes;
    private final ConcurrentHashMap<String, RouteMeters> routes = new ConcurrentHashMap<>();
    private final RouteMeters noRoute;
    private final RouteMeters otherRoute;
    private final Counter retransmissions;
    private final Counter duplicates;
    private final Counter timeouts;
    private final Counter executorRejected;
    private final Counter notificationsCon;
    private final Counter notificationsNon;
    private final Counter[] blockwiseStarted = new Counter[Blockwise.values().length];
    private final Counter[] blockwiseCompleted = new Counter[Blockwise.values().length];
    private final Counter[] dropped = new Counter[DropReason.values().length];
    private final Counter handshakesFull;
    private final Counter handshakesAbbreviated;
    private final ConcurrentHashMap<String, Counter> handshakeFailures = new ConcurrentHashMap<>();
    private final AtomicLong observers = new AtomicLong();
    private final AtomicLong sessions = new AtomicLong();

    private TernMetrics(Builder b) {
        this.registry = b.registry;
        this.tags = b.tags;
        this.latencySampling = b.latencySampling;
        this.maxRoutes = b.maxRoutes;
        this.noRoute = new RouteMeters(NO_ROUTE_TAG);
        this.otherRoute = new RouteMeters(OTHER_ROUTE_TAG);
        retransmissions = counter("coap.retransmissions", "Confirmable messages sent again (RFC 7252 4.2)", Tags.empty());
        duplicates = counter("coap.duplicates", "duplicate messages received (RFC 7252 4.5)", Tags.empty());
        timeouts = counter("coap.timeouts", "client requests that timed out (RFC 7252 4.8.2)", Tags.empty());
        executorRejected = counter("coap.executor.rejected",
                "requests answered 5.03 because the handler executor was full", Tags.empty());
        notificationsCon = counter("coap.notifications", "notifications sent (RFC 7641 4.2)", Tags.of("type", "con"));
        notificationsNon = counter("coap.notifications", "notifications sent (RFC 7641 4.2)", Tags.of("type", "non"));
        for (Blockwise k : Blockwise.values()) {
            String kind = k.name().toLowerCase(Locale.ROOT);
            blockwiseStarted[k.ordinal()] = counter("coap.blockwise.transfers", "block-wise transfers (RFC 7959)",
                    Tags.of("kind", kind, "event", "started"));
            blockwiseCompleted[k.ordinal()] = counter("coap.blockwise.transfers", "block-wise transfers (RFC 7959)",
                    Tags.of("kind", kind, "event", "completed"));
        }
        for (DropReason r : DropReason.values()) {
            dropped[r.ordinal()] = counter("coap.datagrams.dropped", "received datagrams dropped or rejected",
                    Tags.of("reason", r.name().toLowerCase(Locale.ROOT)));
        }
        handshakesFull = handshakeCounter("full", "success", "none");
        handshakesAbbreviated = handshakeCounter("abbreviated", "success", "none");
        Gauge.builder("coap.observers", observers, AtomicLong::get).tags(tags)
                .description("observe relations (RFC 7641 4.1)").register(registry);
        Gauge.builder("coap.dtls.sessions", sessions, AtomicLong::get).tags(tags)
                .description("established DTLS sessions (RFC 6347)").register(registry);
    }

    /** Records into {@code registry} (RFC 7252 metrics, see the class description), with the defaults. */
    public static TernMetrics of(MeterRegistry registry) {
        return builder(registry).build();
    }

    /** A builder recording into {@code registry}. */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(Objects.requireNonNull(registry, "registry"));
    }

    /**
     * A listener for one endpoint: it counts that endpoint's requests on its I/O thread without an
     * atomic read-modify-write, and the scrape adds them to the totals; everything else it passes to
     * this instance.
     */
    @Override
    public EndpointMetrics forEndpoint() {
        return new EndpointCounts(this);
    }

    @Override
    public int handlerLatencySampling() {
        return latencySampling;
    }

    /** The registry recorded into. */
    public MeterRegistry registry() {
        return registry;
    }

    @Override
    public void requestHandled(Code method, Code response, String route, long handlerNanos) {
        MethodMeters m = route(route).method(method);
        m.requests(response).shared.increment();
        if (handlerNanos >= 0) {
            m.latency.record(handlerNanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void executorRejected() {
        executorRejected.increment();
    }

    @Override
    public void retransmission() {
        retransmissions.increment();
    }

    @Override
    public void duplicate() {
        duplicates.increment();
    }

    @Override
    public void clientTimeout() {
        timeouts.increment();
    }

    @Override
    public void observerAdded() {
        observers.incrementAndGet();
    }

    @Override
    public void observerRemoved() {
        observers.decrementAndGet();
    }

    @Override
    public void notificationSent(boolean confirmable) {
        (confirmable ? notificationsCon : notificationsNon).increment();
    }

    @Override
    public void blockwiseStarted(Blockwise kind) {
        blockwiseStarted[kind.ordinal()].increment();
    }

    @Override
    public void blockwiseCompleted(Blockwise kind) {
        blockwiseCompleted[kind.ordinal()].increment();
    }

    @Override
    public void datagramDropped(DropReason reason) {
        dropped[reason.ordinal()].increment();
    }

    @Override
    public void handshakeCompleted(boolean resumed) {
        (resumed ? handshakesAbbreviated : handshakesFull).increment();
    }

    @Override
    public void handshakeFailed(String reason) {
        Counter c = handshakeFailures.get(reason);
        if (c == null) {
            String tag = handshakeFailures.size() < MAX_FAILURE_REASONS ? reason : "other";
            c = handshakeFailures.computeIfAbsent(tag, r -> handshakeCounter("unknown", "failure", r));
        }
        c.increment();
    }

    @Override
    public void sessionOpened() {
        sessions.incrementAndGet();
    }

    @Override
    public void sessionClosed() {
        sessions.decrementAndGet();
    }

    private Counter handshakeCounter(String kind, String result, String alert) {
        return counter("coap.dtls.handshakes", "DTLS handshakes (RFC 6347 4.2)",
                Tags.of("kind", kind, "result", result, "alert", alert));
    }

    private Counter counter(String name, String description, Tags own) {
        return Counter.builder(name).description(description).tags(tags).tags(own).register(registry);
    }

    // The look-ups below keep their first-use paths in separate methods: the hot paths stay a few
    // bytecodes long, so that the JIT inlines them into the engine's response path.

    private RouteMeters route(String route) {
        RouteMeters r = routes.get(route);
        return r != null ? r : newRoute(route);
    }

    private RouteMeters newRoute(String route) {
        if (route.isEmpty()) {
            return noRoute;
        }
        if (routes.size() >= maxRoutes) {
            return otherRoute;
        }
        return routes.computeIfAbsent(route, RouteMeters::new);
    }

    /** The meters of one route, by method code (0.00 to 0.31), created on first use. */
    private final class RouteMeters {
        final String tag;
        final AtomicReferenceArray<MethodMeters> byMethod = new AtomicReferenceArray<>(32);

        RouteMeters(String tag) {
            this.tag = tag;
        }

        MethodMeters method(Code method) {
            MethodMeters m = byMethod.get(method.detail() & 31);
            return m != null ? m : newMethod(method);
        }

        private MethodMeters newMethod(Code method) {
            int i = method.detail() & 31;
            String name = Method.of(method).map(Method::wireName).orElse(method.toString());
            byMethod.compareAndSet(i, null, new MethodMeters(tag, name));
            return byMethod.get(i);
        }
    }

    /** The latency timer of one (route, method) and its request counts by response code. */
    final class MethodMeters {
        final String route;
        final String method;
        final Timer latency;
        final AtomicReferenceArray<RequestCount> byCode = new AtomicReferenceArray<>(256);

        MethodMeters(String route, String method) {
            this.route = route;
            this.method = method;
            this.latency = Timer.builder("coap.handler.latency").description("time the service took for a request")
                    .tags(tags).tags("method", method, "route", route)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(10_000)).maximumExpectedValue(Duration.ofSeconds(30))
                    .register(registry);
        }

        /** The count behind {@code coap.requests}: a function counter reads it at scrape time. */
        RequestCount requests(Code response) {
            RequestCount c = byCode.get(codeIndex(response));
            return c != null ? c : newRequests(response);
        }

        private RequestCount newRequests(Code response) {
            int i = codeIndex(response);
            RequestCount fresh = new RequestCount();
            if (byCode.compareAndSet(i, null, fresh)) {
                FunctionCounter.builder("coap.requests", fresh, RequestCount::value)
                        .description("requests answered (RFC 7252 5)").tags(tags)
                        .tags("method", method, "code", response.toString(), "route", route).register(registry);
            }
            return byCode.get(i);
        }
    }

    /** The index of a response code in {@link MethodMeters#byCode}. */
    static int codeIndex(Code response) {
        return (response.codeClass() << 5 | response.detail()) & 0xFF;
    }

    /** The meters of a (route, method), for an endpoint's own counts ({@link EndpointCounts}). */
    MethodMeters meters(String route, Code method) {
        return route(route).method(method);
    }

    /** Builds a {@link TernMetrics}. */
    public static final class Builder {
        private final MeterRegistry registry;
        private Tags tags = Tags.empty();
        private int latencySampling = DEFAULT_LATENCY_SAMPLING;
        private int maxRoutes = DEFAULT_MAX_ROUTES;

        private Builder(MeterRegistry registry) {
            this.registry = registry;
        }

        /** Tags on every meter, e.g. {@code endpoint=coaps} to tell two servers apart in one registry. */
        public Builder commonTags(Tags commonTags) {
            this.tags = Objects.requireNonNull(commonTags, "commonTags");
            return this;
        }

        /**
         * Times one request in {@code n} for {@code coap.handler.latency} (1: every request); default
         * {@value TernMetrics#DEFAULT_LATENCY_SAMPLING}. {@code coap.requests} counts every request
         * whatever this is. Timing costs two clock reads per timed request.
         */
        public Builder latencySampling(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("latencySampling must be at least 1: " + n);
            }
            this.latencySampling = n;
            return this;
        }

        /**
         * The bound of distinct {@code route} tag values (default {@value TernMetrics#DEFAULT_MAX_ROUTES});
         * requests of further routes count as {@code route=other}.
         */
        public Builder maxRoutes(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxRoutes must be at least 1: " + n);
            }
            this.maxRoutes = n;
            return this;
        }

        /** The listener; it registers its fixed meters in the registry now. */
        public TernMetrics build() {
            return new TernMetrics(this);
        }
    }
}
