package dev.tern.coap.internal.exchange;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapException;
import dev.tern.coap.CoapMessageFormatException;
import dev.tern.coap.CoapResetException;
import dev.tern.coap.CoapTimeoutException;
import dev.tern.coap.CoapTransportException;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageType;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.internal.api.ApiAccess;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.OptionValidator;
import dev.tern.coap.internal.message.MessageKey;
import dev.tern.coap.internal.message.Messaging;
import dev.tern.coap.internal.message.Retransmitter;
import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.spi.Scheduler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The client half of the exchange layer (RFC 7252 §5): random tokens (§5.3.1), matching responses
 * by token and source endpoint (§5.3.2), piggybacked and separate responses (§5.2), NSTART
 * outstanding interactions per server (§4.7) with a queue for the rest, and timeouts that fail
 * the future with {@link CoapTimeoutException}. All state is touched on the scheduler thread only.
 */
public final class ClientExchanges {
    private final Messaging messages;
    private final Scheduler scheduler;
    private final EndpointConfig config;
    private final RandomGenerator random;
    private final HashMap<Bytes, Exchange> byToken = new HashMap<>();
    private final HashMap<InetSocketAddress, PeerQueue> peers = new HashMap<>();
    private final MulticastRequests multicast;
    private final EndpointMetrics metrics;
    /** Servers that rejected an extended token (RFC 8974 §2.2.2), bounded by maxPeers. */
    private final ShortTokenPeers shortTokenPeers;
    private int pending;

    /** Creates the client exchange layer; {@code metrics} counts timeouts and unmatched responses. */
    public ClientExchanges(Messaging messages, Scheduler scheduler, EndpointConfig config, RandomGenerator random,
                           EndpointMetrics metrics) {
        this.messages = messages;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.config = config;
        this.random = random;
        this.multicast = new MulticastRequests(messages, scheduler, config.maxMulticastResponses());
        this.shortTokenPeers = new ShortTokenPeers(config.maxPeers());
    }

    /**
     * Sends {@code request} as NON to the multicast {@code group} and completes {@code future} at
     * {@code deadline} with every response received, from any source (RFC 7252 §8.1); each is also
     * shown to {@code onEach} as it arrives.
     */
    public void startMulticast(Request request, InetSocketAddress group, Duration deadline,
                               CompletableFuture<List<Response>> future,
                               java.util.function.Consumer<Response> onEach) {
        Bytes token = admit(request, group, future);
        if (token != null) {
            multicast.start(request, token, group, deadline, future, onEach);
        }
    }

    /** Starts a request to the resolved {@code destination}; completes {@code future}. */
    public void start(Request request, InetSocketAddress destination, CompletableFuture<Response> future) {
        start(request, destination, future, null, null, null);
    }

    /**
     * Starts an observation (RFC 7641 §3.1): a GET with Observe=0 whose token stays open for
     * notifications, each handed to {@code listener} on this thread, in order.
     */
    public void observe(Request request, InetSocketAddress destination, Observation observation,
                        Consumer<Response> listener, BlockCompleter blocks) {
        observe(request, destination, observation, listener, blocks, null);
    }

    /**
     * As above, through an object-security layer's {@code secured} (OSCORE, RFC 8613 §4.1.3.5),
     * or null for none: every transmission of the registration is protected anew, every
     * response and notification verified; what does not verify is dropped.
     */
    public void observe(Request request, InetSocketAddress destination, Observation observation,
                        Consumer<Response> listener, BlockCompleter blocks,
                        dev.tern.coap.spi.SecuredObservation secured) {
        start(request.toBuilder().observe().build(), destination, observation.registered(), observation, listener,
                blocks, secured);
    }

    /**
     * The active observations as state records (RFC 7641 §3): server, registration request, token.
     * On the scheduler thread.
     */
    public List<dev.tern.coap.spi.ClientObservationState> exportObservations() {
        List<dev.tern.coap.spi.ClientObservationState> out = new ArrayList<>();
        for (Exchange ex : byToken.values()) {
            if (ex.observation != null && !ex.finished && (ex.observation.active() || ex.resumed)) {
                out.add(new dev.tern.coap.spi.ClientObservationState(ex.destination, ex.request, ex.token));
            }
        }
        return out;
    }

    /**
     * Takes back an observation a previous process held (RFC 7641 §3) without sending anything: its
     * token is open again, so the server's next notification reaches {@code listener} (and completes
     * {@link Observation#registered()}) instead of being answered with RST (§3.6). If none arrives
     * within {@link #RESUMED_REREGISTRATION}, the registration is sent again with the same token
     * (§3.3.1). False when the token is already in use or the bound is reached.
     */
    public boolean resume(dev.tern.coap.spi.ClientObservationState saved, Observation observation,
                          Consumer<Response> listener, BlockCompleter blocks) {
        if (byToken.containsKey(saved.token()) || pending + multicast.pending() >= config.maxClientExchanges()) {
            return false;
        }
        Request request = saved.request().toBuilder().observe().token(saved.token()).build();
        Exchange ex = new Exchange(request, saved.server(), saved.token(), observation.registered());
        ex.observation = new ClientObservation(scheduler, observation, listener, blocks);
        ex.resumed = true;
        ex.slotReleased = true; // it holds no NSTART slot until it transmits, and then it is established
        ApiAccess.get().canceller(observation, () -> scheduler.execute(
                () -> ex.cancelObservation(ApiAccess.get().deregistration(observation))));
        byToken.put(saved.token(), ex);
        pending++;
        ex.timeoutTimer = scheduler.schedule(ex::reregister, RESUMED_REREGISTRATION.toNanos());
        return true;
    }

    /** A resumed observation without a notification for this long registers again (RFC 7641 §3.3.1: Max-Age 60 s). */
    public static final Duration RESUMED_REREGISTRATION = Duration.ofSeconds(62);

    /** Fetches the remaining blocks of a notification that carries Block2 with M=1 (RFC 7959 §2.6). */
    @FunctionalInterface
    public interface BlockCompleter {
        /** The whole representation, starting from {@code first}. */
        CompletableFuture<Response> complete(Request request, InetSocketAddress destination, Response first);
    }

    private void start(Request request, InetSocketAddress destination, CompletableFuture<Response> future,
                       Observation observation, Consumer<Response> listener, BlockCompleter blocks) {
        start(request, destination, future, observation, listener, blocks, null);
    }

    private void start(Request request, InetSocketAddress destination, CompletableFuture<Response> future,
                       Observation observation, Consumer<Response> listener, BlockCompleter blocks,
                       dev.tern.coap.spi.SecuredObservation secured) {
        Bytes token = admit(request, destination, future);
        if (token == null) {
            return;
        }
        Exchange ex = new Exchange(request, destination, token, future);
        ex.secured = secured;
        if (observation != null) {
            ex.observation = new ClientObservation(scheduler, observation, listener, blocks);
            ApiAccess.get().canceller(observation, () -> scheduler.execute(
                    () -> ex.cancelObservation(ApiAccess.get().deregistration(observation))));
        }
        byToken.put(token, ex);
        pending++;
        if (observation == null) {
            // A caller that gives up (a block-wise download superseded by a newer notification)
            // cancels the future: free the token, the NSTART slot and the retransmissions now.
            future.whenComplete((r, e) -> {
                if (e instanceof java.util.concurrent.CancellationException) {
                    scheduler.execute(() -> ex.fail(new CoapTransportException("request cancelled")));
                }
            });
        }
        Duration timeout = request.timeout().orElse(config.requestTimeout());
        ex.timeoutTimer = scheduler.schedule(() -> ex.timedOut(new CoapTimeoutException(
                "no response from " + describe(destination) + " within " + timeout.toMillis() + " ms")),
                timeout.toNanos());
        PeerQueue q = peers.computeIfAbsent(destination, k -> new PeerQueue());
        if (q.active < config.nstart()) {
            q.active++;
            ex.transmit();
        } else {
            q.waiting.add(ex);
        }
    }

    /** CoAP ping (§4.3): an empty CON; the peer's RST (or empty ACK) completes it with the round-trip time. */
    public void ping(InetSocketAddress destination, CompletableFuture<Duration> future) {
        long start = scheduler.nanoTime();
        messages.sendNew(Message.empty(MessageType.CON, 0), destination, new Retransmitter.Listener() {
            @Override
            public void onAcknowledged(Message ack) {
                future.complete(Duration.ofNanos(scheduler.nanoTime() - start));
            }

            @Override
            public void onReset(Message rst) {
                future.complete(Duration.ofNanos(scheduler.nanoTime() - start));
            }

            @Override
            public void onTimeout() {
                future.completeExceptionally(new CoapTimeoutException("no answer to ping from " + describe(destination)));
            }
        });
    }

    /** A CON or NON response from the message layer (separate or NON response, §5.2.2, §5.2.3). */
    public void onResponse(Message m, InetSocketAddress peer, long entry) {
        if (multicast.onResponse(m, peer, entry)) {
            return;
        }
        Exchange ex = byToken.get(m.token());
        if (ex == null || !ex.destination.equals(peer)) {
            // §5.3.2: a response we did not ask for; reject a CON with RST, ignore a NON.
            metrics.datagramDropped(EndpointMetrics.DropReason.UNMATCHED);
            if (m.type() == MessageType.CON) {
                messages.replyReset(entry, m.messageId(), peer);
            }
            return;
        }
        Optional<String> bad = OptionValidator.firstBadCriticalOption(m.options());
        if (m.type() == MessageType.CON) {
            if (bad.isPresent()) {
                messages.replyReset(entry, m.messageId(), peer);
            } else {
                messages.replyEmptyAck(entry, m.messageId(), peer);
            }
        }
        if (ex.sent != null && ex.sent.type() == MessageType.CON) {
            messages.cancel(new MessageKey(peer, ex.sent.messageId())); // the response implies the ACK
        }
        ex.deliver(m, bad);
    }

    /** Fails every outstanding request, e.g. when the endpoint closes. */
    public void failAll(CoapException cause) {
        for (Exchange ex : new ArrayList<>(byToken.values())) {
            ex.fail(cause);
        }
        multicast.failAll(cause);
    }

    /**
     * Fails every request to {@code peer}, waiting or in flight, and its observations: the
     * transport cannot reach it (e.g. the DTLS handshake failed).
     */
    public void failPeer(InetSocketAddress peer, CoapException cause) {
        List<Exchange> toPeer = new ArrayList<>();
        for (Exchange ex : byToken.values()) {
            if (ex.destination.equals(peer)) {
                toPeer.add(ex);
            }
        }
        // the waiting ones first, so that failing those in flight does not transmit the next in line
        toPeer.sort((a, b) -> Boolean.compare(a.transmitted, b.transmitted));
        for (Exchange ex : toPeer) {
            ex.fail(cause);
        }
    }

    /** Requests waiting or in flight. */
    public int pending() {
        return pending;
    }

    /**
     * Admits one more request under {@code maxClientExchanges} (unicast and multicast together) and
     * picks its token: the request's own if free, else a new random one. Null, with {@code future}
     * failed, when it cannot be admitted.
     */
    private Bytes admit(Request request, InetSocketAddress destination, CompletableFuture<?> future) {
        if (pending + multicast.pending() >= config.maxClientExchanges()) {
            future.completeExceptionally(new CoapTransportException(
                    "too many outstanding requests (maxClientExchanges " + config.maxClientExchanges() + ")"));
            return null;
        }
        Bytes token = request.token().orElse(null);
        if (token == null) {
            return newToken(shortTokenPeers.contains(destination)
                    ? Math.min(config.tokenLength(), Message.SHORT_TOKEN_LENGTH) : config.tokenLength());
        }
        if (byToken.containsKey(token) || multicast.usesToken(token)) {
            future.completeExceptionally(new IllegalArgumentException("token " + token + " is already in use"));
            return null;
        }
        return token;
    }

    /** Servers remembered as taking short tokens only (RFC 8974 §2.2.2). */
    public int shortTokenPeers() {
        return shortTokenPeers.size();
    }

    private Bytes newToken(int length) {
        byte[] t = new byte[length];
        Bytes token;
        do {
            random.nextBytes(t);
            token = Bytes.of(t);
        } while (byToken.containsKey(token) || multicast.usesToken(token));
        return token;
    }

    private static String describe(InetSocketAddress a) {
        return a.getAddress() == null ? a.getHostString() + ":" + a.getPort()
                : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static final class PeerQueue {
        int active;
        final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    }

    private final class Exchange implements Retransmitter.Listener, ClientObservation.Carrier {
        /** Replaced only to carry a server's Echo value (RFC 9175 §2.4) on an observe registration. */
        Request request;
        final InetSocketAddress destination;
        final Bytes token;
        final CompletableFuture<Response> future;
        Scheduler.Cancellable timeoutTimer;
        Message sent;
        boolean transmitted;
        boolean finished;
        boolean slotReleased;
        /** Taken back from a previous process (nothing sent yet by this one). */
        boolean resumed;
        ClientObservation observation;
        /** The object-security layer's side of this observation (RFC 8613 §4.1.3.5), or null. */
        dev.tern.coap.spi.SecuredObservation secured;

        Exchange(Request request, InetSocketAddress destination, Bytes token, CompletableFuture<Response> future) {
            this.request = request;
            this.destination = destination;
            this.token = token;
            this.future = future;
        }

        void transmit() {
            transmitted = true;
            Request out = request;
            if (secured != null) {
                try {
                    out = secured.protect(request); // a new Partial IV for each (re-)registration
                } catch (CoapException e) {
                    fail(e);
                    return;
                }
            }
            if (!messages.messageIdAvailable(destination)) {
                fail(new CoapTransportException("no Message ID free for " + destination + ": its Message ID space was used"
                        + " within EXCHANGE_LIFETIME (" + config.exchangeLifetime().toSeconds() + " s), and RFC 7252"
                        + " §4.4 forbids reusing one sooner (the server would answer from its duplicate cache);"
                        + " send fewer than 65536 per EXCHANGE_LIFETIME to one server, or spread them over"
                        + " several client endpoints"));
                return;
            }
            MessageType type = out.isConfirmable() ? MessageType.CON : MessageType.NON;
            Message m = new Message(type, out.method().code(), 0, token, out.options(), out.payload());
            sent = messages.sendNew(m, destination, this);
        }

        void deliver(Message m, Optional<String> badCriticalOption) {
            deliver(m, badCriticalOption, false);
        }

        /** {@code answer}: {@code m} is the piggybacked response to {@link #sent} (§5.2.1). */
        void deliver(Message m, Optional<String> badCriticalOption, boolean answer) {
            if (badCriticalOption.isPresent()) {
                fail(new CoapMessageFormatException("response rejected: " + badCriticalOption.get()));
                return;
            }
            if (m.code().equals(dev.tern.coap.Code.BAD_REQUEST) && retryWithShortToken()) {
                return;
            }
            Response r = Response.builder(m.code()).options(m.options()).payload(m.payload()).peer(destination).build();
            if (secured != null) {
                Optional<Response> verified = secured.verify(r);
                if (verified.isEmpty()) {
                    return; // not authentic, or older than one verified before (RFC 8613 §7.4.1): dropped
                }
                r = verified.get();
            }
            if (observation != null) {
                observation.deliver(this, r, answer);
                return;
            }
            if (finish()) {
                future.complete(r);
            }
        }

        @Override
        public Request request() {
            return request;
        }

        @Override
        public void resend(Request registration) {
            request = registration;
            transmit();
        }

        @Override
        public InetSocketAddress destination() {
            return destination;
        }

        /** The first response of an observation arrived with Observe: free the NSTART slot, keep the token. */
        @Override
        public void established() {
            timeoutTimer.cancel();
            if (transmitted && !slotReleased) {
                slotReleased = true;
                releaseSlot();
            }
        }

        /** Sends the registration again (RFC 7641 §3.3.1: Max-Age ran out without a notification). */
        @Override
        public void reregister() {
            if (!finished) {
                transmit();
            }
        }

        /** §3.6; {@code reply} gets the server's answer to the deregistration, or why there was none. */
        void cancelObservation(CompletableFuture<Response> reply) {
            if (finished) {
                reply.completeExceptionally(new IllegalStateException("the observation had already ended"));
                return;
            }
            ClientObservation o = observation;
            finish();
            if (sent != null && sent.type() == MessageType.CON) {
                messages.cancel(new MessageKey(destination, sent.messageId()));
            }
            // §3.6: proactive deregistration with the same token and Observe=1.
            Request deregister = request.toBuilder().options(b -> b.observe(1)).token(token).build();
            CompletableFuture<Response> done = new CompletableFuture<>();
            done.whenComplete((resp, err) -> {
                o.end(null);
                if (err != null) {
                    reply.completeExceptionally(err);
                } else {
                    reply.complete(resp);
                }
            });
            if (secured != null) {
                try {
                    deregister = secured.protect(deregister);
                } catch (CoapException e) {
                    o.end(null); // the relation ends at the server when its next notification is refused
                    reply.completeExceptionally(e);
                    return;
                }
            }
            start(deregister, destination, done);
        }

        @Override
        public void fail(CoapException e) {
            if (finish()) {
                if (sent != null && sent.type() == MessageType.CON) {
                    messages.cancel(new MessageKey(destination, sent.messageId()));
                }
                future.completeExceptionally(e);
                if (observation != null) {
                    observation.end(e);
                }
            }
        }

        /** Fails with {@code e} and counts a client timeout, unless it has already finished. */
        void timedOut(CoapTimeoutException e) {
            if (!finished) {
                metrics.clientTimeout();
            }
            fail(e);
        }

        /** Releases the token and the NSTART slot; false if it had already finished. */
        @Override
        public boolean finish() {
            if (finished) {
                return false;
            }
            finished = true;
            timeoutTimer.cancel();
            if (observation != null) {
                observation.stopTimer();
                observation.cancelDownload();
            }
            byToken.remove(token, this);
            pending--;
            if (!slotReleased) {
                slotReleased = true;
                releaseSlot();
            }
            return true;
        }

        private void releaseSlot() {
            PeerQueue q = peers.get(destination);
            if (q != null) {
                if (transmitted) {
                    q.active--;
                    Exchange next = q.waiting.poll(); // the freed NSTART slot goes to the next in line
                    if (next != null) {
                        q.active++;
                        next.transmit();
                        return;
                    }
                } else {
                    q.waiting.remove(this); // it never held a slot
                }
                if (q.active == 0 && q.waiting.isEmpty()) {
                    peers.remove(destination);
                }
            }
        }

        @Override
        public void onAcknowledged(Message ack) {
            if (!ack.isEmpty()) {
                deliver(ack, OptionValidator.firstBadCriticalOption(ack.options()), true); // piggybacked (§5.2.1)
            }
            // An empty ACK: the response will come separately (§5.2.2); keep waiting.
        }

        /**
         * RFC 8974 §2.2.2: a server that rejected our extended token (RST, or 4.00) gets the request
         * again with an 8-byte token and is remembered. Only for tokens this layer picked: an
         * application's own token is never replaced. False when it does not apply.
         */
        private boolean retryWithShortToken() {
            if (token.length() <= Message.SHORT_TOKEN_LENGTH || request.token().isPresent()
                    || (observation != null && observation.active())) {
                return false; // an established observation's 4.00 notification ends it (RFC 7641 §3.2)
            }
            shortTokenPeers.remember(destination);
            ClientObservation o = observation;
            finish();
            if (sent != null && sent.type() == MessageType.CON) {
                messages.cancel(new MessageKey(destination, sent.messageId()));
            }
            start(request, destination, future, o == null ? null : o.handle, o == null ? null : o.listener,
                    o == null ? null : o.blocks, secured);
            return true;
        }

        @Override
        public void onReset(Message rst) {
            if (!finished && retryWithShortToken()) {
                return;
            }
            fail(new CoapResetException(describe(destination) + " rejected the request with RST"));
        }

        @Override
        public void onFailed(CoapException cause) {
            fail(cause);
        }

        @Override
        public void onTimeout() {
            timedOut(new CoapTimeoutException("no acknowledgement from " + describe(destination) + " after "
                    + (config.maxRetransmit() + 1) + " transmissions"));
        }
    }
}
