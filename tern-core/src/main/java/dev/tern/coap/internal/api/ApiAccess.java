package dev.tern.coap.internal.api;

import dev.tern.coap.ObservableResource;
import dev.tern.coap.Observation;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.lang.invoke.MethodHandles;
import java.util.function.Predicate;

/**
 * Engine access to the package-private parts of the public API. Implemented once, in
 * {@code dev.tern.coap}, and installed when {@link Request} is initialised; the instance holds no
 * state. This package is not exported by the module, so applications cannot reach it.
 */
public abstract class ApiAccess {
    private static volatile ApiAccess instance;

    /** Only {@code dev.tern.coap} implements it. */
    protected ApiAccess() {
    }

    /** Called by {@link Request}'s class initialiser; later calls are ignored. */
    public static void install(ApiAccess access) {
        synchronized (ApiAccess.class) {
            if (instance == null) {
                instance = access;
            }
        }
    }

    /** The implementation. */
    public static ApiAccess get() {
        ApiAccess a = instance;
        if (a == null) {
            try {
                MethodHandles.lookup().ensureInitialized(Request.class);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            a = instance;
        }
        return a;
    }

    /**
     * Server side: sets what the engine knows of a received request (RFC 7252 §5.8): its scheme, the
     * DTLS identity of the peer, whether it came to a multicast address (§8), the action of
     * {@link Request#acknowledge()} (§5.2.2), of {@link Request#observe(ObservableResource)} (RFC 7641
     * §4.1), and what the Router runs when a group request's route is uncapped (§11.3).
     */
    public abstract Request.Builder inbound(Request.Builder builder, String scheme, PeerIdentity identity,
                                            boolean multicast, Runnable acknowledger,
                                            Predicate<ObservableResource> observeHandler,
                                            Runnable groupLimitRelease);

    /**
     * Server side: what the {@link dev.tern.coap.Router} tells of the route that serves the request,
     * its path template (RFC 7252 §5.7.2), for the server's metrics ({@code spi.EndpointMetrics}).
     */
    public abstract Request.Builder routeRecorder(Request.Builder builder,
                                                  java.util.function.Consumer<String> recorder);

    /** Replaces the actions of {@link Request#acknowledge()} and {@link Request#observe(ObservableResource)}. */
    public abstract Request.Builder actions(Request.Builder builder, Runnable acknowledger,
                                            Predicate<ObservableResource> observeHandler);

    /** See {@link dev.tern.coap.spi.LayeredRequests#rewrite}. */
    public abstract Request rewrite(Request outer, dev.tern.coap.Method method, dev.tern.coap.Options options,
                                    dev.tern.coap.Bytes payload, PeerIdentity identity, boolean observable);

    /** See {@link dev.tern.coap.spi.LayeredRequests#rewrite}; a null handler keeps {@code outer}'s. */
    public abstract Request rewrite(Request outer, dev.tern.coap.Method method, dev.tern.coap.Options options,
                                    dev.tern.coap.Bytes payload, PeerIdentity identity,
                                    Predicate<ObservableResource> observeHandler);

    /** Marks the request an observe relation passes again for each notification (RFC 7641 §4.2). */
    public abstract Request.Builder repeated(Request.Builder builder);

    /** Whether {@code request} was marked by {@link #repeated}. */
    public abstract boolean isRepeated(Request request);

    /** Binds path template parameters, as the Router does. */
    public abstract Request.Builder pathParams(Request.Builder builder, java.util.Map<String, String> params);

    /** Sets how {@link Observation#cancel()} is carried out. */
    public abstract void canceller(Observation observation, Runnable canceller);

    /** The action a server response runs once the engine is done with it ({@code Response.Builder#whenSent}), or null. */
    public abstract Runnable whenSent(Response response);

    /** {@code response} without its {@code whenSent} action (the later blocks of a sliced body run none). */
    public abstract Response withoutWhenSent(Response response);

    /** The future that {@link Observation#deregister()} returns, completed by the engine. */
    public abstract java.util.concurrent.CompletableFuture<Response> deregistration(Observation observation);

    /** Adds an observe relation to {@code source} (RFC 7641 §4.1). */
    public abstract void addObserver(ObservableResource source, Observer observer);

    /** Removes an observe relation. */
    public abstract void removeObserver(ObservableResource source, Observer observer);

    /** One observe relation of a resource, told about its changes (RFC 7641 §4.2). */
    public interface Observer {
        /** The resource changed: notify. */
        void changed();

        /** The resource ends observation with {@code response} (an error code, RFC 7641 §4.2). */
        void terminate(Response response);
    }
}
