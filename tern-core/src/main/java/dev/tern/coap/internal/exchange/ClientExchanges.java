package dev.tern.coap.internal.exchange;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapException;
import dev.tern.coap.CoapMessageFormatException;
import dev.tern.coap.CoapResetException;
import dev.tern.coap.CoapTimeoutException;
import dev.tern.coap.CoapTransportException;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageType;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.OptionValidator;
import dev.tern.coap.internal.message.DeduplicationCache;
import dev.tern.coap.internal.message.MessageKey;
import dev.tern.coap.internal.message.MessageLayer;
import dev.tern.coap.internal.message.Retransmitter;
import dev.tern.coap.spi.Scheduler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * The client half of the exchange layer (RFC 7252 §5): random tokens (§5.3.1), matching responses
 * by token and source endpoint (§5.3.2), piggybacked and separate responses (§5.2), NSTART
 * outstanding interactions per server (§4.7) with a queue for the rest, and timeouts that fail
 * the future with {@link CoapTimeoutException}. All state is touched on the scheduler thread only.
 */
public final class ClientExchanges {
    private final MessageLayer messages;
    private final Scheduler scheduler;
    private final EndpointConfig config;
    private final RandomGenerator random;
    private final HashMap<Bytes, Exchange> byToken = new HashMap<>();
    private final HashMap<InetSocketAddress, PeerQueue> peers = new HashMap<>();
    private final MulticastRequests multicast;
    private int pending;

    /** Creates the client exchange layer. */
    public ClientExchanges(MessageLayer messages, Scheduler scheduler, EndpointConfig config, RandomGenerator random) {
        this.messages = messages;
        this.scheduler = scheduler;
        this.config = config;
        this.random = random;
        this.multicast = new MulticastRequests(messages, scheduler);
    }

    /**
     * Sends {@code request} as NON to the multicast {@code group} and completes {@code future} at
     * {@code deadline} with every response received, from any source (RFC 7252 §8.1).
     */
    public void startMulticast(Request request, InetSocketAddress group, Duration deadline,
                               CompletableFuture<List<Response>> future) {
        if (pending + multicast.pending() >= config.maxClientExchanges()) {
            future.completeExceptionally(new CoapTransportException(
                    "too many outstanding requests (maxClientExchanges " + config.maxClientExchanges() + ")"));
            return;
        }
        Bytes token = request.token().orElse(null);
        if (token == null) {
            token = newToken();
        } else if (byToken.containsKey(token) || multicast.usesToken(token)) {
            future.completeExceptionally(new IllegalArgumentException("token " + token + " is already in use"));
            return;
        }
        multicast.start(request, token, group, deadline, future);
    }

    /** Starts a request to the resolved {@code destination}; completes {@code future}. */
    public void start(Request request, InetSocketAddress destination, CompletableFuture<Response> future) {
        if (pending >= config.maxClientExchanges()) {
            future.completeExceptionally(new CoapTransportException(
                    "too many outstanding requests (maxClientExchanges " + config.maxClientExchanges() + ")"));
            return;
        }
        Bytes token = request.token().orElse(null);
        if (token == null) {
            token = newToken();
        } else if (byToken.containsKey(token) || multicast.usesToken(token)) {
            future.completeExceptionally(new IllegalArgumentException("token " + token + " is already in use"));
            return;
        }
        Exchange ex = new Exchange(request, destination, token, future);
        byToken.put(token, ex);
        pending++;
        Duration timeout = request.timeout().orElse(config.requestTimeout());
        ex.timeoutTimer = scheduler.schedule(() -> ex.fail(new CoapTimeoutException(
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
    public void onResponse(Message m, InetSocketAddress peer, DeduplicationCache.Entry entry) {
        if (multicast.onResponse(m, peer, entry)) {
            return;
        }
        Exchange ex = byToken.get(m.token());
        if (ex == null || !ex.destination.equals(peer)) {
            // §5.3.2: a response we did not ask for; reject a CON with RST, ignore a NON.
            if (m.type() == MessageType.CON) {
                entry.reply(messages.sendReset(m.messageId(), peer));
            }
            return;
        }
        Optional<String> bad = OptionValidator.firstBadCriticalOption(m.options());
        if (m.type() == MessageType.CON) {
            entry.reply(bad.isPresent() ? messages.sendReset(m.messageId(), peer)
                    : messages.sendEmptyAck(m.messageId(), peer));
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

    /** Requests waiting or in flight. */
    public int pending() {
        return pending;
    }

    private Bytes newToken() {
        byte[] t = new byte[config.tokenLength()];
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

    private final class Exchange implements Retransmitter.Listener {
        final Request request;
        final InetSocketAddress destination;
        final Bytes token;
        final CompletableFuture<Response> future;
        Scheduler.Cancellable timeoutTimer;
        Message sent;
        boolean transmitted;
        boolean finished;

        Exchange(Request request, InetSocketAddress destination, Bytes token, CompletableFuture<Response> future) {
            this.request = request;
            this.destination = destination;
            this.token = token;
            this.future = future;
        }

        void transmit() {
            transmitted = true;
            MessageType type = request.isConfirmable() ? MessageType.CON : MessageType.NON;
            Message m = new Message(type, request.method().code(), 0, token, request.options(), request.payload());
            sent = messages.sendNew(m, destination, this);
        }

        void deliver(Message m, Optional<String> badCriticalOption) {
            if (badCriticalOption.isPresent()) {
                fail(new CoapMessageFormatException("response rejected: " + badCriticalOption.get()));
                return;
            }
            Response r = Response.builder(m.code()).options(m.options()).payload(m.payload()).peer(destination).build();
            if (finish()) {
                future.complete(r);
            }
        }

        void fail(CoapException e) {
            if (finish()) {
                if (sent != null && sent.type() == MessageType.CON) {
                    messages.cancel(new MessageKey(destination, sent.messageId()));
                }
                future.completeExceptionally(e);
            }
        }

        /** Releases the token and the NSTART slot; false if it had already finished. */
        private boolean finish() {
            if (finished) {
                return false;
            }
            finished = true;
            timeoutTimer.cancel();
            byToken.remove(token, this);
            pending--;
            PeerQueue q = peers.get(destination);
            if (q != null) {
                if (transmitted) {
                    q.active--;
                } else {
                    q.waiting.remove(this);
                }
                Exchange next = q.waiting.poll();
                if (next != null) {
                    q.active++;
                    next.transmit();
                } else if (q.active == 0) {
                    peers.remove(destination);
                }
            }
            return true;
        }

        @Override
        public void onAcknowledged(Message ack) {
            if (!ack.isEmpty()) {
                deliver(ack, OptionValidator.firstBadCriticalOption(ack.options())); // piggybacked (§5.2.1)
            }
            // An empty ACK: the response will come separately (§5.2.2); keep waiting.
        }

        @Override
        public void onReset(Message rst) {
            fail(new CoapResetException(describe(destination) + " rejected the request with RST"));
        }

        @Override
        public void onTimeout() {
            fail(new CoapTimeoutException("no acknowledgement from " + describe(destination) + " after "
                    + (config.maxRetransmit() + 1) + " transmissions"));
        }
    }
}
