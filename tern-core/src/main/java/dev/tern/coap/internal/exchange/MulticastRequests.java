package dev.tern.coap.internal.exchange;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapException;
import dev.tern.coap.MessageType;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.OptionValidator;
import dev.tern.coap.internal.message.Messaging;
import dev.tern.coap.internal.message.Retransmitter;
import dev.tern.coap.spi.Scheduler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Client requests to a multicast group (RFC 7252 §8.1): sent once as NON, answered by any number
 * of servers from their unicast addresses. Responses are matched by token alone, whatever their
 * source (§8.1: the source of a response cannot match the group address), and collected until the
 * deadline, when the future completes with all of them in arrival order: one per source (a server
 * answers a group request once; a repeat is dropped) and at most {@code maxResponses} in all, since
 * anyone can answer a group request and, over plain coap, forge answers. Touched on the scheduler
 * thread only; owned by {@link ClientExchanges}, which offers its responses here first.
 */
final class MulticastRequests {
    private final Messaging messages;
    private final Scheduler scheduler;
    private final Map<Bytes, Collector> byToken = new HashMap<>();
    private final int maxResponses;

    MulticastRequests(Messaging messages, Scheduler scheduler, int maxResponses) {
        this.messages = messages;
        this.scheduler = scheduler;
        this.maxResponses = maxResponses;
    }

    boolean usesToken(Bytes token) {
        return byToken.containsKey(token);
    }

    int pending() {
        return byToken.size();
    }

    /** Sends {@code request} as NON to {@code group} and collects responses until {@code deadline}. */
    void start(Request request, Bytes token, InetSocketAddress group, Duration deadline,
               CompletableFuture<List<Response>> future, java.util.function.Consumer<Response> onEach) {
        Collector c = new Collector(future, onEach);
        byToken.put(token, c);
        c.timer = scheduler.schedule(() -> finish(token, c), Math.max(0, deadline.toNanos()));
        Message m = new Message(MessageType.NON, request.method().code(), 0, token, request.options(),
                request.payload());
        messages.sendNew(m, group, Retransmitter.Listener.NONE);
    }

    /**
     * A response from the message layer; true when it belongs to a multicast request (and was
     * taken), false to let unicast matching handle it.
     */
    boolean onResponse(Message m, InetSocketAddress peer, long entry) {
        Collector c = byToken.get(m.token());
        if (c == null) {
            return false;
        }
        boolean bad = OptionValidator.firstBadCriticalOption(m.options()).isPresent();
        if (m.type() == MessageType.CON) {
            if (bad) {
                messages.replyReset(entry, m.messageId(), peer);
            } else {
                messages.replyEmptyAck(entry, m.messageId(), peer);
            }
        }
        if (!bad && c.responses.size() < maxResponses && c.sources.add(peer)) {
            Response r = Response.builder(m.code()).options(m.options()).payload(m.payload()).peer(peer).build();
            c.responses.add(r);
            c.onEach.accept(r);
        }
        return true;
    }

    /** Fails every request still collecting. */
    void failAll(CoapException cause) {
        for (Collector c : new ArrayList<>(byToken.values())) {
            c.timer.cancel();
            c.future.completeExceptionally(cause);
        }
        byToken.clear();
    }

    private void finish(Bytes token, Collector c) {
        if (byToken.remove(token, c)) {
            c.future.complete(Collections.unmodifiableList(c.responses));
        }
    }

    private static final class Collector {
        final CompletableFuture<List<Response>> future;
        final List<Response> responses = new ArrayList<>();
        final java.util.Set<InetSocketAddress> sources = new java.util.HashSet<>();
        final java.util.function.Consumer<Response> onEach;
        Scheduler.Cancellable timer;

        Collector(CompletableFuture<List<Response>> future, java.util.function.Consumer<Response> onEach) {
            this.future = future;
            this.onEach = onEach;
        }
    }

}
