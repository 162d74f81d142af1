package dev.tern.coap.internal.observe;

import dev.tern.coap.ObservableResource;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import dev.tern.coap.internal.api.ApiAccess;
import dev.tern.coap.internal.state.IdentityText;
import dev.tern.coap.spi.ObserveRelationState;
import dev.tern.coap.spi.Scheduler;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores an observe relation after a restart by running its registration request (RFC 7641
 * §3.1) through the service again, as if it had just arrived from the peer under its identity: the
 * handler finds the resource and calls {@link Request#observe}, which ties the relation to the
 * resource's {@link ObservableResource} (the process that saved it is gone); its response is the
 * first notification after the restart. A resource that no longer exists answers 4.04, which ends
 * the relation with that notification (§4.2). Identities that cannot be rebuilt from their name
 * (raw public keys, certificates) are not restored: those observers register again.
 */
public final class RelationReplay {
    private static final Logger LOG = LoggerFactory.getLogger(RelationReplay.class);

    private RelationReplay() {
    }

    /** Replays {@code state} into {@code relations}; returns false when it cannot be restored. */
    public static boolean restore(ObserveRelations relations, ObserveRelationState state, String scheme,
                                  Service service, Executor executor, Scheduler scheduler) {
        String identityText = state.identity().orElse("");
        PeerIdentity identity = IdentityText.parse(identityText);
        if (!identityText.isEmpty() && identity == null) {
            LOG.debug("observe relation of {} not restored: identity {} cannot be rebuilt", state.peer(),
                    identityText.substring(0, identityText.indexOf(':')));
            return false;
        }
        ObservableResource[] source = new ObservableResource[1];
        ApiAccess api = ApiAccess.get();
        Request request = api.inbound(state.request().toBuilder(), scheme, identity, false, () -> { }, s -> {
            source[0] = s;
            return true;
        }, () -> { }).build();
        Request replay = api.actions(request.toBuilder(), () -> { }, s -> true).build();
        try {
            executor.execute(() -> {
                CompletableFuture<Response> f;
                try {
                    f = service.handle(request);
                } catch (RuntimeException e) {
                    f = CompletableFuture.failedFuture(e);
                }
                f.whenComplete((response, failure) -> scheduler.execute(() -> {
                    if (failure != null || response == null || source[0] == null) {
                        LOG.debug("observe relation of {} {} not restored: the handler did not accept it",
                                state.peer(), state.request().path());
                        return;
                    }
                    relations.registerRestored(state, replay, source[0], response);
                }));
            });
        } catch (RejectedExecutionException e) {
            return false;
        }
        return true;
    }
}
