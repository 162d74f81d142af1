package dev.tern.coap.leshan;

import dev.tern.coap.Code;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.link.LinkParseException;
import org.eclipse.leshan.core.link.LinkParser;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.request.BindingMode;
import org.eclipse.leshan.core.request.DeregisterRequest;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.core.request.UpdateRequest;
import org.eclipse.leshan.core.request.UplinkDeviceManagementRequest;
import org.eclipse.leshan.core.request.exception.InvalidRequestException;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.response.RegisterResponse;
import org.eclipse.leshan.server.request.UplinkDeviceManagementRequestReceiver;
import org.eclipse.leshan.core.response.SendableResponse;

/**
 * The LwM2M registration interface (OMA LwM2M 1.1 Transport §6.2, over CoAP per RFC 7252 §5.8) as
 * routes of the endpoint's {@link Router}: {@code POST /rd} registers, {@code POST /rd/{id}}
 * updates, {@code DELETE /rd/{id}} deregisters. Each becomes Leshan's request, handed to its
 * {@link UplinkDeviceManagementRequestReceiver}, which authorizes it against the peer's DTLS
 * identity and answers.
 */
final class UplinkRoutes {
    /** Max-Age of the 5.03 a device gets at the registration bounds: when to try again. */
    static final long FULL_RETRY_SECONDS = 60;

    private final UplinkDeviceManagementRequestReceiver receiver;
    private final LinkParser linkParser;
    private final java.util.function.Supplier<EndpointUri> endpointUri;
    private final Executor afterResponse;
    private final RegistrationLimits limits;
    private final java.util.function.Predicate<String> registered;

    private final org.eclipse.leshan.server.endpoint.ServerEndpointToolbox toolbox;

    UplinkRoutes(UplinkDeviceManagementRequestReceiver receiver,
                 org.eclipse.leshan.server.endpoint.ServerEndpointToolbox toolbox,
                 java.util.function.Supplier<EndpointUri> endpointUri, Executor afterResponse,
                 RegistrationLimits limits, java.util.function.Predicate<String> registered) {
        this.limits = limits;
        this.registered = registered;
        this.receiver = receiver;
        this.toolbox = toolbox;
        this.linkParser = toolbox.getLinkParser();
        this.endpointUri = endpointUri;
        this.afterResponse = afterResponse;
    }

    /** The router of a LwM2M server endpoint. */
    Router router() {
        return Router.builder()
                .post("/rd", this::register, RouteOptions.create().resourceType("core.rd"))
                .post("/rd/{id}", this::update)
                .delete("/rd/{id}", this::deregister)
                .post("/dp", this::send)
                .build();
    }

    private Response register(Request request) {
        if (!request.isConfirmable()) {
            return Response.of(Code.BAD_REQUEST, "CON expected (LwM2M Transport §6.4)");
        }
        String endpoint = null;
        Long lifetime = null;
        String version = null;
        String sms = null;
        EnumSet<BindingMode> binding = null;
        Boolean queueMode = null;
        Map<String, String> extra = new HashMap<>();
        try {
            for (String argument : request.query()) {
                int eq = argument.indexOf('=');
                String name = eq < 0 ? argument : argument.substring(0, eq);
                String value = eq < 0 ? null : argument.substring(eq + 1);
                switch (name) {
                    case "ep":
                        endpoint = value == null ? "" : value;
                        break;
                    case "lt":
                        lifetime = lifetime(value);
                        break;
                    case "lwm2m":
                        version = value == null ? "" : value;
                        break;
                    case "sms":
                        sms = value == null ? "" : value;
                        break;
                    case "b":
                        binding = value == null ? EnumSet.noneOf(BindingMode.class) : BindingMode.parse(value);
                        break;
                    case "Q":
                        if (value != null) {
                            return Response.of(Code.BAD_REQUEST, "Q takes no value");
                        }
                        queueMode = true;
                        break;
                    default:
                        if (value != null) {
                            extra.put(name, value);
                        }
                }
            }
            Link[] links = linkParser.parseCoreLinkFormat(request.payload().toArray());
            RegisterRequest register = new RegisterRequest(endpoint, lifetime, version, binding, queueMode, sms, links,
                    extra, request);
            // an unauthenticated device counts against its IP address's share
            java.net.InetAddress address = request.peerIdentity().isPresent() ? null : request.peer().getAddress();
            SendableResponse<RegisterResponse> answer;
            synchronized (limits) {
                if (!registered.test(endpoint) && !limits.admits(address)) {
                    return Response.builder(Code.SERVICE_UNAVAILABLE).maxAge(FULL_RETRY_SECONDS)
                            .payload("registration limit reached").build();
                }
                answer = handOver(request, register);
                if (answer.getResponse().isSuccess()) {
                    limits.added(answer.getResponse().getRegistrationID(), address);
                }
            }
            RegisterResponse response = answer.getResponse();
            Response coap;
            if (response.getCode().getCode() == org.eclipse.leshan.core.ResponseCode.CREATED_CODE) {
                coap = Response.builder(Code.CREATED)
                        .options(b -> b.locationPath("rd").locationPath(response.getRegistrationID())).build();
            } else {
                coap = error(response);
            }
            return afterSent(coap, answer);
        } catch (LinkParseException | InvalidRequestException | IllegalArgumentException e) {
            return Response.of(Code.BAD_REQUEST, String.valueOf(e.getMessage()));
        }
    }

    private Response update(Request request) {
        String id = request.pathParam("id").orElseThrow();
        Long lifetime = null;
        String sms = null;
        EnumSet<BindingMode> binding = null;
        Map<String, String> extra = new HashMap<>();
        try {
            for (String argument : request.query()) {
                int eq = argument.indexOf('=');
                String name = eq < 0 ? argument : argument.substring(0, eq);
                String value = eq < 0 ? null : argument.substring(eq + 1);
                switch (name) {
                    case "lt":
                        lifetime = lifetime(value);
                        break;
                    case "sms":
                        sms = value == null ? "" : value;
                        break;
                    case "b":
                        binding = value == null ? EnumSet.noneOf(BindingMode.class) : BindingMode.parse(value);
                        break;
                    default:
                        if (value != null) {
                            extra.put(name, value);
                        }
                }
            }
            Link[] links = request.payload().isEmpty() ? null
                    : linkParser.parseCoreLinkFormat(request.payload().toArray());
            return answer(request, new UpdateRequest(id, lifetime, sms, binding, links, extra, request));
        } catch (LinkParseException | InvalidRequestException | IllegalArgumentException e) {
            return Response.of(Code.BAD_REQUEST, String.valueOf(e.getMessage()));
        }
    }

    private Response deregister(Request request) {
        try {
            String id = request.pathParam("id").orElseThrow();
            Response coap = answer(request, new DeregisterRequest(id, request));
            if (coap.code().equals(Code.DELETED)) {
                limits.removed(id); // now, not when Leshan's listeners run after the response
            }
            return coap;
        } catch (InvalidRequestException e) {
            return Response.of(Code.BAD_REQUEST, String.valueOf(e.getMessage()));
        }
    }

    /**
     * LwM2M 1.1 Send (Transport §6.5): {@code POST /dp} with timestamped values, from a registered
     * device (found by its identity: DTLS identity, else its address), decoded by Leshan.
     */
    private Response send(Request request) {
        IpPeer sender = Peers.of(request.peer(), request.peerIdentity());
        org.eclipse.leshan.server.profile.ClientProfile profile = toolbox.getProfileProvider()
                .getProfile(sender.getIdentity());
        if (profile == null) {
            return Response.of(Code.BAD_REQUEST, "no registration found");
        }
        if (request.contentFormat().isEmpty()) {
            return Response.of(Code.BAD_REQUEST, "Content-Format is mandatory");
        }
        org.eclipse.leshan.core.request.ContentFormat format = org.eclipse.leshan.core.request.ContentFormat
                .fromCode(request.contentFormat().getAsInt());
        if (!toolbox.getDecoder().isSupported(format)) {
            return Response.of(Code.BAD_REQUEST, "unsupported content format");
        }
        org.eclipse.leshan.core.node.TimestampedLwM2mNodes data;
        try {
            data = toolbox.getDecoder().decodeTimestampedNodes(request.payload().toArray(), format,
                    profile.getRootPath(), null, profile.getModel());
        } catch (org.eclipse.leshan.core.node.codec.CodecException e) {
            return Response.of(Code.BAD_REQUEST, "invalid payload");
        }
        SendableResponse<org.eclipse.leshan.core.response.SendResponse> answer = receiver.requestReceived(sender,
                profile, new org.eclipse.leshan.core.request.SendRequest(format, data, request), endpointUri.get());
        LwM2mResponse response = answer.getResponse();
        Response coap = response.isSuccess() ? Response.of(Codes.toCoap(response.getCode())) : error(response);
        return afterSent(coap, answer);
    }

    private <T extends LwM2mResponse> Response answer(Request request, UplinkDeviceManagementRequest<T> lwm2m) {
        SendableResponse<T> answer = handOver(request, lwm2m);
        T response = answer.getResponse();
        Response coap = response.getCode().isError() ? error(response)
                : Response.of(Codes.toCoap(response.getCode()));
        return afterSent(coap, answer);
    }

    private <T extends LwM2mResponse> SendableResponse<T> handOver(Request request,
                                                                  UplinkDeviceManagementRequest<T> lwm2m) {
        IpPeer sender = Peers.of(request.peer(), request.peerIdentity());
        return receiver.requestReceived(sender, null, lwm2m, endpointUri.get());
    }

    /**
     * {@code coap} with Leshan's "sent" callback of {@code answer} run once the response has left
     * (on the callback executor): Leshan then tells its listeners (a registration, say), which may
     * send requests to the device at once; those must not overtake the device's answer.
     */
    private Response afterSent(Response coap, SendableResponse<?> answer) {
        return coap.toBuilder().whenSent(() -> afterResponse.execute(answer::sent)).build();
    }

    private static Response error(LwM2mResponse response) {
        String message = response.getErrorMessage();
        Code code = Codes.toCoap(response.getCode());
        return message == null ? Response.of(code) : Response.of(code, message);
    }

    /** A lifetime in seconds (LwM2M Transport §6.2.1); a missing or unreadable one is a bad request. */
    private static Long lifetime(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("lt needs a value");
        }
        try {
            return Long.valueOf(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("lt is not a number: " + value, e);
        }
    }
}
