package dev.tern.coap.internal.observe;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageType;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import dev.tern.coap.internal.api.ApiAccess;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.message.MessageKey;
import dev.tern.coap.internal.message.Messaging;
import dev.tern.coap.internal.message.Retransmitter;
import dev.tern.coap.internal.state.IdentityText;
import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.spi.RelationListener;
import dev.tern.coap.spi.Scheduler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's observe relations (RFC 7641 §4): registration, notification, deregistration by
 * Observe=1 (§3.6), by RST (§3.6, §4.5), by a CON notification that is never acknowledged (§4.5)
 * and by an error notification (§4.2). At most one CON notification per relation is in flight.
 * While it is, a newer state is held (only the latest) and goes out in place of the next
 * retransmission, continuing the retransmission counter and timeout of the notification it replaces
 * (§4.5.2), or at once when the ACK arrives; so an observer that never answers is removed after
 * MAX_RETRANSMIT retransmissions however fast the resource changes (§4.5), and, with NON
 * notifications and a CON every {@link EndpointConfig#conNotificationInterval()}, receives at most
 * that interval plus MAX_RETRANSMIT notifications. Bounded by {@link EndpointConfig#maxObservers()}.
 * All state is on the scheduler thread, except {@link #size()}, which handler threads read.
 */
public final class ObserveRelations {
    private static final Logger LOG = LoggerFactory.getLogger(ObserveRelations.class);
    private static final long DAY_NANOS = 24L * 3600 * 1_000_000_000L;

    private final Messaging messages;
    private final Scheduler scheduler;
    private final EndpointConfig config;
    private final Service service;
    private final Executor executor;
    private final EndpointMetrics metrics;
    private final java.util.function.Function<InetSocketAddress, dev.tern.coap.PeerIdentity> identities;
    private final HashMap<Key, Relation> relations = new HashMap<>();
    private final HashMap<MessageKey, Relation> nonNotifications = new HashMap<>();
    /** Relations by security association, so that one ending finds its relations without a scan. */
    private final HashMap<Object, java.util.Set<Relation>> byAssociation = new HashMap<>();
    private volatile int size;
    /** The object-security layer (OSCORE), or null: it protects the notification a resource ends with. */
    private volatile dev.tern.coap.spi.ObjectSecurity security;
    /** Told of each relation's start and end (a cluster mirrors them), or null. */
    private volatile RelationListener listener;

    /** Creates the relation table; {@code identities} tells who a peer authenticated as (null for none). */
    public ObserveRelations(Messaging messages, Scheduler scheduler, EndpointConfig config, Service service,
                            Executor executor, EndpointMetrics metrics,
                            java.util.function.Function<InetSocketAddress, dev.tern.coap.PeerIdentity> identities) {
        this.messages = messages;
        this.identities = identities;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.config = config;
        this.service = service;
        this.executor = executor;
    }

    /** Sets the object-security layer between the engine and {@code service} (RFC 8613 §4.1.3.5). */
    public void objectSecurity(dev.tern.coap.spi.ObjectSecurity layer) {
        this.security = layer;
    }

    /** Tells {@code l} of every relation's start and end from now on (set before the transport starts). */
    public void listener(RelationListener l) {
        this.listener = l;
    }

    /**
     * Ends the relation of {@code peer}/{@code token} from outside (an operator, another cluster
     * node): {@code last}, an error response, goes out as its final notification, protected like a
     * resource's own ending (RFC 7641 §4.2), and the relation is gone. On the scheduler thread.
     */
    public boolean cancel(InetSocketAddress peer, Bytes token, Response last) {
        Relation r = relations.get(new Key(peer, token));
        if (r == null) {
            return false;
        }
        r.finish(last);
        r.end(); // a restored relation not yet bound sends nothing, but ends all the same
        return true;
    }

    /**
     * Whether {@code response}, from the service for {@code request}, registers or continues an
     * observation (RFC 7641 §4.1, §4.2): a 2.xx; for a request protected end to end (an OSCORE
     * option, RFC 8613 §4.1.3.5.2), whose outer code is 2.05 or 2.04 whatever the inner one, a
     * response that carries Observe (the layer put it there because the inner response is a
     * notification).
     */
    public static boolean continues(Request request, Response response) {
        return response.isSuccess() && (!request.options().has(dev.tern.coap.OptionNumber.OSCORE)
                || response.options().has(dev.tern.coap.OptionNumber.OBSERVE));
    }

    private record Key(InetSocketAddress peer, Bytes token) {
    }

    /** The number of relations; safe from any thread. */
    public int size() {
        return size;
    }

    /** Whether one more relation fits under the bound; safe from any thread. */
    public boolean hasRoom() {
        return size < config.maxObservers();
    }

    /**
     * Registers (or replaces) the relation of {@code peer}/{@code token} with {@code source} and
     * returns {@code first} with the Observe option (RFC 7641 §4.1); returns {@code first} unchanged
     * when the bound is reached. The notifications go out under the transport's security association
     * {@code association} of the registration (null over UDP) and end with it (RFC 7252 §9.1).
     */
    public Response register(InetSocketAddress peer, Bytes token, Object association, Request request,
                             ObservableResource source, Response first) {
        Key key = new Key(peer, token);
        Relation old = relations.remove(key);
        if (old != null) {
            old.end();
        } else if (relations.size() >= config.maxObservers()) {
            return first; // §4.1: served as a plain GET
        }
        // marked: an object-security layer decrypts it again for each notification, not as a replay
        Request replay = ApiAccess.get().repeated(ApiAccess.get().actions(request.toBuilder(), () -> { }, s -> true))
                .build();
        Relation r = new Relation(key, association, replay, source);
        r.identity = IdentityText.of(request.peerIdentity().orElse(null));
        if (old != null) {
            // §4.4: a re-registration (§3.3.1) stays in the client's relation, so its numbers go on increasing
            r.sequence = old.sequence;
        }
        relations.put(key, r);
        if (association != null) {
            byAssociation.computeIfAbsent(association, a -> new java.util.HashSet<>()).add(r);
        }
        added(r);
        return r.withObserve(first);
    }

    /** GET with Observe=1, or any other reason to forget a relation (RFC 7641 §3.6). */
    public void deregister(InetSocketAddress peer, Bytes token) {
        Relation r = relations.get(new Key(peer, token));
        if (r != null) {
            r.end();
        }
    }

    /** An RST that matched no outstanding CON: it may answer a NON notification (RFC 7641 §3.6). */
    public void onReset(MessageKey key) {
        Relation r = nonNotifications.remove(key);
        if (r != null) {
            r.end();
        }
    }

    /** Ends the relations registered under the security association {@code association} (it ended). */
    public void endAssociation(Object association) {
        java.util.Set<Relation> bound = association == null ? null : byAssociation.remove(association);
        if (bound != null) {
            for (Relation r : new ArrayList<>(bound)) {
                r.end();
            }
        }
    }

    /**
     * The relations as records for a state store (RFC 7641 §4.1), each with the last Observe number
     * it sent, so that a restored one goes on above it (§4.4). On the scheduler thread.
     */
    public java.util.List<dev.tern.coap.spi.ObserveRelationState> export() {
        java.util.List<dev.tern.coap.spi.ObserveRelationState> out = new ArrayList<>(relations.size());
        for (Relation r : relations.values()) {
            out.add(new dev.tern.coap.spi.ObserveRelationState(r.key.peer, r.identity, r.request, r.key.token,
                    (r.sequence - 1) & 0xFFFFFF));
        }
        return out;
    }

    /**
     * Takes back a relation of a previous process whose registration {@link RelationReplay} ran
     * again and that {@code source} accepted: {@code current} goes out as its next notification,
     * numbered above the last one sent before the restart (RFC 7641 §4.4); an error response ends
     * it (§4.2). A relation of a secure peer binds to that peer's next session of the same identity.
     * On the scheduler thread; ignored when the peer and token hold a relation already or the bound
     * is reached.
     */
    void registerRestored(dev.tern.coap.spi.ObserveRelationState state, Request request, ObservableResource source,
                          Response current) {
        Key key = new Key(state.peer(), state.token());
        if (relations.containsKey(key) || relations.size() >= config.maxObservers()) {
            return;
        }
        Relation r = new Relation(key, null, request, source);
        r.identity = state.identity().orElse("");
        r.unbound = !r.identity.isEmpty();
        r.sequence = (state.lastObserve() + 1) & 0xFFFFFF;
        relations.put(key, r);
        added(r);
        r.notify(current);
    }

    private void added(Relation r) {
        size = relations.size();
        metrics.observerAdded();
        ApiAccess.get().addObserver(r.source, r);
        tell(r, true);
    }

    /** Tells the listener, whose failure must not break the engine (it is the application's code). */
    private void tell(Relation r, boolean added) {
        RelationListener l = listener;
        if (l == null) {
            return;
        }
        try {
            if (added) {
                l.added(r.view());
            } else {
                l.removed(r.view());
            }
        } catch (RuntimeException e) {
            LOG.warn("relation listener failed on {}: {}", r.key.peer, e.toString());
        }
    }

    /** Ends every relation, e.g. when the server closes. */
    public void clear() {
        for (Relation r : new ArrayList<>(relations.values())) {
            r.end();
        }
    }

    private final class Relation implements ApiAccess.Observer, Retransmitter.Listener {
        final Key key;
        Object association;
        /** Who registered it ({@link IdentityText}); restored secure relations bind to a session of the same. */
        String identity = "";
        /** Restored over a secure transport and not bound to a session yet: sends nothing until it is. */
        boolean unbound;
        final Request request;
        final ObservableResource source;
        int sequence = 2;
        long notifications;
        long lastConNanos = scheduler.nanoTime();
        MessageKey conInFlight;
        /** The newest state while a CON notification is in flight (§4.5.2); null when none waits. */
        Response pending;
        MessageKey lastNon;
        boolean computing;
        boolean dirty;
        boolean ended;

        Relation(Key key, Object association, Request request, ObservableResource source) {
            this.key = key;
            this.association = association;
            this.request = request;
            this.source = source;
        }

        Response withObserve(Response r) {
            int seq = sequence;
            sequence = (sequence + 1) & 0xFFFFFF;
            return r.toBuilder().options(o -> o.observe(seq)).build();
        }

        @Override
        public void changed() {
            scheduler.execute(this::refresh);
        }

        @Override
        public void terminate(Response response) {
            scheduler.execute(() -> finish(response));
        }

        /** Sends {@code response}, an error, as the last notification (RFC 7641 §4.2), protected if need be. */
        void finish(Response response) {
            if (ended) {
                return;
            }
            Response last = security == null ? response : security.protectNotification(request, response);
            if (last == null) {
                end(); // the layer could not protect it: never sent in the clear
            } else {
                notify(last);
            }
        }

        RelationListener.Relation view() {
            return new RelationListener.Relation(key.peer, key.token, request.path(),
                    identity.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(identity));
        }

        private void refresh() {
            if (ended) {
                return;
            }
            if (computing) {
                dirty = true; // coalesce: one more run after the current one (§4.5: latest state wins)
                return;
            }
            computing = true;
            try {
                executor.execute(this::run);
            } catch (RejectedExecutionException e) {
                computing = false;
                metrics.executorRejected();
                LOG.debug("notification for {} dropped: handler executor saturated", key.peer);
            }
        }

        private void run() {
            CompletableFuture<Response> f;
            try {
                f = service.handle(request);
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((response, failure) -> scheduler.execute(() -> {
                computing = false;
                notify(failure == null && response != null ? response : Response.of(Code.INTERNAL_SERVER_ERROR));
                if (dirty) {
                    dirty = false;
                    refresh();
                }
            }));
        }

        private void notify(Response response) {
            if (ended || unbound && !bind()) {
                return;
            }
            if (!continues(request, response)) {
                // §4.2: an error response ends the observation; the relation is gone before the
                // client can see the notification (and, say, ask the server how many observe it).
                end();
                metrics.notificationSent(true);
                messages.sendNew(new Message(MessageType.CON, response.code(), 0, key.token, response.options(),
                        response.payload()), key.peer, association, Retransmitter.Listener.NONE);
                return;
            }
            if (conInFlight != null) {
                // §4.5.2: the newer state replaces the unacknowledged CON at its next retransmission
                // (replacement()), continuing its counter and timeout, or goes out when the ACK comes.
                pending = response;
                return;
            }
            send(response);
        }

        private void send(Response response) {
            Response r = withObserve(response);
            long now = scheduler.nanoTime();
            notifications++;
            boolean con = source.isConfirmable()
                    || notifications % config.conNotificationInterval() == 0 || now - lastConNanos >= DAY_NANOS;
            Message m = new Message(con ? MessageType.CON : MessageType.NON, r.code(), 0, key.token, r.options(),
                    r.payload());
            metrics.notificationSent(con);
            Message sent = messages.sendNew(m, key.peer, association, this);
            if (lastNon != null) {
                nonNotifications.remove(lastNon);
                lastNon = null;
            }
            if (con) {
                lastConNanos = now;
                conInFlight = new MessageKey(key.peer, sent.messageId());
            } else {
                lastNon = new MessageKey(key.peer, sent.messageId());
                nonNotifications.put(lastNon, this);
            }
        }

        /**
         * A restored relation belongs to the security identity that registered it (RFC 7252 §9.1):
         * it binds to the peer's current session only when that session authenticated the same
         * identity; until then its notifications are not sent (a restart loses the old session).
         */
        boolean bind() {
            Object a = messages.association(key.peer);
            if (a == null || !IdentityText.sameName(identity, identities.apply(key.peer))) {
                return false;
            }
            association = a;
            unbound = false;
            byAssociation.computeIfAbsent(a, x -> new java.util.HashSet<>()).add(this);
            return true;
        }

        void end() {
            if (ended) {
                return;
            }
            ended = true;
            pending = null;
            relations.remove(key, this);
            size = relations.size();
            metrics.observerRemoved();
            java.util.Set<Relation> bound = association == null ? null : byAssociation.get(association);
            if (bound != null && bound.remove(this) && bound.isEmpty()) {
                byAssociation.remove(association);
            }
            ApiAccess.get().removeObserver(source, this);
            if (conInFlight != null) {
                messages.cancel(conInFlight);
            }
            if (lastNon != null) {
                nonNotifications.remove(lastNon);
            }
            tell(this, false);
        }

        @Override
        public void onAcknowledged(Message ack) {
            conInFlight = null;
            if (pending != null && !ended) {
                Response newest = pending;
                pending = null;
                send(newest); // the observer is there: the held state goes out now
            }
        }

        /** §4.5.2: the held newer state goes out in place of the retransmission, as a CON. */
        @Override
        public Message replacement() {
            if (pending == null || ended) {
                return null;
            }
            Response r = withObserve(pending);
            pending = null;
            notifications++;
            lastConNanos = scheduler.nanoTime();
            metrics.notificationSent(true);
            return new Message(MessageType.CON, r.code(), 0, key.token, r.options(), r.payload());
        }

        @Override
        public void onReplaced(Message sent) {
            conInFlight = new MessageKey(key.peer, sent.messageId());
        }

        @Override
        public void onReset(Message rst) {
            conInFlight = null;
            end(); // §3.6: RST to a notification cancels
        }

        @Override
        public void onTimeout() {
            conInFlight = null;
            end(); // §4.5: the client is gone
        }
    }

}
