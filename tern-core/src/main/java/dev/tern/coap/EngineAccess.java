package dev.tern.coap;

import dev.tern.coap.internal.api.ApiAccess;
import java.util.Map;
import java.util.function.Predicate;

/** The engine's access to package-private parts of this package; see {@link ApiAccess}. */
final class EngineAccess extends ApiAccess {
    @Override
    public Request.Builder inbound(Request.Builder builder, String scheme, PeerIdentity identity, boolean multicast,
                                   Runnable acknowledger, Predicate<ObservableResource> observeHandler,
                                   Runnable groupLimitRelease) {
        return builder.scheme(scheme).peerIdentity(identity).multicast(multicast).acknowledger(acknowledger)
                .observeHandler(observeHandler).groupLimitRelease(groupLimitRelease);
    }

    @Override
    public Request.Builder routeRecorder(Request.Builder builder, java.util.function.Consumer<String> recorder) {
        return builder.routeRecorder(recorder);
    }

    @Override
    public Request.Builder actions(Request.Builder builder, Runnable acknowledger,
                                   Predicate<ObservableResource> observeHandler) {
        return builder.acknowledger(acknowledger).observeHandler(observeHandler);
    }

    @Override
    public Request rewrite(Request outer, Method method, Options options, Bytes payload, PeerIdentity identity,
                           boolean observable) {
        return outer.rewritten(method, options, payload, identity, observable);
    }

    @Override
    public Request rewrite(Request outer, Method method, Options options, Bytes payload, PeerIdentity identity,
                           Predicate<ObservableResource> observeHandler) {
        return outer.rewritten(method, options, payload, identity, observeHandler);
    }

    @Override
    public Request.Builder repeated(Request.Builder builder) {
        return builder.repeated();
    }

    @Override
    public boolean isRepeated(Request request) {
        return request.isRepeated();
    }

    @Override
    public Request.Builder pathParams(Request.Builder builder, Map<String, String> params) {
        return builder.pathParams(params);
    }

    @Override
    public void canceller(Observation observation, Runnable canceller) {
        observation.canceller(canceller);
    }

    @Override
    public Runnable whenSent(Response response) {
        return response.whenSent;
    }

    @Override
    public Response withoutWhenSent(Response response) {
        if (response.whenSent == null) {
            return response;
        }
        Response.Builder b = response.toBuilder();
        b.whenSent = null;
        return b.build();
    }

    @Override
    public java.util.concurrent.CompletableFuture<Response> deregistration(Observation observation) {
        return observation.deregistration();
    }

    @Override
    public void addObserver(ObservableResource source, Observer observer) {
        source.addObserver(observer);
    }

    @Override
    public void removeObserver(ObservableResource source, Observer observer) {
        source.removeObserver(observer);
    }
}
