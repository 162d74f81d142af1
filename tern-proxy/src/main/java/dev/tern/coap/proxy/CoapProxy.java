package dev.tern.coap.proxy;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapUri;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Options;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import dev.tern.coap.spi.ConnectionTransport;
import dev.tern.coap.spi.Scheduler;
import dev.tern.coap.spi.SecurityLayer;
import dev.tern.coap.spi.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A CoAP-to-CoAP proxy (RFC 7252 §5.7) with a response cache (§5.6), Hop-Limit (RFC 8768) and
 * Observe fan-out (RFC 7641 §5). {@link #forward()} is a forward proxy (§5.7.2) for
 * {@link dev.tern.coap.CoapServer.Builder#proxy(Service)}: it serves requests carrying Proxy-Uri
 * or Proxy-Scheme, translating between coap, coaps and the reliable schemes of RFC 8323
 * ({@code coap+tcp}, {@code coaps+tcp}, {@code coap+ws}, {@code coaps+ws}) it has an upstream client
 * for ({@link Builder#upstreamTransport}, {@link Builder#upstreamClient}), and reaches only the
 * upstream endpoints of its allow-list. {@link #reverse(String, String)} is a reverse proxy (§5.7.3) for a path prefix
 * of a {@link dev.tern.coap.Router}.
 *
 * <pre>{@code
 * CoapProxy proxy = CoapProxy.builder().allow("192.0.2.0/24").build();
 * CoapServer server = CoapServer.builder()
 *     .proxy(proxy.forward())
 *     .service(Router.builder().any("/sensors/**", proxy.reverse("/sensors", "coap://192.0.2.7/s")).build())
 *     .build().start();
 * }</pre>
 *
 * Upstream failures are answered with 5.02 Bad Gateway, upstream timeouts with 5.04 Gateway Timeout
 * (§5.9.3.3, §5.9.3.5), a target off the allow-list with 4.03 Forbidden, a scheme without an
 * upstream client with 5.05, a request whose Hop-Limit runs out with 5.08 (RFC 8768 §3). Bounded by
 * {@link Builder#maxCacheEntries}, {@link Builder#maxCacheBytes}, {@link Builder#maxUpstreamObservations}
 * and {@link Builder#maxConcurrentRequests}.
 */
public final class CoapProxy implements AutoCloseable {
    private final Forwarder forwarder;
    private final List<CoapClient> owned;
    private final Predicate<Request> authorization;
    private final HttpUpstream http;
    private final int maxTargets;
    private final Target.Cache targets;
    /** The configuration of the plain coap client the proxy made; null when the caller gave it. */
    private final EndpointConfig ownCoapConfig;

    private CoapProxy(Forwarder forwarder, List<CoapClient> owned, Predicate<Request> authorization, HttpUpstream http,
                      int maxTargets, EndpointConfig ownCoapConfig) {
        this.forwarder = forwarder;
        this.ownCoapConfig = ownCoapConfig;
        this.maxTargets = maxTargets;
        this.targets = new Target.Cache(maxTargets);
        this.owned = owned;
        this.authorization = authorization;
        this.http = http;
    }

    /** A builder: no upstream allowed yet, a plain coap upstream client, the default bounds. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The forward proxy (RFC 7252 §5.7.2), for {@link dev.tern.coap.CoapServer.Builder#proxy(Service)}:
     * the target is the request's Proxy-Uri, or its Proxy-Scheme with the Uri-* options. A malformed
     * Proxy-Uri or a Proxy-Scheme without Uri-Host gets 4.00; a scheme without an upstream client 5.05,
     * and so does a non-CoAP scheme unless {@link Builder#proxyHttp} lets http and https targets through (RFC 7252 §10.1).
     */
    public Service forward() {
        return request -> {
            if (!authorization.test(request)) {
                return CompletableFuture.completedFuture(Response.of(Code.FORBIDDEN,
                        "this proxy does not forward for this client"));
            }
            if (http != null) {
                java.util.Optional<String> web = HttpUpstream.target(request);
                if (web.isPresent()) {
                    return http.forward(request, web.get()); // CoAP-to-HTTP (RFC 7252 §10.1), Builder#proxyHttp
                }
            }
            try {
                return forwarder.forward(request, target(request), true);
            } catch (Targets.Refusal r) {
                return CompletableFuture.completedFuture(r.response());
            }
        };
    }

    /** The forward target of {@code request}, kept per Proxy-Uri ({@link Builder#maxParsedTargets}). */
    private Target target(Request request) throws Targets.Refusal {
        java.util.Optional<String> proxyUri = request.options().proxyUri();
        if (proxyUri.isEmpty()) {
            return Target.of(Targets.forward(request));
        }
        Target kept = targets.get(proxyUri.get());
        return kept != null ? kept : targets.put(proxyUri.get(), Target.of(Targets.forward(request)));
    }

    /** Forward targets kept now ({@link Builder#maxParsedTargets}). */
    int parsedTargets() {
        return targets.size();
    }

    /** A cache of parsed targets as large as this proxy's (for its HTTP gateway's request URIs). */
    Target.Cache newTargetCache() {
        return new Target.Cache(maxTargets);
    }

    /**
     * A reverse proxy (RFC 7252 §5.7.3) for the requests under {@code prefix}: {@code /prefix/rest}
     * goes to {@code origin} with {@code rest} appended to its path and the request's query appended
     * to its query. Mount it with {@code Router.Builder.any(prefix + "/**", proxy.reverse(prefix, origin))}.
     * The origin is the operator's choice: the allow-list does not apply to it.
     *
     * @param prefix the path prefix, e.g. {@code /sensors}
     * @param origin the upstream origin, e.g. {@code coap://192.0.2.7/s}: a CoAP scheme the proxy has
     *     an upstream client for (else its requests get 5.05)
     */
    public Service reverse(String prefix, String origin) {
        Objects.requireNonNull(prefix, "prefix");
        CoapUri base = CoapUri.parse(Objects.requireNonNull(origin, "origin"));
        List<String> segments = new ArrayList<>();
        for (String s : prefix.split("/")) {
            if (!s.isEmpty()) {
                segments.add(s);
            }
        }
        List<String> pre = List.copyOf(segments);
        return request -> {
            try {
                return forwarder.forward(request, Targets.reverse(request, pre, base), false);
            } catch (Targets.Refusal r) {
                return CompletableFuture.completedFuture(r.response());
            }
        };
    }

    /** The forwarding core, for the HTTP gateway of the same package ({@link HttpGateway}). */
    Forwarder forwarder() {
        return forwarder;
    }

    /**
     * A plain coap client like the one this proxy made, on {@code transport} and {@code scheduler}
     * (an {@link HttpGateway} event loop's {@link LoopDatagrams}), which the caller closes; null when
     * the caller gave the proxy its coap client ({@link Builder#coapClient}), which then carries
     * every coap exchange.
     */
    CoapClient loopClient(Transport transport, Scheduler scheduler) {
        if (ownCoapConfig == null) {
            return null;
        }
        return CoapClient.builder().config(ownCoapConfig).transport(transport, scheduler).build();
    }

    /** Whether {@code request} may use this proxy ({@link Builder#authorize}). */
    boolean authorizes(Request request) {
        return authorization.test(request);
    }

    /** Responses in the cache ({@link Builder#maxCacheEntries}). */
    public int cachedResponses() {
        return forwarder.cachedResponses();
    }

    /** Bytes the cache holds, approximately ({@link Builder#maxCacheBytes}). */
    public long cachedBytes() {
        return forwarder.cachedBytes();
    }

    /** Upstream observe relations held (RFC 7641 §5; {@link Builder#maxUpstreamObservations}). */
    public int upstreamObservations() {
        return forwarder.upstreamObservations();
    }

    /** Upstream requests in flight ({@link Builder#maxConcurrentRequests}). */
    public int requestsInFlight() {
        return forwarder.requestsInFlight();
    }

    /** Cancels the upstream observe relations and closes the upstream clients the proxy created. */
    @Override
    public void close() {
        forwarder.close();
        owned.forEach(CoapClient::close);
    }

    /** Builds a {@link CoapProxy}. */
    public static final class Builder {
        private final UpstreamAllowList allowList = new UpstreamAllowList();
        private final UpstreamClients upstreamClients = new UpstreamClients();
        private int maxCacheEntries = 1000;
        private long maxCacheBytes = 8L * 1024 * 1024;
        private int maxUpstreamObservations = 1000;
        private int maxConcurrentRequests = 256;
        private Duration upstreamTimeout = Duration.ofSeconds(20);
        private Duration observeLinger = Duration.ofSeconds(1);
        private LongSupplier clock = System::nanoTime;
        private int upstreamNstart = Options.DEFAULT_HOP_LIMIT;
        private Predicate<Request> authorization = request -> true;
        private boolean proxyHttp;
        private int maxHttpBodyBytes = 1024 * 1024;
        private int maxParsedTargets = 1024;

        private Builder() {
        }

        /**
         * Lets the forward proxy reach {@code host} on any port: a host name (matched against the
         * target URI's host, case-insensitively), an IP address, or a network in CIDR notation such
         * as {@code 192.0.2.0/24} or {@code 2001:db8::/32} (matched against the address the host
         * resolves to). Loopback and link-local targets need such an entry (RFC 7252 §11.2).
         */
        public Builder allow(String host) {
            allowList.allow(Objects.requireNonNull(host, "host"), -1);
            return this;
        }

        /** Like {@link #allow(String)}, on {@code port} only. */
        public Builder allow(String host, int port) {
            allowList.allow(Objects.requireNonNull(host, "host"), port);
            return this;
        }

        /**
         * Lets the forward proxy reach any unicast address except loopback, link-local and wildcard
         * ones (which still need {@link #allow(String)}): an open proxy, for closed networks only
         * (RFC 7252 §11.2). Multicast targets are never reached.
         */
        public Builder allowAny() {
            allowList.allowAny();
            return this;
        }

        /**
         * Forwards (RFC 7252 §5.7.2) only the requests {@code rule} admits; the others get 4.03.
         * For example {@code r -> r.peerIdentity().isPresent()} forwards only for clients that
         * authenticated over DTLS (a {@code coaps} server), and a rule on
         * {@link Request#peerIdentity()} can name them. Default: every client (the allow-list still
         * limits where to).
         */
        public Builder authorize(Predicate<Request> rule) {
            this.authorization = Objects.requireNonNull(rule, "rule");
            return this;
        }

        /**
         * Whether the forward proxy also serves {@code http://} and {@code https://} targets (Proxy-Uri,
         * or Proxy-Scheme http/https: CoAP-to-HTTP, RFC 7252 §10.1) with the JDK's HTTP client, to the
         * allow-list's hosts only and never following a redirect; default false (5.05).
         */
        public Builder proxyHttp(boolean enabled) {
            this.proxyHttp = enabled;
            return this;
        }

        /** Bytes of an HTTP upstream's response body at most ({@link #proxyHttp}), default 1 MiB; beyond, 5.02. */
        public Builder maxHttpBodyBytes(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxHttpBodyBytes must not be negative: " + bytes);
            }
            this.maxHttpBodyBytes = bytes;
            return this;
        }

        /** The upstream client for {@code coap} targets; default one the proxy creates and closes. */
        public Builder coapClient(CoapClient client) {
            return upstreamClient(CoapUri.COAP, client);
        }

        /**
         * The upstream client for {@code coaps} targets (one built with a DTLS security layer);
         * without it or {@link #coapsSecurity}, coaps targets get 5.05.
         */
        public Builder coapsClient(CoapClient client) {
            return upstreamClient(CoapUri.COAPS, client);
        }

        /**
         * The upstream client for {@code scheme} targets: {@code coap}, {@code coaps} (as
         * {@link #coapClient}, {@link #coapsClient}) or a reliable scheme of RFC 8323 ({@code coap+tcp},
         * {@code coaps+tcp}, {@code coap+ws}, {@code coaps+ws}: a client built with
         * {@code CoapClient.builder().transport(...)}, e.g. {@code TcpTransports.client()} from
         * {@code tern-tcp}). The caller closes it. A scheme without a client gets 5.05 (502 on the
         * HTTP side); by default only {@code coap} has one.
         */
        public Builder upstreamClient(String scheme, CoapClient client) {
            upstreamClients.client(scheme, client);
            return this;
        }

        /**
         * Makes the proxy create (and close) the upstream client for the reliable scheme of
         * {@code transport} (its {@link ConnectionTransport#scheme()}, e.g. {@code coap+tcp} for
         * {@code TcpTransports.client()} from {@code tern-tcp}), like {@link #coapsSecurity} for coaps.
         * An upstream observe relation over it ends when its connection does (RFC 8323 §7): the
         * downstream observers then get 5.02.
         */
        public Builder upstreamTransport(ConnectionTransport transport) {
            upstreamClients.transport(transport);
            return this;
        }

        /** Makes the proxy create (and close) its coaps upstream client with {@code layer} (e.g. {@code Dtls.client(...)}). */
        public Builder coapsSecurity(SecurityLayer layer) {
            upstreamClients.coapsSecurity(layer);
            return this;
        }

        /** Responses the cache holds at most (RFC 7252 §5.6), default 1000; 0 turns caching off. */
        public Builder maxCacheEntries(int entries) {
            this.maxCacheEntries = nonNegative(entries, "maxCacheEntries");
            return this;
        }

        /** Bytes the cache holds at most, default 8 MiB; the least recently used go first. */
        public Builder maxCacheBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxCacheBytes must not be negative: " + bytes);
            }
            this.maxCacheBytes = bytes;
            return this;
        }

        /** Upstream observe relations at most (RFC 7641 §5), default 1000; beyond, registrations are plain GETs. */
        public Builder maxUpstreamObservations(int relations) {
            this.maxUpstreamObservations = nonNegative(relations, "maxUpstreamObservations");
            return this;
        }

        /** Upstream requests in flight at most, default 256; beyond, 5.03 with Max-Age 2 (RFC 7252 §5.9.3.4). */
        public Builder maxConcurrentRequests(int requests) {
            if (requests < 1) {
                throw new IllegalArgumentException("maxConcurrentRequests must be at least 1: " + requests);
            }
            this.maxConcurrentRequests = requests;
            return this;
        }

        /**
         * How long an upstream request may take before the proxy answers 5.04 Gateway Timeout
         * (RFC 7252 §5.9.3.5), default 20 s; keep it below the server's {@link EndpointConfig#handlerTimeout()}.
         */
        public Builder upstreamTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("upstreamTimeout must be positive: " + timeout);
            }
            this.upstreamTimeout = timeout;
            return this;
        }

        /**
         * How long an upstream observe relation outlives its last downstream observer before it is
         * cancelled (RFC 7641 §3.6), default 1 s, so that a re-registration does not cancel it.
         */
        public Builder observeLinger(Duration linger) {
            Objects.requireNonNull(linger, "linger");
            if (linger.isNegative()) {
                throw new IllegalArgumentException("observeLinger must not be negative: " + linger);
            }
            this.observeLinger = linger;
            return this;
        }

        /**
         * NSTART (RFC 7252 §4.7) of the upstream clients the proxy creates, default 16: requests in
         * flight to one upstream server at once. A proxy carries many clients' requests, and a
         * request that loops back through the same proxy waits for a slot its own earlier hop
         * holds; with at least the Hop-Limit (16) of them a loop ends with 5.08, not a timeout.
         */
        public Builder upstreamNstart(int nstart) {
            if (nstart < 1) {
                throw new IllegalArgumentException("upstreamNstart must be at least 1: " + nstart);
            }
            this.upstreamNstart = nstart;
            return this;
        }

        /**
         * Parsed targets kept at most, default 1024, per Proxy-Uri string (and, in an
         * {@link HttpGateway}, per HTTP request URI), with the allow-list's verdict for an IP
         * literal, so that a repeated target is not parsed and checked again; when full, they are
         * dropped all at once. 0 parses every request's target.
         */
        public Builder maxParsedTargets(int targets) {
            this.maxParsedTargets = nonNegative(targets, "maxParsedTargets");
            return this;
        }

        /** The clock of the cache's freshness (RFC 7252 §5.6.1): {@code scheduler.nanoTime()}; default the system's. */
        public Builder clock(Scheduler scheduler) {
            Objects.requireNonNull(scheduler, "scheduler");
            this.clock = scheduler::nanoTime;
            return this;
        }

        /** The proxy. */
        public CoapProxy build() {
            List<CoapClient> owned = new ArrayList<>();
            EndpointConfig config = EndpointConfig.clientDefaults().toBuilder().nstart(upstreamNstart).build();
            Map<String, CoapClient> upstream = upstreamClients.build(config, owned);
            ResponseCache cache = new ResponseCache(maxCacheEntries, maxCacheBytes, clock);
            Forwarder forwarder = new Forwarder(upstream, allowList, cache, maxUpstreamObservations,
                    observeLinger, maxConcurrentRequests, upstreamTimeout);
            HttpUpstream http = null;
            if (proxyHttp) {
                java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                        .followRedirects(java.net.http.HttpClient.Redirect.NEVER) // a redirect could leave the allow-list
                        .version(java.net.http.HttpClient.Version.HTTP_1_1)
                        .connectTimeout(upstreamTimeout).build();
                http = new HttpUpstream(client, allowList, upstreamTimeout, maxHttpBodyBytes, maxConcurrentRequests);
            }
            return new CoapProxy(forwarder, List.copyOf(owned), authorization, http, maxParsedTargets,
                    upstreamClients.givesCoap() ? null : config);
        }

        private static int nonNegative(int value, String name) {
            if (value < 0) {
                throw new IllegalArgumentException(name + " must not be negative: " + value);
            }
            return value;
        }
    }
}
