package dev.tern.coap.leshan;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Method;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.eclipse.leshan.client.endpoint.ClientEndpointToolbox;
import org.eclipse.leshan.client.endpoint.LwM2mClientEndpoint;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.endpoint.Protocol;
import org.eclipse.leshan.core.request.BindingMode;
import org.eclipse.leshan.core.request.BootstrapRequest;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.DeregisterRequest;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.core.request.SendRequest;
import org.eclipse.leshan.core.request.UpdateRequest;
import org.eclipse.leshan.core.request.UplinkRequest;
import org.eclipse.leshan.core.request.UplinkRequestVisitor;
import org.eclipse.leshan.core.request.exception.InvalidResponseException;
import org.eclipse.leshan.core.request.exception.SendFailedException;
import org.eclipse.leshan.core.request.exception.TimeoutException;
import org.eclipse.leshan.core.response.BootstrapResponse;
import org.eclipse.leshan.core.response.DeregisterResponse;
import org.eclipse.leshan.core.response.ErrorCallback;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.response.RegisterResponse;
import org.eclipse.leshan.core.response.ResponseCallback;
import org.eclipse.leshan.core.response.SendResponse;
import org.eclipse.leshan.core.response.UpdateResponse;

/**
 * A Leshan client's endpoint on one Tern {@link CoapServer}: the registration interface's requests
 * (OMA LwM2M 1.1 Transport §6.2: Register {@code POST /rd?ep=...}, Update {@code POST} to the
 * location, Deregister {@code DELETE} of it) and Send ({@code POST /dp}, §6.5) go to the LwM2M
 * server from the same socket (and DTLS session) that serves its device management requests.
 */
final class TernClientEndpoint implements LwM2mClientEndpoint {
    private final Protocol protocol;
    private final CoapServer coap;
    private final CoapClient client;
    private final ClientEndpointToolbox toolbox;
    private final InetSocketAddress serverAddress;
    private final Executor callbacks;
    private final Duration exchangeLifetime;

    TernClientEndpoint(Protocol protocol, CoapServer coap, ClientEndpointToolbox toolbox,
                       InetSocketAddress serverAddress, Executor callbacks, Duration exchangeLifetime) {
        this.protocol = protocol;
        this.coap = coap;
        this.client = coap.client();
        this.toolbox = toolbox;
        this.serverAddress = serverAddress;
        this.callbacks = callbacks;
        this.exchangeLifetime = exchangeLifetime;
    }

    @Override
    public Protocol getProtocol() {
        return protocol;
    }

    @Override
    public EndpointUri getURI() {
        return toolbox.getUriHandler().createUri(protocol.getUriScheme(), coap.localAddress());
    }

    @Override
    public String getDescription() {
        return "LwM2M client endpoint on Tern, " + protocol.getUriScheme();
    }

    /** Tern has no session to force: the next request handshakes again if the DTLS session is gone. */
    @Override
    public void forceReconnection(LwM2mServer server, boolean resume) {
    }

    /** The lifetime less EXCHANGE_LIFETIME (RFC 7252 §4.8.2), so that an Update arrives in time; at least 30 s. */
    @Override
    public long getMaxCommunicationPeriodFor(long lifetimeInMs) {
        long floor = 30_000;
        long period = lifetimeInMs - exchangeLifetime.toMillis();
        return period >= floor ? period : Math.max(floor, lifetimeInMs / 2);
    }

    @Override
    public <T extends LwM2mResponse> T send(LwM2mServer server, UplinkRequest<T> request, long timeoutInMs)
            throws InterruptedException {
        try {
            return exchange(request, timeoutInMs).get();
        } catch (ExecutionException e) {
            Exception failure = TernServerEndpoint.translate(e.getCause());
            if (failure instanceof TimeoutException) {
                return null;
            }
            throw failure instanceof RuntimeException r ? r : new SendFailedException(failure);
        }
    }

    @Override
    public <T extends LwM2mResponse> void send(LwM2mServer server, UplinkRequest<T> request,
                                               ResponseCallback<T> responseCallback, ErrorCallback errorCallback,
                                               long timeoutInMs) {
        exchange(request, timeoutInMs).whenCompleteAsync((r, failure) -> {
            if (failure != null) {
                errorCallback.onError(TernServerEndpoint.translate(failure));
            } else {
                responseCallback.onResponse(r);
            }
        }, callbacks);
    }

    private <T extends LwM2mResponse> CompletableFuture<T> exchange(UplinkRequest<T> request, long timeoutInMs) {
        Uplink uplink = new Uplink();
        request.accept(uplink);
        Request.Builder b = uplink.builder;
        if (timeoutInMs > 0) {
            b.timeout(Duration.ofMillis(timeoutInMs));
        }
        return client.send(b.build()).thenApply(coap -> {
            @SuppressWarnings("unchecked")
            T response = (T) uplink.response(coap);
            return response;
        });
    }

    /** An uplink request as its CoAP request, and the CoAP answer as Leshan's response. */
    private final class Uplink implements UplinkRequestVisitor {
        Request.Builder builder;
        private java.util.function.Function<Response, LwM2mResponse> reader;

        private Request.Builder start(Method method, String path) {
            String host = serverAddress.getAddress().getHostAddress();
            if (host.indexOf(':') >= 0) {
                host = "[" + host + "]";
            }
            builder = Request.builder(method).uri(protocol.getUriScheme() + "://" + host + ":"
                    + serverAddress.getPort()).peer(serverAddress);
            if (!path.isEmpty() && !path.equals("/")) {
                builder.path(path.startsWith("/") ? path : "/" + path);
            }
            return builder;
        }

        @Override
        public void visit(RegisterRequest request) {
            start(Method.POST, "/rd").contentFormat(ContentFormat.LINK_CODE);
            Map<String, String> attributes = new java.util.LinkedHashMap<>(request.getAdditionalAttributes());
            List<String> query = new ArrayList<>();
            query.add("ep=" + request.getEndpointName());
            if (request.getLifetime() != null) {
                query.add("lt=" + request.getLifetime());
            }
            if (request.getSmsNumber() != null) {
                query.add("sms=" + request.getSmsNumber());
            }
            if (request.getLwVersion() != null) {
                query.add("lwm2m=" + request.getLwVersion());
            }
            EnumSet<BindingMode> binding = request.getBindingMode();
            if (binding != null) {
                query.add("b=" + BindingMode.toString(binding));
            }
            if (Boolean.TRUE.equals(request.getQueueMode())) {
                query.add("Q");
            }
            attributes.forEach((k, v) -> query.add(v == null ? k : k + "=" + v));
            query.forEach(builder::query);
            if (request.getObjectLinks() != null) {
                builder.payload(toolbox.getLinkSerializer().serializeCoreLinkFormat(request.getObjectLinks()));
            }
            reader = coap -> {
                if (!coap.code().isSuccess()) {
                    return new RegisterResponse(Codes.toLwM2m(coap.code()), null, coap.payloadString(), coap);
                }
                expect(request, coap, Code.CREATED);
                return new RegisterResponse(Codes.toLwM2m(coap.code()),
                        "/" + String.join("/", coap.options().locationPath()), null, coap);
            };
        }

        @Override
        public void visit(UpdateRequest request) {
            start(Method.POST, request.getRegistrationId());
            if (request.getLifeTimeInSec() != null) {
                builder.query("lt=" + request.getLifeTimeInSec());
            }
            if (request.getSmsNumber() != null) {
                builder.query("sms=" + request.getSmsNumber());
            }
            if (request.getBindingMode() != null) {
                builder.query("b=" + BindingMode.toString(request.getBindingMode()));
            }
            if (request.getObjectLinks() != null) {
                builder.contentFormat(ContentFormat.LINK_CODE)
                        .payload(toolbox.getLinkSerializer().serializeCoreLinkFormat(request.getObjectLinks()));
            }
            reader = coap -> coap.code().isSuccess() ? success(request, coap, Code.CHANGED, UpdateResponse.success())
                    : new UpdateResponse(Codes.toLwM2m(coap.code()), coap.payloadString());
        }

        @Override
        public void visit(DeregisterRequest request) {
            start(Method.DELETE, request.getRegistrationId());
            reader = coap -> coap.code().isSuccess()
                    ? success(request, coap, Code.DELETED, DeregisterResponse.success())
                    : new DeregisterResponse(Codes.toLwM2m(coap.code()), coap.payloadString());
        }

        @Override
        public void visit(SendRequest request) {
            start(Method.POST, "/dp").contentFormat(request.getFormat().getCode())
                    .payload(toolbox.getEncoder().encodeTimestampedNodes(request.getTimestampedNodes(),
                            request.getFormat(), null, toolbox.getModel()));
            reader = coap -> coap.code().isSuccess() ? success(request, coap, Code.CHANGED, SendResponse.success())
                    : new SendResponse(Codes.toLwM2m(coap.code()), coap.payloadString());
        }

        @Override
        public void visit(BootstrapRequest request) {
            start(Method.POST, "/bs").query("ep=" + request.getEndpointName());
            reader = coap -> coap.code().isSuccess()
                    ? success(request, coap, Code.CHANGED, BootstrapResponse.success())
                    : new BootstrapResponse(Codes.toLwM2m(coap.code()), coap.payloadString());
        }

        LwM2mResponse response(Response coap) {
            return reader.apply(coap);
        }

        private LwM2mResponse success(UplinkRequest<?> request, Response coap, Code expected, LwM2mResponse ok) {
            expect(request, coap, expected);
            return ok;
        }

        private void expect(UplinkRequest<?> request, Response coap, Code expected) {
            if (!coap.code().equals(expected)) {
                throw new InvalidResponseException("Server answered %s with %s, not %s", request, coap.code(),
                        expected);
            }
        }
    }
}
