package dev.tern.coap.internal.exchange;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.CoapUri;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Method;
import dev.tern.coap.MessageType;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import dev.tern.coap.internal.api.ApiAccess;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageEncoder;
import dev.tern.coap.internal.codec.OptionValidator;
import dev.tern.coap.internal.message.MessageKey;
import dev.tern.coap.internal.message.Messaging;
import dev.tern.coap.internal.message.Retransmitter;
import dev.tern.coap.internal.observe.ObserveRelations;
import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.spi.Scheduler;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server half of the exchange layer (RFC 7252 §5): checks each new request (§5.4 options,
 * §5.10.2 proxying, §4.6 size), hands it to the {@link Service} on the handler executor, and sends
 * the response piggybacked in the ACK, or — when the handler takes longer than the separate
 * response delay or calls {@link Request#acknowledge()} — as a separate response (§5.2.2).
 * Requests that came to a multicast group get only 2.xx answers (§8.1), sent after a random delay
 * below {@link EndpointConfig#multicastLeisure()} (§8.2), and within the size bound of
 * {@link GroupResponseLimit} (§11.3); the Echo guard (RFC 9175 §2.4) verifies peers in group
 * requests too.
 * All state is touched on the scheduler thread only.
 */
public final class ServerExchanges {
    private static final Logger LOG = LoggerFactory.getLogger(ServerExchanges.class);

    private final Messaging messages;
    private final Scheduler scheduler;
    private final EndpointConfig config;
    private final Service service;
    private final Executor executor;
    private final String scheme;
    /** Who a peer authenticated as over DTLS (null over UDP), for {@link Request#peerIdentity()}. */
    private final java.util.function.Function<InetSocketAddress, dev.tern.coap.PeerIdentity> identities;
    private final long separateDelayNanos;
    private final ObserveRelations observers;
    private final long handlerTimeoutNanos;
    private final AmplificationGuard amplification;
    private final EndpointMetrics metrics;
    /** Whether handler latencies are measured: only for a listener that is not {@link EndpointMetrics#NONE}. */
    private final boolean timing;
    /** One request in this many is timed ({@link EndpointMetrics#handlerLatencySampling()}). */
    private final int sampling;
    private int untilSample;
    private final GroupResponseLimit groupLimit;
    private final RequestRateLimiter rateLimiter;
    /** Whether {@code service} forwards Proxy-Uri / Proxy-Scheme requests; else they get 5.05 (§5.7.2). */
    private final boolean proxying;

    /** Creates the server exchange layer of a server that is not a proxy (5.05 for proxy requests). */
    public ServerExchanges(Messaging messages, Scheduler scheduler, EndpointConfig config, Service service,
                           Executor executor, String scheme,
                           java.util.function.Function<InetSocketAddress, dev.tern.coap.PeerIdentity> identities,
                           EndpointMetrics metrics) {
        this(messages, scheduler, config, service, executor, scheme, identities, metrics, false);
    }

    /**
     * Creates the server exchange layer; with {@code proxying}, requests carrying Proxy-Uri or
     * Proxy-Scheme reach {@code service} instead of getting 5.05 (RFC 7252 §5.7.2).
     */
    public ServerExchanges(Messaging messages, Scheduler scheduler, EndpointConfig config, Service service,
                           Executor executor, String scheme,
                           java.util.function.Function<InetSocketAddress, dev.tern.coap.PeerIdentity> identities,
                           EndpointMetrics metrics, boolean proxying) {
        this.proxying = proxying;
        this.messages = messages;
        this.metrics = metrics;
        this.timing = metrics != EndpointMetrics.NONE;
        this.sampling = Math.max(1, metrics.handlerLatencySampling());
        this.scheduler = scheduler;
        this.config = config;
        this.service = service;
        this.executor = executor;
        this.scheme = scheme;
        this.identities = identities;
        this.separateDelayNanos = config.separateResponseDelay().toNanos();
        this.observers = new ObserveRelations(messages, scheduler, config, service, executor, metrics, identities);
        this.handlerTimeoutNanos = config.handlerTimeout().toNanos();
        this.amplification = new AmplificationGuard(config, scheduler::nanoTime);
        this.groupLimit = new GroupResponseLimit(config, amplification);
        this.rateLimiter = new RequestRateLimiter(config.requestRateLimit(), config.requestBurst(),
                config.maxRateLimitedPeers(), scheduler::nanoTime);
    }

    /**
     * The object-security layer between this layer and the service (RFC 8613): it protects the
     * notification an observe relation ends with when its resource terminates it (RFC 7641 §4.2).
     */
    public void objectSecurity(dev.tern.coap.spi.ObjectSecurity security) {
        observers.objectSecurity(security);
    }

    /** Peers the request rate limiter tracks (RFC 8516; bounded by maxRateLimitedPeers). */
    public int rateLimitedPeers() {
        return rateLimiter.size();
    }

    /** An RST that matched no CON: perhaps a rejected NON notification (RFC 7641 §3.6). */
    public void onUnmatchedReset(MessageKey key) {
        observers.onReset(key);
    }

    /** Observe relations currently held (RFC 7641). */
    public int observers() {
        return observers.size();
    }

    /** Peers verified by an Echo round trip (RFC 9175 §2.4). */
    public int verifiedPeers() {
        return amplification.verifiedPeers();
    }

    /**
     * The transport's security association {@code association} ended (RFC 7252 §9.1): the observe
     * relations registered through it end; responses still pending for it are dropped by the
     * transport, which no longer has that session.
     */
    public void onAssociationEnded(Object association) {
        observers.endAssociation(association);
    }

    /** The observe relations as state records (RFC 7641 §4.1); on the scheduler thread. */
    public java.util.List<dev.tern.coap.spi.ObserveRelationState> exportRelations() {
        return observers.export();
    }

    /**
     * Restores relations a previous process saved, each by running its registration again
     * ({@link dev.tern.coap.internal.observe.RelationReplay}); the number that could be started.
     */
    public int restoreRelations(java.util.List<dev.tern.coap.spi.ObserveRelationState> saved) {
        int n = 0;
        for (dev.tern.coap.spi.ObserveRelationState s : saved) {
            if (dev.tern.coap.internal.observe.RelationReplay.restore(observers, s, scheme, service, executor,
                    scheduler)) {
                n++;
            }
        }
        return n;
    }

    /** Tells {@code listener} of every observe relation's start and end (RFC 7641 §4.1). */
    public void relationListener(dev.tern.coap.spi.RelationListener listener) {
        observers.listener(listener);
    }

    /** Ends a relation from outside with {@code last} as its final notification (RFC 7641 §4.2). */
    public boolean cancelRelation(InetSocketAddress peer, dev.tern.coap.Bytes token, Response last) {
        return observers.cancel(peer, token, last);
    }

    /** Ends every observe relation. */
    public void close() {
        observers.clear();
    }

    /** A new request from the message layer. */
    public void onRequest(Message m, InetSocketAddress peer, long entry, boolean multicast) {
        Exchange ex = new Exchange(m, peer, entry, multicast);
        if (rateLimiter.enabled()) {
            // after deduplication (a retransmission never gets here), before any work for the request
            long wait = rateLimiter.admit(peer);
            if (wait > 0) {
                respond(ex, Response.builder(Code.TOO_MANY_REQUESTS).maxAge(wait).build()); // RFC 8516 §3
                return;
            }
        }
        if (m.token().length() > config.maxTokenLength()) {
            // RFC 8974 §2.2.2: a length we do not take is 4.00, never RST (that would say "no extended tokens").
            // The reply echoes the token, so its size is the peer's choice: sent, never kept in the
            // deduplication cache (a retransmission is then dropped as a duplicate).
            respond(new Exchange(m, peer, dev.tern.coap.internal.message.DeduplicationCache.NO_ENTRY, multicast),
                    Response.of(Code.BAD_REQUEST, "token longer than " + config.maxTokenLength() + " bytes"));
            return;
        }
        Optional<Method> method = Method.of(m.code());
        if (method.isEmpty()) {
            respond(ex, Response.of(Code.METHOD_NOT_ALLOWED)); // §5.8: unknown method code
            return;
        }
        Optional<String> badCritical = OptionValidator.firstBadCriticalOption(m.options());
        if (badCritical.isPresent()) {
            // §5.4.1: a CON gets 4.02 with a diagnostic; a NON is rejected silently.
            if (m.type() == MessageType.CON) {
                respond(ex, Response.of(Code.BAD_OPTION, badCritical.get()));
            } else {
                metrics.datagramDropped(EndpointMetrics.DropReason.BAD_OPTION);
            }
            return;
        }
        if (OptionValidator.hasZeroHopLimit(m.options())) {
            respond(ex, Response.of(Code.BAD_REQUEST, "Hop-Limit 0 (RFC 8768 §3: 1..255)"));
            return;
        }
        Options options = OptionValidator.withoutBadElectiveOptions(m.options());
        if (amplification.enabled()) {
            options.echo().ifPresent(echo -> amplification.verify(peer, echo)); // RFC 9175 §2.4
        }
        Response early = check(options, m);
        if (early != null) {
            respond(ex, early);
            return;
        }
        boolean registration = false;
        // GET, or FETCH (RFC 8132 §2), which is also how OSCORE carries a registration (RFC 8613 §4.2)
        if ((method.get() == Method.GET || method.get() == Method.FETCH) && options.has(OptionNumber.OBSERVE)) {
            long observe = options.observe().orElse(-1);
            if (observe == 1) {
                observers.deregister(peer, m.token()); // RFC 7641 §3.6; then served as a plain GET
            }
            registration = observe == 0 && !multicast;
        }
        ex.mayObserve = registration;
        if (timing && --untilSample <= 0) {
            untilSample = sampling;
            ex.timed = true;
        }
        ApiAccess api = ApiAccess.get();
        Request request = api.routeRecorder(api.inbound(Request.builder(method.get()).options(options)
                        .payload(m.payload()).confirmable(m.type() == MessageType.CON).peer(peer).token(m.token()),
                scheme, identities.apply(peer), multicast, ex, ex, multicast ? ex::releaseGroupLimit : NOTHING), ex)
                .build();
        if (m.type() == MessageType.CON && separateDelayNanos == 0) {
            acknowledge(ex);
        }
        try {
            executor.execute(() -> invoke(ex, request));
        } catch (RejectedExecutionException e) {
            // Saturated: tell the client to come back later instead of queueing without bound.
            metrics.executorRejected();
            respond(ex, Response.builder(Code.SERVICE_UNAVAILABLE).maxAge(2).build());
            return;
        }
        // A handler that answered inline needs no timer; one still running gets the §5.2.2 deadline.
        if (!ex.done && !ex.acked && m.type() == MessageType.CON) {
            ex.separateTimer = scheduler.schedule(() -> acknowledge(ex), separateDelayNanos);
        }
        if (!ex.done) {
            // A handler that never completes must not hold the exchange: 5.03, a late answer is ignored.
            ex.handlerTimer = scheduler.schedule(() -> {
                if (!ex.done) {
                    LOG.warn("handler for {} from {} did not complete within {}", request, peer,
                            config.handlerTimeout());
                    respond(ex, Response.builder(Code.SERVICE_UNAVAILABLE).maxAge(2).build());
                }
            }, handlerTimeoutNanos);
        }
    }

    /** The checks that answer before any handler runs; null when the request may proceed. */
    private Response check(Options options, Message m) {
        if (OptionValidator.hasInvalidUtf8(options)) {
            return Response.of(Code.BAD_REQUEST, "Uri options are not valid UTF-8");
        }
        for (int i = 0, n = options.size(); i < n; i++) {
            if (options.get(i).number() == OptionNumber.URI_PATH && isDotSegment(options.get(i).value())) {
                return Response.of(Code.BAD_REQUEST, "dot segments are not allowed in Uri-Path");
            }
        }
        if (options.has(OptionNumber.PROXY_URI) || options.has(OptionNumber.PROXY_SCHEME)) {
            if (options.has(OptionNumber.PROXY_URI) && (options.has(OptionNumber.URI_HOST)
                    || options.has(OptionNumber.URI_PORT) || options.has(OptionNumber.URI_PATH)
                    || options.has(OptionNumber.URI_QUERY))) {
                return Response.of(Code.BAD_REQUEST, "Proxy-Uri must not be combined with Uri-* options");
            }
            if (!proxying) {
                return Response.of(Code.PROXYING_NOT_SUPPORTED);
            }
        }
        if (m.payload().length() > config.maxPayload()) {
            return Response.builder(Code.REQUEST_ENTITY_TOO_LARGE)
                    .option(dev.tern.coap.Option.ofUint(OptionNumber.SIZE1, config.maxPayload())).build();
        }
        return null;
    }

    /** "." or "..", compared on the bytes: no strings decoded for every request. */
    private static boolean isDotSegment(Bytes segment) {
        int n = segment.length();
        return (n == 1 || n == 2) && segment.get(0) == '.' && segment.get(n - 1) == '.';
    }

    private void invoke(Exchange ex, Request request) {
        if (ex.timed) {
            ex.nanos = scheduler.nanoTime(); // the start; complete() turns it into the duration
        }
        CompletableFuture<Response> future;
        try {
            future = service.handle(request);
            if (future == null) {
                future = CompletableFuture.failedFuture(new NullPointerException("service returned null"));
            }
        } catch (RuntimeException | Error e) {
            future = CompletableFuture.failedFuture(e);
        }
        if (future.isDone() && scheduler.inSchedulerThread()) {
            // Inline executor and a synchronous answer: respond now, without a task hand-off.
            Response response = null;
            Throwable failure = null;
            try {
                response = future.join();
            } catch (RuntimeException e) {
                failure = e.getCause() != null ? e.getCause() : e;
            }
            complete(ex, request, response, failure);
            return;
        }
        future.whenComplete((response, failure) -> scheduler.execute(() -> complete(ex, request, response, failure)));
    }

    private void complete(Exchange ex, Request request, Response response, Throwable failure) {
        if (ex.timed && !ex.done) {
            ex.nanos = scheduler.nanoTime() - ex.nanos;
            ex.measured = true;
        }
        Response r = response;
        if (failure != null || r == null) {
            LOG.warn("handler failed for {} from {}", request, ex.peer,
                    failure != null ? failure : new NullPointerException("handler returned null"));
            r = Response.of(Code.INTERNAL_SERVER_ERROR);
        }
        if (amplification.enabled() && !ex.multicast && !ex.done) {
            r = limitAmplification(ex.request, ex.peer, r); // before registering: no relation for a 4.01
            if (ex.observeSource != null && r.isSuccess() && !returnRoutable(ex.peer)) {
                r = echoChallenge(ex.peer); // a relation sends without end: only to a verified peer
            }
        }
        if (ex.observeSource != null && ObserveRelations.continues(request, r) && !ex.done) {
            r = observers.register(ex.peer, ex.request.token(), ex.association, request, ex.observeSource, r);
        }
        Runnable whenSent = response == null ? null : ApiAccess.get().whenSent(response);
        try {
            respond(ex, r);
        } finally {
            if (whenSent != null) {
                runWhenSent(whenSent);
            }
        }
    }

    /** Runs a response's {@code whenSent} action; what it throws is logged, never the I/O thread's problem. */
    private static void runWhenSent(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("a response's whenSent action failed", e);
        }
    }

    /**
     * Whether {@code peer} has shown it receives what is sent to its address: by an Echo round trip
     * (RFC 9175 §2.4), or by the secure session the request came over (DTLS's cookie exchange, RFC
     * 6347 §4.2.1). An observe registration from any other peer gets 4.01 with Echo and no relation
     * while the amplification guard is on: the guard weighs every notification the relation would
     * send, not only the first response (issue 15 point 4).
     */
    private boolean returnRoutable(InetSocketAddress peer) {
        return CoapUri.COAPS.equals(scheme) || amplification.isVerified(peer);
    }

    /** RFC 9175 §2.4: 4.01 Unauthorized with a fresh Echo value and no payload. */
    private Response echoChallenge(InetSocketAddress peer) {
        return Response.builder(Code.UNAUTHORIZED)
                .option(new dev.tern.coap.Option(OptionNumber.ECHO, amplification.newEcho(peer))).build();
    }

    /** Sends the empty ACK now so that the response follows separately (§5.2.2). */
    private void acknowledge(Exchange ex) {
        if (ex.done || ex.acked || ex.request.type() != MessageType.CON) {
            return;
        }
        ex.acked = true;
        messages.replyEmptyAck(ex.entry, ex.request.messageId(), ex.peer, ex.association);
    }

    /**
     * RFC 9175 §2.4: a response to an unverified peer larger than the factor times the request
     * becomes 4.01 with a fresh Echo option and no payload.
     */
    private Response limitAmplification(Message req, InetSocketAddress peer, Response r) {
        int requestSize = MessageEncoder.encodedSize(req);
        int responseSize = MessageEncoder.encodedSize(
                new Message(MessageType.ACK, r.code(), req.messageId(), req.token(), r.options(), r.payload()));
        if (amplification.allows(peer, requestSize, responseSize)) {
            return r;
        }
        return echoChallenge(peer);
    }

    private void respond(Exchange ex, Response response) {
        Response r = response;
        if (ex.done) {
            return;
        }
        ex.done = true;
        if (ex.separateTimer != null) {
            ex.separateTimer.cancel();
        }
        if (ex.handlerTimer != null) {
            ex.handlerTimer.cancel();
        }
        Message req = ex.request;
        if (amplification.enabled() && !ex.multicast) {
            r = limitAmplification(req, ex.peer, r);
        }
        metrics.requestHandled(req.code(), r.code(), ex.route, ex.measured ? ex.nanos : -1);
        if (ex.multicast && r.isSuccess()) {
            r = groupLimit.limit(req, ex.peer, r, ex.groupLimitReleased); // RFC 7252 §11.3; null: too large
        }
        if (r == null || r == dev.tern.coap.spi.LayeredRequests.noResponse() || suppressed(req.options(), r.code())
                || (ex.multicast && !r.isSuccess())) {
            // RFC 7967 No-Response, or §8.1: no error responses to multicast requests.
            if (req.type() == MessageType.CON && !ex.acked) {
                messages.replyEmptyAck(ex.entry, req.messageId(), ex.peer, ex.association);
            }
            return;
        }
        if (req.type() == MessageType.CON && !ex.acked) {
            Message ack = new Message(MessageType.ACK, r.code(), req.messageId(), req.token(), r.options(),
                    r.payload());
            messages.reply(ex.entry, ack, ex.peer, ex.association);
            return;
        }
        MessageType type = req.type() == MessageType.CON ? MessageType.CON : MessageType.NON;
        Message separate = new Message(type, r.code(), 0, req.token(), r.options(), r.payload());
        long leisure = ex.multicast ? config.multicastLeisure().toNanos() : 0;
        if (leisure > 0) {
            // §8.2: answer a group request after a random delay within the Leisure.
            long delay = ThreadLocalRandom.current().nextLong(leisure);
            scheduler.schedule(() -> messages.sendNew(separate, ex.peer, ex.association, SEPARATE_RESPONSE), delay);
        } else {
            messages.sendNew(separate, ex.peer, ex.association, SEPARATE_RESPONSE);
        }
    }

    /** RFC 7967 §2.1: bit 2 suppresses 2.xx, bit 8 4.xx, bit 16 5.xx. */
    private static boolean suppressed(Options options, Code code) {
        var mask = options.noResponse();
        if (mask.isEmpty()) {
            return false;
        }
        int bits = mask.getAsInt();
        return (code.codeClass() == 2 && (bits & 2) != 0) || (code.codeClass() == 4 && (bits & 8) != 0)
                || (code.codeClass() == 5 && (bits & 16) != 0);
    }

    private static final Runnable NOTHING = () -> { };

    private static final Retransmitter.Listener SEPARATE_RESPONSE = new Retransmitter.Listener() {
        @Override
        public void onAcknowledged(Message ack) {
        }

        @Override
        public void onReset(Message rst) {
            LOG.debug("separate response rejected with RST");
        }

        @Override
        public void onTimeout() {
            LOG.debug("separate response not acknowledged");
        }
    };

    /**
     * One request being served. It is also the request's {@link Request#acknowledge()} and
     * {@link Request#observe} actions and where the Router records the route it took, so that
     * building the request allocates no closures.
     */
    private final class Exchange implements Runnable, Predicate<dev.tern.coap.ObservableResource>,
            java.util.function.Consumer<String> {
        final Message request;
        final InetSocketAddress peer;
        /** The request's deduplication entry, where its reply is recorded. */
        final long entry;
        final boolean multicast;
        /** The security association of the request: its response goes out under it (RFC 7252 §9.1). */
        final Object association;
        Scheduler.Cancellable separateTimer;
        Scheduler.Cancellable handlerTimer;
        volatile dev.tern.coap.ObservableResource observeSource;
        /** Whether the request is an observe registration the handler may accept (RFC 7641 §4.1). */
        boolean mayObserve;
        boolean acked;
        boolean done;
        /** The Router's template for it, for {@link EndpointMetrics#requestHandled}. */
        String route = EndpointMetrics.NO_ROUTE;
        /** Whether this request is timed; when the service was called, then how long it took (measured). */
        boolean timed;
        boolean measured;
        long nanos;
        /** Set by the Router when the route opted out of the group multiplier (RFC 7252 §11.3). */
        volatile boolean groupLimitReleased;

        Exchange(Message request, InetSocketAddress peer, long entry, boolean multicast) {
            this.request = request;
            this.peer = peer;
            this.entry = entry;
            this.multicast = multicast;
            this.association = multicast ? null : messages.association(peer);
        }

        void releaseGroupLimit() {
            groupLimitReleased = true;
        }

        /** {@link Request#acknowledge()}, called by the handler on any thread. */
        @Override
        public void run() {
            if (scheduler.inSchedulerThread()) {
                acknowledge(this); // an inline handler: before its response goes out
            } else {
                scheduler.execute(() -> acknowledge(this));
            }
        }

        /** The Router's route template (a handler thread; read after the response, on the scheduler thread). */
        @Override
        public void accept(String template) {
            route = template;
        }

        /** {@link Request#observe}, called by the handler on any thread. */
        @Override
        public boolean test(dev.tern.coap.ObservableResource source) {
            if (!mayObserve || !observers.hasRoom()) {
                return false; // RFC 7641 §4.1: served as a plain GET
            }
            observeSource = source;
            return true;
        }
    }
}
