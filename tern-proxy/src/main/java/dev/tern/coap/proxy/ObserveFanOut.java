package dev.tern.coap.proxy;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapTimeoutException;
import dev.tern.coap.Code;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observe through the proxy (RFC 7641 §5): one upstream relation per cache key, fanned out to
 * every downstream observer. Each relation holds an {@link ObservableResource} that the downstream
 * observers register with; an upstream notification is stored as the latest state (and in the
 * cache) and then {@link ObservableResource#changed()} makes the server replay each observer's GET, which
 * this proxy answers from that latest state without going upstream. When the last downstream
 * observer has left, and none came back within the linger time, the upstream relation is
 * cancelled (RFC 7641 §3.6). At most {@code max} upstream relations; a registration beyond that
 * is served as a plain GET (§4.1). Thread-safe.
 */
final class ObserveFanOut {
    private static final Logger LOG = LoggerFactory.getLogger(ObserveFanOut.class);

    private final HashMap<CacheKey, Relation> relations = new HashMap<>();
    private final int max;
    private final Executor linger;
    private final ResponseCache cache;
    private final UnaryOperator<Response> clean;

    ObserveFanOut(int max, Duration linger, ResponseCache cache, UnaryOperator<Response> clean) {
        this.max = max;
        this.linger = CompletableFuture.delayedExecutor(linger.toNanos(), TimeUnit.NANOSECONDS);
        this.cache = cache;
        this.clean = clean;
    }

    /** Upstream relations held. */
    synchronized int size() {
        return relations.size();
    }

    /**
     * Serves the registration {@code downstream} from the upstream relation of {@code key},
     * starting one with {@code upstream} through {@code client} when there is none; null when the
     * table is full (the caller serves a plain GET).
     */
    CompletableFuture<Response> register(Request downstream, CacheKey key, CoapClient client, Request upstream) {
        Relation rel;
        boolean started = false;
        synchronized (this) {
            rel = relations.get(key);
            if (rel == null) {
                if (relations.size() >= max) {
                    return null;
                }
                rel = new Relation(key);
                relations.put(key, rel);
                started = true;
            }
        }
        if (started) {
            rel.start(client, upstream);
        }
        Relation r = rel;
        return rel.first.thenApply(first -> {
            Response latest = r.latest;
            if (!r.cancelled && latest != null && latest.isSuccess() && r.observing) {
                downstream.observe(r.observable);
                return r.served(latest);
            }
            return first;
        });
    }

    /** Cancels every upstream relation. */
    void close() {
        java.util.List<Relation> all;
        synchronized (this) {
            all = java.util.List.copyOf(relations.values());
            relations.clear();
        }
        for (Relation r : all) {
            r.cancel();
        }
    }

    private synchronized boolean removeIfCurrent(Relation r) {
        if (relations.get(r.key) == r) {
            relations.remove(r.key);
            return true;
        }
        return false;
    }

    /** One upstream observation and the downstream observers that share it. */
    private final class Relation {
        final CacheKey key;
        final ObservableResource observable = ObservableResource.create();
        final CompletableFuture<Response> first = new CompletableFuture<>();
        volatile Response latest;
        volatile long receivedAt;
        volatile boolean observing;
        volatile boolean cancelled;
        volatile Observation upstream;

        Relation(CacheKey key) {
            this.key = key;
            observable.onObserversChanged(() -> {
                if (observable.observerCount() == 0) {
                    linger.execute(this::cancelIfIdle);
                }
            });
        }

        void start(CoapClient client, Request request) {
            Observation obs;
            try {
                obs = client.observe(request, this::onResponse);
            } catch (RuntimeException e) {
                end(e);
                return;
            }
            upstream = obs;
            obs.ended().whenComplete((v, failure) -> end(failure));
        }

        /** The first response and every notification, in order, on the upstream client's thread. */
        private void onResponse(Response r) {
            Response state = clean.apply(r);
            latest = state;
            receivedAt = cache.now();
            if (ResponseCache.isCacheable(state.code())) {
                cache.put(key, state);
            }
            if (!first.isDone()) {
                observing = r.isSuccess() && r.options().observe().isPresent();
                if (!observing) {
                    removeIfCurrent(this); // §4.1: served as a plain GET upstream
                }
                first.complete(state);
                return;
            }
            if (!r.isSuccess()) {
                removeIfCurrent(this);
                observable.terminate(r.code()); // §4.2: the error ends every downstream relation
                return;
            }
            if (observable.observerCount() == 0) {
                cancelIfIdle();
                return;
            }
            observable.changed();
        }

        /** The latest state with the Max-Age it has left (RFC 7252 §5.6.1). */
        Response served(Response state) {
            long maxAge = state.options().maxAge().orElse(ResponseCache.DEFAULT_MAX_AGE);
            long age = TimeUnit.NANOSECONDS.toSeconds(cache.now() - receivedAt);
            return state.toBuilder().maxAge(Math.max(0, maxAge - age)).build();
        }

        private void cancelIfIdle() {
            if (observable.observerCount() == 0 && removeIfCurrent(this)) {
                cancel();
            }
        }

        void cancel() {
            cancelled = true;
            Observation obs = upstream;
            if (obs != null) {
                LOG.debug("last observer of {} left: cancelling the upstream relation", key.uri());
                obs.cancel();
            }
        }

        private void end(Throwable failure) {
            boolean wasCurrent = removeIfCurrent(this);
            if (failure == null) {
                first.complete(latest != null ? latest : Response.of(Code.BAD_GATEWAY));
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            Code code = cause instanceof CoapTimeoutException ? Code.GATEWAY_TIMEOUT : Code.BAD_GATEWAY;
            if (!first.complete(Response.of(code, Forwarder.describe(cause))) && wasCurrent && !cancelled) {
                observable.terminate(code);
            }
        }
    }
}
