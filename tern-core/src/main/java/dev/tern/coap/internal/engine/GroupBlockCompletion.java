package dev.tern.coap.internal.engine;

import dev.tern.coap.Block;
import dev.tern.coap.Method;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Client side of a group GET or FETCH whose answers come as the first block of a larger body
 * (RFC 7959 §2.4, RFC 7252 §8.1): servers keep responses to group requests within a small multiple
 * of the request (RFC 7252 §11.3), so a link list often arrives cut to a 16..64-byte Block2 block 0.
 * As each such response arrives, the whole body is fetched again from its sender by unicast, where
 * the server's unicast rules (and its Echo round trip, RFC 9175 §2.4) apply; the collected list then
 * holds the whole body in place of the block. A follow-up that fails, or is still running
 * {@link #GRACE_MILLIS} after the deadline, leaves the block as it came.
 */
final class GroupBlockCompletion {
    /** How long after the deadline the collection waits for follow-ups still running. */
    static final long GRACE_MILLIS = 1000;

    private final Request request;
    private final BiFunction<Request, InetSocketAddress, CompletableFuture<Response>> unicast;
    private final Map<Response, CompletableFuture<Response>> followUps = new IdentityHashMap<>();

    GroupBlockCompletion(Request request, BiFunction<Request, InetSocketAddress, CompletableFuture<Response>> unicast) {
        this.request = request;
        this.unicast = unicast;
    }

    /** A response as it arrives (scheduler thread): starts its follow-up when it is a first block. */
    void onResponse(Response r) {
        Block b = r.options().block2().orElse(null);
        if (b == null || !b.more() || b.num() != 0 || !r.isSuccess() || r.peer().isEmpty()
                || (request.method() != Method.GET && request.method() != Method.FETCH)) {
            return;
        }
        InetSocketAddress peer = r.peer().get();
        Request whole = request.toBuilder().peer(peer).confirmable(true)
                .options(o -> o.remove(OptionNumber.BLOCK2)).blockSize(b.size()).build();
        CompletableFuture<Response> f;
        try {
            f = unicast.apply(whole, peer);
        } catch (RuntimeException e) {
            return;
        }
        synchronized (followUps) {
            followUps.put(r, f);
        }
    }

    /** At the deadline: the responses, first blocks replaced by the whole bodies fetched in time. */
    CompletableFuture<List<Response>> complete(List<Response> responses) {
        List<CompletableFuture<Response>> each = new ArrayList<>(responses.size());
        synchronized (followUps) {
            for (Response r : responses) {
                CompletableFuture<Response> f = followUps.get(r);
                if (f == null) {
                    each.add(CompletableFuture.completedFuture(r));
                } else {
                    each.add(f.handle((whole, failure) -> whole != null && whole.isSuccess()
                                    ? whole.toBuilder().peer(r.peer().orElseThrow()).build() : r)
                            .completeOnTimeout(r, GRACE_MILLIS, TimeUnit.MILLISECONDS));
                }
            }
        }
        return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            List<Response> out = new ArrayList<>(each.size());
            each.forEach(f -> out.add(f.join()));
            return java.util.Collections.unmodifiableList(out);
        });
    }
}
