package dev.tern.coap.leshan;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.leshan.client.notification.NotificationManager;
import org.eclipse.leshan.client.request.DownlinkRequestReceiver;
import org.eclipse.leshan.client.resource.NotificationSender;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.link.lwm2m.attributes.LwM2mAttributeSet;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObject;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.CreateRequest;
import org.eclipse.leshan.core.request.DeleteRequest;
import org.eclipse.leshan.core.request.DiscoverRequest;
import org.eclipse.leshan.core.request.DownlinkRequest;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.WriteAttributesRequest;
import org.eclipse.leshan.core.request.WriteRequest;
import org.eclipse.leshan.core.response.CreateResponse;
import org.eclipse.leshan.core.response.DiscoverResponse;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.client.endpoint.ClientEndpointToolbox;

/**
 * The device side of LwM2M's device management interface (OMA LwM2M 1.1 Transport §6.3, §6.4) as
 * one Tern {@link Service}: each CoAP request from the LwM2M server becomes Leshan's request, handed
 * to its {@link DownlinkRequestReceiver}; the answer is encoded by Leshan's encoder. Observe
 * (RFC 7641): each relation is an {@link ObservableResource} of its own, and Leshan's
 * {@link NotificationManager} decides when to notify; the notification it hands over is what the
 * relation's next run returns. Requests from any peer other than the server get 4.03. Not served:
 * the composite operations (FETCH, iPATCH: 4.05) and bootstrap.
 */
final class ClientService implements Service {
    private final DownlinkRequestReceiver receiver;
    private final NotificationManager notifications;
    private final ClientEndpointToolbox toolbox;
    private final Supplier<LwM2mServer> server;
    /** Observe relations by peer and token. */
    private final Map<String, Relation> relations = new ConcurrentHashMap<>();

    ClientService(DownlinkRequestReceiver receiver, NotificationManager notifications, ClientEndpointToolbox toolbox,
                  Supplier<LwM2mServer> server) {
        this.receiver = receiver;
        this.notifications = notifications;
        this.toolbox = toolbox;
        this.server = server;
    }

    @Override
    public CompletableFuture<Response> handle(Request request) {
        try {
            return CompletableFuture.completedFuture(serve(request));
        } catch (RuntimeException e) { // InvalidRequestException, CodecException, a bad path
            return CompletableFuture.completedFuture(Response.of(Code.BAD_REQUEST, String.valueOf(e.getMessage())));
        }
    }

    private Response serve(Request request) {
        LwM2mServer from = server.get();
        if (from == null || !(from.getTransportData() instanceof org.eclipse.leshan.core.peer.IpPeer ip)
                || !ip.getSocketAddress().equals(request.peer())) {
            return Response.of(Code.FORBIDDEN, "not my LwM2M server");
        }
        String uri = "/" + String.join("/", request.pathSegments());
        ContentFormat accept = request.options().accept().isPresent()
                ? ContentFormat.fromCode(request.options().accept().getAsInt()) : null;
        switch (request.method()) {
            case GET:
                if (accept != null && accept.getCode() == ContentFormat.LINK_CODE) {
                    DiscoverResponse d = received(from, new DiscoverRequest(uri, request));
                    return d.isSuccess() ? Response.builder(Codes.toCoap(d.getCode()))
                            .contentFormat(ContentFormat.LINK_CODE)
                            .payload(toolbox.getLinkSerializer().serializeCoreLinkFormat(d.getObjectLinks())).build()
                            : error(d);
                }
                if (accept != null && !toolbox.getEncoder().isSupported(accept)) {
                    return Response.of(Code.NOT_ACCEPTABLE);
                }
                if (request.isObserveRegistration()) {
                    return observe(from, request, uri, accept);
                }
                ReadResponse read = received(from, new ReadRequest(accept, uri, request));
                return read.isSuccess() ? content(read.getContent(), accept, new LwM2mPath(uri)) : error(read);
            case PUT:
                if (request.payload().isEmpty()) {
                    LwM2mAttributeSet attributes;
                    try {
                        attributes = new LwM2mAttributeSet(toolbox.getAttributeParser().parseQueryParams(
                                request.query()));
                    } catch (org.eclipse.leshan.core.link.attributes.InvalidAttributeException e) {
                        return Response.of(Code.BAD_REQUEST, "bad attributes: " + e.getMessage());
                    }
                    return answer(received(from, new WriteAttributesRequest(uri, attributes, request)));
                }
                return write(from, request, uri, WriteRequest.Mode.REPLACE);
            case POST:
                LwM2mPath path = new LwM2mPath(uri);
                if (path.isResource()) {
                    String arguments = request.payload().isEmpty() ? null : request.payloadString();
                    return answer(received(from, new ExecuteRequest(uri, arguments, request)));
                }
                if (path.isObjectInstance()) {
                    return write(from, request, uri, WriteRequest.Mode.UPDATE);
                }
                return create(from, request, uri);
            case DELETE:
                return answer(received(from, new DeleteRequest(uri, request)));
            default:
                return Response.of(Code.METHOD_NOT_ALLOWED);
        }
    }

    /** RFC 7641 §3.1 through Leshan: the first answer, and a relation whose notifications Leshan paces. */
    private Response observe(LwM2mServer from, Request request, String uri, ContentFormat accept) {
        String key = request.peer() + "/" + request.token().map(Bytes::hex).orElse("");
        Relation existing = relations.get(key);
        if (existing != null && existing.latest != null) {
            return existing.latest; // a run for a notification
        }
        ObserveRequest observe = new ObserveRequest(accept, uri, request);
        ObserveResponse first = received(from, observe);
        if (!first.isSuccess()) {
            return error(first);
        }
        LwM2mPath path = new LwM2mPath(uri);
        Response answer = content(first.getContent(), accept, path);
        Relation relation = new Relation(from, observe, path);
        if (request.observe(relation.source)) {
            relations.put(key, relation);
            relation.source.onObserversChanged(() -> {
                if (relation.source.observerCount() == 0 && relations.remove(key, relation)) {
                    notifications.clear(from, observe);
                }
            });
            relation.sender = response -> {
                if (relation.source.observerCount() == 0) {
                    return false;
                }
                relation.latest = response.isSuccess() ? content(response.getContent(), accept, path)
                        : error(response);
                relation.source.changed();
                return response.isSuccess();
            };
            try {
                notifications.initRelation(from, observe, first.getContent(), relation.sender);
            } catch (org.eclipse.leshan.core.link.lwm2m.attributes.InvalidAttributesException e) {
                relations.remove(key, relation);
                relation.source.terminate(Code.INTERNAL_SERVER_ERROR);
                return Response.of(Code.INTERNAL_SERVER_ERROR, "invalid attributes: " + e.getMessage());
            }
        }
        return answer;
    }

    private Response write(LwM2mServer from, Request request, String uri, WriteRequest.Mode mode) {
        if (request.contentFormat().isEmpty()) {
            return Response.of(Code.BAD_REQUEST, "Content-Format is mandatory");
        }
        ContentFormat format = ContentFormat.fromCode(request.contentFormat().getAsInt());
        LwM2mNode node = toolbox.getDecoder().decode(request.payload().toArray(), format, null, new LwM2mPath(uri),
                toolbox.getModel());
        return answer(received(from, new WriteRequest(mode, format, uri, node, request)));
    }

    private Response create(LwM2mServer from, Request request, String uri) {
        if (request.contentFormat().isEmpty()) {
            return Response.of(Code.BAD_REQUEST, "Content-Format is mandatory");
        }
        ContentFormat format = ContentFormat.fromCode(request.contentFormat().getAsInt());
        LwM2mPath path = new LwM2mPath(uri);
        LwM2mObject object = toolbox.getDecoder().decode(request.payload().toArray(), format, null,
                new LwM2mPath(path.getObjectId()), toolbox.getModel(), LwM2mObject.class);
        CreateRequest create = object.getInstances().isEmpty()
                ? new CreateRequest(format, request, uri, new LwM2mResource[0])
                : new CreateRequest(format, request, uri,
                        object.getInstances().values().toArray(new LwM2mObjectInstance[0]));
        CreateResponse response = received(from, create);
        if (!response.isSuccess()) {
            return error(response);
        }
        return Response.builder(Code.CREATED).options(b -> {
            if (response.getLocation() != null) {
                for (String segment : response.getLocation().split("/")) {
                    if (!segment.isEmpty()) {
                        b.locationPath(segment);
                    }
                }
            }
        }).build();
    }

    private <T extends LwM2mResponse> T received(LwM2mServer from, DownlinkRequest<T> request) {
        return receiver.requestReceived(from, request).getResponse();
    }

    private Response content(LwM2mNode node, ContentFormat accept, LwM2mPath path) {
        ContentFormat format = accept != null ? accept : ContentFormat.SENML_CBOR;
        return Response.builder(Code.CONTENT).contentFormat(format.getCode())
                .payload(toolbox.getEncoder().encode(node, format, null, path, toolbox.getModel())).build();
    }

    private static Response answer(LwM2mResponse response) {
        return response.isSuccess() ? Response.of(Codes.toCoap(response.getCode())) : error(response);
    }

    private static Response error(LwM2mResponse response) {
        String message = response.getErrorMessage();
        Code code = Codes.toCoap(response.getCode());
        return message == null ? Response.of(code) : Response.of(code, message);
    }

    /**
     * Resources changed (Leshan's object tree says so): every relation on them or on a parent asks
     * Leshan's notification manager, which applies pmin/pmax and the other attributes and may
     * notify.
     */
    void resourcesChanged(LwM2mPath... paths) {
        for (Relation r : relations.values()) {
            for (LwM2mPath changed : paths) {
                if (changed.startWith(r.path) && r.sender != null) {
                    notifications.notificationTriggered(r.server, r.request, r.sender);
                    break;
                }
            }
        }
    }

    /** Instances were deleted: their relations end with 4.04 (RFC 7641 §3.2). */
    void instancesRemoved(int objectId, int... instanceIds) {
        for (Relation r : relations.values()) {
            for (int id : instanceIds) {
                if (r.path.startWith(new LwM2mPath(objectId, id))) {
                    r.source.terminate(Code.NOT_FOUND);
                    break;
                }
            }
        }
    }

    /** One observe relation: its own source, and the notification Leshan handed over last. */
    private static final class Relation {
        final ObservableResource source = ObservableResource.create();
        final LwM2mServer server;
        final ObserveRequest request;
        final LwM2mPath path;
        volatile NotificationSender sender;
        volatile Response latest;

        Relation(LwM2mServer server, ObserveRequest request, LwM2mPath path) {
            this.server = server;
            this.request = request;
            this.path = path;
        }
    }
}
