package dev.tern.coap.leshan;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapResetException;
import dev.tern.coap.CoapTimeoutException;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.endpoint.Protocol;
import org.eclipse.leshan.core.observation.ObservationIdentifier;
import org.eclipse.leshan.core.request.CancelCompositeObservationRequest;
import org.eclipse.leshan.core.request.CancelObservationRequest;
import org.eclipse.leshan.core.request.DownlinkDeviceManagementRequest;
import org.eclipse.leshan.core.request.ObserveCompositeRequest;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.exception.RequestCanceledException;
import org.eclipse.leshan.core.request.exception.RequestRejectedException;
import org.eclipse.leshan.core.request.exception.SendFailedException;
import org.eclipse.leshan.core.request.exception.TimeoutException;
import org.eclipse.leshan.core.response.ErrorCallback;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.response.ObserveCompositeResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.core.response.ResponseCallback;
import org.eclipse.leshan.server.endpoint.LwM2mServerEndpoint;
import org.eclipse.leshan.server.endpoint.ServerEndpointToolbox;
import org.eclipse.leshan.server.profile.ClientProfile;
import org.eclipse.leshan.server.request.LowerLayerConfig;

/**
 * One Leshan server endpoint on one Tern {@link dev.tern.coap.CoapServer}: device management
 * requests go to the devices from the server's own socket and DTLS sessions
 * ({@link dev.tern.coap.CoapServer#client()}), so a device behind a NAT that registered can be
 * reached (OMA LwM2M 1.1 Transport §6.4, RFC 7252 §2.1). Observations (RFC 7641) are Tern
 * observations whose token is the Leshan observation's id; their notifications reach Leshan in
 * order on one thread.
 */
final class TernServerEndpoint implements LwM2mServerEndpoint {
    private static final int TOKEN_LENGTH = 8;

    private final Protocol protocol;
    private final ServerEndpointToolbox toolbox;
    private final Notifications notifications;
    private final Executor callbacks;
    private final Supplier<CoapClient> client;
    private final Supplier<EndpointUri> uri;
    private final SecureRandom random = new SecureRandom();
    /** Tern's observations by token, while Leshan knows them. */
    private final ConcurrentHashMap<Bytes, Observation> observations = new ConcurrentHashMap<>();
    /** Requests in flight by registration id, for {@link #cancelRequests}. */
    private final ConcurrentHashMap<String, Set<CompletableFuture<?>>> ongoing = new ConcurrentHashMap<>();

    TernServerEndpoint(Protocol protocol, ServerEndpointToolbox toolbox, Notifications notifications,
                       Executor callbacks, Supplier<CoapClient> client, Supplier<EndpointUri> uri) {
        this.protocol = protocol;
        this.toolbox = toolbox;
        this.notifications = notifications;
        this.callbacks = callbacks;
        this.client = client;
        this.uri = uri;
    }

    @Override
    public Protocol getProtocol() {
        return protocol;
    }

    @Override
    public EndpointUri getURI() {
        return uri.get();
    }

    @Override
    public String getDescription() {
        return "LwM2M server endpoint on Tern, " + protocol.getUriScheme();
    }

    /** Leshan's contract: the response, or null when none came within {@code timeoutInMs}. */
    @Override
    public <T extends LwM2mResponse> T send(ClientProfile destination, DownlinkDeviceManagementRequest<T> request,
                                            LowerLayerConfig lowerLayerConfig, long timeoutInMs)
            throws InterruptedException {
        CompletableFuture<T> response = exchange(destination, request, lowerLayerConfig, timeoutInMs);
        try {
            return response.get();
        } catch (InterruptedException e) {
            response.cancel(false);
            throw e;
        } catch (ExecutionException e) {
            Exception failure = translate(e.getCause());
            if (failure instanceof TimeoutException) {
                return null;
            }
            throw failure instanceof RuntimeException r ? r : new SendFailedException(failure);
        }
    }

    @Override
    public <T extends LwM2mResponse> void send(ClientProfile destination, DownlinkDeviceManagementRequest<T> request,
                                               ResponseCallback<T> responseCallback, ErrorCallback errorCallback,
                                               LowerLayerConfig lowerLayerConfig, long timeoutInMs) {
        java.util.Objects.requireNonNull(responseCallback, "responseCallback");
        java.util.Objects.requireNonNull(errorCallback, "errorCallback");
        CompletableFuture<T> response;
        try {
            response = exchange(destination, request, lowerLayerConfig, timeoutInMs);
        } catch (RuntimeException e) {
            callbacks.execute(() -> errorCallback.onError(e));
            return;
        }
        response.whenCompleteAsync((r, failure) -> {
            if (failure != null) {
                errorCallback.onError(translate(failure));
            } else {
                responseCallback.onResponse(r);
            }
        }, callbacks);
    }

    private <T extends LwM2mResponse> CompletableFuture<T> exchange(ClientProfile destination,
                                                                    DownlinkDeviceManagementRequest<T> request,
                                                                    LowerLayerConfig lowerLayerConfig,
                                                                    long timeoutInMs) {
        Request.Builder builder = DownlinkRequests.of(destination, request, toolbox.getEncoder(),
                protocol.getUriScheme());
        if (timeoutInMs > 0) {
            builder.timeout(Duration.ofMillis(timeoutInMs));
        }
        if (lowerLayerConfig != null) {
            lowerLayerConfig.apply(builder);
        }
        CompletableFuture<T> result;
        if (request instanceof ObserveRequest || request instanceof ObserveCompositeRequest) {
            result = observe(destination, request, builder);
        } else if (request instanceof CancelObservationRequest cancel) {
            result = deregister(destination, request, builder, cancel.getObservation().getId());
        } else if (request instanceof CancelCompositeObservationRequest cancel) {
            result = deregister(destination, request, builder, cancel.getObservation().getId());
        } else {
            result = client.get().send(builder.build())
                    .thenApply(coap -> DownlinkResponses.of(destination, request, coap, toolbox.getDecoder(),
                            toolbox.getLinkParser(), null));
        }
        track(destination.getRegistrationId(), result);
        return result;
    }

    /**
     * Observe (RFC 7641 §3.1) with a token of ours, which becomes the observation's id; Leshan learns
     * of the observation before any notification can reach it.
     */
    private <T extends LwM2mResponse> CompletableFuture<T> observe(ClientProfile destination,
                                                                   DownlinkDeviceManagementRequest<T> request,
                                                                   Request.Builder builder) {
        byte[] t = new byte[TOKEN_LENGTH];
        random.nextBytes(t);
        Bytes token = Bytes.wrap(t);
        ObservationIdentifier id = new ObservationIdentifier(getURI(), t);
        AtomicBoolean first = new AtomicBoolean(true);
        String registrationId = destination.getRegistrationId();
        Observation observation = client.get().observe(builder.token(token).build(), coap -> {
            if (!first.compareAndSet(true, false)) { // the first is the registration's answer
                notifications.deliver(this, registrationId, id, coap);
            }
        });
        observation.ended().whenComplete((v, e) -> {
            if (observations.remove(token, observation)) {
                notifications.ended(registrationId, id);
            }
        });
        return observation.registered().thenApply(coap -> {
            T response = DownlinkResponses.of(destination, request, coap, toolbox.getDecoder(),
                    toolbox.getLinkParser(), id);
            org.eclipse.leshan.core.observation.Observation made = response instanceof ObserveResponse o
                    ? o.getObservation()
                    : response instanceof ObserveCompositeResponse c ? c.getObservation() : null;
            if (made != null && observation.isActive()) {
                observations.put(token, observation);
                notifications.established(this, made, destination.getRegistration());
            }
            return response;
        }).whenComplete((r, failure) -> {
            if (failure != null) {
                observation.cancel(); // Leshan could not take it: do not leave it running
            }
        });
    }

    /** Active cancellation (RFC 7641 §3.6): a GET or FETCH with Observe=1 and the observation's token. */
    private <T extends LwM2mResponse> CompletableFuture<T> deregister(ClientProfile destination,
                                                                      DownlinkDeviceManagementRequest<T> request,
                                                                      Request.Builder builder,
                                                                      ObservationIdentifier id) {
        Observation observation = observations.remove(Bytes.wrap(id.getBytes()));
        CompletableFuture<Response> coap = observation != null && observation.isActive() ? observation.deregister()
                : client.get().send(builder.build());
        return coap.thenApply(r -> DownlinkResponses.of(destination, request, r, toolbox.getDecoder(),
                toolbox.getLinkParser(), null));
    }

    /** Passive cancellation: Leshan forgot the observation; Tern deregisters it (RFC 7641 §3.6). */
    @Override
    public void cancelObservation(org.eclipse.leshan.core.observation.Observation observation) {
        Observation tern = observations.remove(Bytes.wrap(observation.getId().getBytes()));
        if (tern != null) {
            tern.cancel();
        }
    }

    /** Called for a notification whose observation Leshan no longer has. */
    void forget(ObservationIdentifier id) {
        Observation tern = observations.remove(Bytes.wrap(id.getBytes()));
        if (tern != null) {
            tern.cancel();
        }
    }

    @Override
    public void cancelRequests(String sessionID) {
        Set<CompletableFuture<?>> requests = ongoing.remove(sessionID);
        if (requests != null) {
            requests.forEach(f -> f.cancel(false));
        }
    }

    private void track(String registrationId, CompletableFuture<?> request) {
        if (registrationId == null) {
            return;
        }
        Set<CompletableFuture<?>> set = ongoing.computeIfAbsent(registrationId, k -> ConcurrentHashMap.newKeySet());
        set.add(request);
        request.whenComplete((r, e) -> {
            set.remove(request);
            ongoing.computeIfPresent(registrationId, (k, s) -> s.isEmpty() ? null : s);
        });
    }

    /** A Tern failure as the exception Leshan's callers expect. */
    static Exception translate(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof CoapTimeoutException) {
            return new TimeoutException(TimeoutException.Type.RESPONSE_TIMEOUT, cause, "%s", cause.getMessage());
        }
        if (cause instanceof CancellationException) {
            return new RequestCanceledException("request cancelled");
        }
        if (cause instanceof CoapResetException) {
            return new RequestRejectedException("the client reset the request: %s", cause.getMessage());
        }
        if (cause instanceof dev.tern.coap.CoapException) {
            return new SendFailedException(cause.getMessage(), cause);
        }
        return cause instanceof Exception e ? e : new SendFailedException(cause.getMessage(), cause);
    }
}
