package dev.tern.coap;

import dev.tern.coap.spi.ClientObservationListener;
import dev.tern.coap.spi.ClientObservationState;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link CoapClient}'s observations as told to a {@link ClientObservationListener}: each
 * observation gets its token here (so that it is known before the registration leaves), is reported
 * once it is established (RFC 7641 §3.1) and once it ends, and can be cancelled by token (§3.6).
 */
final class ClientObservations implements ClientObservationListener.Canceller {
    /** RFC 7252 §5.3.1: 8 random bytes, as the engine's own tokens. */
    private static final int TOKEN_LENGTH = 8;
    private final ClientObservationListener listener;
    private final SecureRandom random = new SecureRandom();
    private final Map<Bytes, Observation> established = new ConcurrentHashMap<>();

    ClientObservations(ClientObservationListener listener) {
        this.listener = listener;
        listener.started(this);
    }

    /** {@code request} with a token of its own if it has none. */
    Request withToken(Request request) {
        if (request.token().isPresent()) {
            return request;
        }
        byte[] t = new byte[TOKEN_LENGTH];
        random.nextBytes(t);
        return request.toBuilder().token(Bytes.of(t)).build();
    }

    /** Reports {@code observation} of {@code server}, registered with {@code request} (carrying its token). */
    void track(Request request, InetSocketAddress server, Observation observation) {
        ClientObservationState state = new ClientObservationState(server, request,
                request.token().orElseThrow());
        // the two futures complete on the I/O thread, but a callback attached after completion runs
        // on the caller's: the lock keeps "added" before "removed" and never one without the other
        observation.registered().thenAccept(first -> {
            synchronized (this) {
                if (first.options().observe().isPresent() && observation.isActive()
                        && established.putIfAbsent(state.token(), observation) == null) {
                    listener.added(state);
                }
            }
        });
        observation.ended().whenComplete((v, e) -> {
            synchronized (this) {
                if (established.remove(state.token(), observation)) {
                    listener.removed(state);
                }
            }
        });
    }

    @Override
    public CompletionStage<Boolean> cancel(Bytes token) {
        Observation o = established.get(token);
        if (o == null) {
            return CompletableFuture.completedFuture(false);
        }
        o.cancel();
        return o.ended().handle((v, e) -> true);
    }
}
