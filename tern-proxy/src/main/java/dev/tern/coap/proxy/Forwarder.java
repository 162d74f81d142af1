package dev.tern.coap.proxy;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapTimeoutException;
import dev.tern.coap.CoapUri;
import dev.tern.coap.Code;
import dev.tern.coap.Method;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Forwards one request to its upstream target (RFC 7252 §5.7): Hop-Limit (RFC 8768 §3), access
 * control, the cache (§5.6), Observe fan-out (RFC 7641 §5), the bound on requests in flight, and
 * the mapping of upstream failures to 5.02 Bad Gateway and 5.04 Gateway Timeout (§5.9.3.3, §5.9.3.5).
 */
final class Forwarder {
    private final Map<String, CoapClient> clients; // by scheme (coap, coaps, coap+tcp, ...)
    private final UpstreamAllowList allowList;
    private final ResponseCache cache;
    private final ObserveFanOut fanOut;
    private final Semaphore inFlight;
    private final int maxInFlight;
    private final Duration timeout;

    Forwarder(Map<String, CoapClient> clients, UpstreamAllowList allowList, ResponseCache cache,
              int maxObservations, Duration linger, int maxInFlight, Duration timeout) {
        this.clients = Map.copyOf(clients);
        this.allowList = allowList;
        this.cache = cache;
        this.fanOut = new ObserveFanOut(maxObservations, linger, cache, Forwarder::clean);
        this.maxInFlight = maxInFlight;
        this.inFlight = new Semaphore(maxInFlight);
        this.timeout = timeout;
    }

    int cachedResponses() {
        return cache.size();
    }

    long cachedBytes() {
        return cache.bytes();
    }

    int upstreamObservations() {
        return fanOut.size();
    }

    int requestsInFlight() {
        return maxInFlight - inFlight.availablePermits();
    }

    void close() {
        fanOut.close();
    }

    /** Forwards {@code request} to {@code target}; {@code checked}: the allow-list applies (forward proxy). */
    CompletableFuture<Response> forward(Request request, CoapUri target, boolean checked) {
        return forward(request, Target.of(target), checked);
    }

    /** As {@link #forward(Request, CoapUri, boolean)}, for a target parsed (and maybe admitted) before. */
    CompletableFuture<Response> forward(Request request, Target parsed, boolean checked) {
        return forward(request, parsed, checked, null);
    }

    /**
     * As {@link #forward(Request, Target, boolean)}, with {@code local} (when not null) instead of
     * the proxy's plain coap client for the exchange of a coap target: the HTTP gateway's client on
     * the calling connection's event loop. Observe registrations keep the proxy's client, since
     * their upstream relation is shared by every observer (RFC 7641 §5).
     */
    CompletableFuture<Response> forward(Request request, Target parsed, boolean checked, CoapClient local) {
        CoapUri target = parsed.uri();
        int hops = request.options().hopLimit().orElse(-1);
        int next = hops < 0 ? Options.DEFAULT_HOP_LIMIT : hops - 1;
        if (next < 1) {
            // RFC 8768 §3: not forwarded; the loop (or the too long path) ends here
            return done(Response.of(Code.HOP_LIMIT_REACHED, "Hop-Limit reached at this proxy (RFC 8768)"));
        }
        Admission admission = admit(parsed, checked);
        if (admission.refusal() != null) {
            return done(admission.refusal());
        }
        CoapClient client = admission.client();
        CoapClient via = local != null && CoapUri.COAP.equals(target.scheme()) ? local : client;
        InetSocketAddress peer = admission.peer();
        Supplier<Request.Builder> upstream = () -> Request.builder(request.method()).uri(target) // scheme and Uri-*
                .options(b -> forwardedOptions(request.options(), b).hopLimit(next)).timeout(timeout)
                .payload(request.payload())
                .peer(peer); // built only when it goes upstream
        Method method = request.method();
        if (method != Method.GET && method != Method.FETCH) {
            return send(via, upstream.get().build()).whenComplete((r, e) -> cache.invalidate(parsed.text())); // §5.6
        }
        if (method == Method.FETCH || !cache.enabled() && !request.isObserveRegistration()) {
            return send(via, upstream.get().build()); // FETCH is not cached here; nor anything with caching off
        }
        CacheKey key = CacheKey.of(method, parsed.text(), request.options());
        if (request.isObserveRegistration()) {
            Request.Builder registration = upstream.get();
            CompletableFuture<Response> observed = fanOut.register(request, key, client,
                    registration.build()); // the registration; not the notifications
            if (observed != null) {
                return observed;
            }
            return get(request, key, () -> registration.options(b -> b.remove(OptionNumber.OBSERVE)), client);
        }
        return get(request, key, upstream, via);
    }

    /** The upstream client and the address and port for a target, or the response refusing it. */
    record Admission(CoapClient client, InetSocketAddress peer, Response refusal) {
    }

    /** As {@link #admit(CoapUri, boolean)}, kept with an IP-literal target once it is admitted (allow-list checked). */
    Admission admit(Target target, boolean checked) {
        Admission kept = checked ? target.admitted() : null;
        if (kept != null) {
            return kept;
        }
        Admission admission = admit(target.uri(), checked);
        if (checked && admission.refusal() == null) {
            target.admitted(admission);
        }
        return admission;
    }

    /**
     * Resolves {@code target} once and checks it against the allow-list when {@code checked}
     * (RFC 7252 §11.2): 5.05 without an upstream client for its scheme, 5.02 when it does not
     * resolve, 4.03 when it is not allowed.
     */
    Admission admit(CoapUri target, boolean checked) {
        CoapClient client = clients.get(target.scheme());
        if (client == null) {
            return new Admission(null, null, Response.of(Code.PROXYING_NOT_SUPPORTED,
                    "no upstream client for " + target.scheme()));
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(target.host()); // resolved once: checked and used alike
        } catch (UnknownHostException e) {
            return new Admission(null, null, Response.of(Code.BAD_GATEWAY, "cannot resolve " + target.host()));
        }
        if (checked && !allowList.admits(target.host(), address, target.port())) {
            return new Admission(null, null, Response.of(Code.FORBIDDEN, "upstream " + target.host() + ":"
                    + target.port() + " is not on this proxy's allow-list"));
        }
        // one address object per admitted target: the engine's maps find a kept Target's peer by identity
        return new Admission(client, new InetSocketAddress(address, target.port()), null);
    }

    /** GET through the cache: fresh hit, validation of a stale entry by its ETag, or a plain fetch. */
    private CompletableFuture<Response> get(Request request, CacheKey key, Supplier<Request.Builder> fetch,
                                            CoapClient client) {
        long now = cache.now();
        ResponseCache.Entry entry = cache.get(key);
        List<Bytes> clientEtags = request.options().etags();
        if (entry != null && entry.isFresh(now)) {
            Bytes etag = entry.etag();
            if (etag != null && clientEtags.contains(etag)) {
                // §5.10.6.2: the client's own copy is still the current one
                return done(Response.builder(Code.VALID).etag(etag)
                        .maxAge(entry.served(now).options().maxAge().orElse(0)).build());
            }
            if (clientEtags.isEmpty()) {
                return done(entry.served(now));
            }
        }
        Bytes validating = entry != null && clientEtags.isEmpty() ? entry.etag() : null;
        Request.Builder upstream = fetch.get();
        if (validating != null) {
            upstream.options(b -> b.etag(validating)); // §5.6.2: validate the stale entry
        }
        return exchange(client, upstream.build()).thenApply(outcome -> {
            Response r = outcome.response();
            if (!outcome.fromUpstream()) {
                return r; // the proxy's own 5.02, 5.03 or 5.04: never cached
            }
            if (r.code().equals(Code.VALID)) {
                ResponseCache.Entry refreshed = cache.refresh(key, r);
                if (validating != null && refreshed != null) {
                    return refreshed.served(cache.now());
                }
                if (validating != null) {
                    // a 2.03 for an ETag the proxy did not send: nothing to serve to a client that sent none
                    return Response.of(Code.BAD_GATEWAY, "upstream validated an ETag that was not asked for");
                }
                return r;
            }
            if (ResponseCache.isCacheable(r.code())) {
                cache.put(key, r);
            }
            return r;
        });
    }

    /** A response, and whether it came from upstream or from the proxy itself (not cacheable). */
    private record Outcome(Response response, boolean fromUpstream) {
    }

    /** One upstream exchange within the in-flight bound; failures become 5.02 / 5.04. */
    private CompletableFuture<Response> send(CoapClient client, Request upstream) {
        return exchange(client, upstream).thenApply(Outcome::response);
    }

    private CompletableFuture<Outcome> exchange(CoapClient client, Request upstream) {
        if (!inFlight.tryAcquire()) {
            return CompletableFuture.completedFuture(new Outcome(Response.builder(Code.SERVICE_UNAVAILABLE)
                    .maxAge(2).payload("too many requests in flight at this proxy").build(), false));
        }
        CompletableFuture<Response> sent;
        try {
            sent = client.send(upstream); // with this proxy's timeout (forward)
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((r, failure) -> {
            inFlight.release();
            if (failure == null) {
                return new Outcome(clean(r), true);
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            return new Outcome(Response.of(cause instanceof CoapTimeoutException ? Code.GATEWAY_TIMEOUT
                    : Code.BAD_GATEWAY, describe(cause)), false);
        });
    }

    /** A short diagnostic (RFC 7252 §5.5.2) for an upstream failure. */
    static String describe(Throwable cause) {
        return cause instanceof CoapTimeoutException ? "upstream did not answer in time"
                : "upstream failed: " + cause.getClass().getSimpleName();
    }

    /**
     * Adds to {@code b} the request's end-to-end options, as they go upstream (RFC 7252 §5.7.2):
     * never Proxy-Uri/Proxy-Scheme and the Uri-* options (the target's come from its URI), nor the
     * hop-by-hop Hop-Limit/Block1/Block2/Size1/Size2/Echo/Request-Tag/Observe (the upstream client
     * sets its own), nor an unsafe option this proxy does not know (§5.7.1).
     */
    static Options.Builder forwardedOptions(Options in, Options.Builder b) {
        for (int i = 0; i < in.size(); i++) {
            Option o = in.get(i);
            int n = o.number();
            if (isHopByHop(n) || (!OptionNumber.isKnown(n) && OptionNumber.isUnsafe(n))) {
                continue;
            }
            b.add(o);
        }
        return b;
    }

    private static boolean isHopByHop(int n) {
        return n == OptionNumber.PROXY_URI || n == OptionNumber.PROXY_SCHEME || n == OptionNumber.URI_HOST
                || n == OptionNumber.URI_PORT || n == OptionNumber.URI_PATH || n == OptionNumber.URI_QUERY
                || n == OptionNumber.HOP_LIMIT || n == OptionNumber.BLOCK1 || n == OptionNumber.BLOCK2
                || n == OptionNumber.SIZE1 || n == OptionNumber.SIZE2 || n == OptionNumber.ECHO
                || n == OptionNumber.REQUEST_TAG || n == OptionNumber.OBSERVE;
    }

    /** An upstream response without its hop-by-hop options (the server adds its own Observe, Block2). */
    static Response clean(Response r) {
        Options o = r.options();
        if (!o.has(OptionNumber.OBSERVE) && !o.has(OptionNumber.BLOCK1) && !o.has(OptionNumber.BLOCK2)
                && !o.has(OptionNumber.SIZE1) && !o.has(OptionNumber.SIZE2) && !o.has(OptionNumber.ECHO)) {
            return r;
        }
        return r.toBuilder().options(b -> b.remove(OptionNumber.OBSERVE).remove(OptionNumber.BLOCK1)
                .remove(OptionNumber.BLOCK2).remove(OptionNumber.SIZE1).remove(OptionNumber.SIZE2)
                .remove(OptionNumber.ECHO)).build();
    }

    private static CompletableFuture<Response> done(Response r) {
        return CompletableFuture.completedFuture(r);
    }
}
