package dev.tern.coap.leshan;

import dev.tern.coap.Bytes;
import dev.tern.coap.Method;
import dev.tern.coap.Request;
import java.net.InetSocketAddress;
import java.util.List;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mObject;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.codec.LwM2mEncoder;
import org.eclipse.leshan.core.peer.IpPeer;
import org.eclipse.leshan.core.request.CancelCompositeObservationRequest;
import org.eclipse.leshan.core.request.CancelObservationRequest;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.CreateRequest;
import org.eclipse.leshan.core.request.DeleteRequest;
import org.eclipse.leshan.core.request.DiscoverRequest;
import org.eclipse.leshan.core.request.DownlinkDeviceManagementRequest;
import org.eclipse.leshan.core.request.DownlinkDeviceManagementRequestVisitor;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.ObserveCompositeRequest;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.ReadCompositeRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.WriteAttributesRequest;
import org.eclipse.leshan.core.request.WriteCompositeRequest;
import org.eclipse.leshan.core.request.WriteRequest;
import org.eclipse.leshan.server.profile.ClientProfile;

/**
 * A Leshan device management request as the CoAP request that carries it (OMA LwM2M 1.1 Transport
 * §6.3 and §6.4, table "Operation to CoAP method"): Read and Discover are GET (Discover with
 * Accept: link format, RFC 6690), Write is PUT (replace) or POST (partial update), Write-Attributes
 * PUT with the attributes as Uri-Query, Execute and Create POST, Delete DELETE, the composite
 * operations FETCH and iPATCH (RFC 8132) on the root path, Observe GET or FETCH with Observe
 * (RFC 7641), Cancel Observation the same with Observe=1 and the observation's token (§3.6).
 * Leshan's encoder writes the payload in the request's content format.
 */
final class DownlinkRequests implements DownlinkDeviceManagementRequestVisitor {
    private final ClientProfile client;
    private final LwM2mEncoder encoder;
    private final String scheme;
    private Request.Builder builder;

    private DownlinkRequests(ClientProfile client, LwM2mEncoder encoder, String scheme) {
        this.client = client;
        this.encoder = encoder;
        this.scheme = scheme;
    }

    /** The CoAP request for {@code request} to {@code client}, over {@code scheme}. */
    static Request.Builder of(ClientProfile client, DownlinkDeviceManagementRequest<?> request, LwM2mEncoder encoder,
                              String scheme) {
        DownlinkRequests visitor = new DownlinkRequests(client, encoder, scheme);
        request.accept(visitor);
        return visitor.builder;
    }

    @Override
    public void visit(ReadRequest request) {
        start(Method.GET, request.getPath());
        accept(request.getContentFormat());
    }

    @Override
    public void visit(DiscoverRequest request) {
        start(Method.GET, request.getPath());
        builder.accept(ContentFormat.LINK_CODE);
    }

    @Override
    public void visit(WriteRequest request) {
        start(request.isReplaceRequest() ? Method.PUT : Method.POST, request.getPath());
        body(request.getContentFormat(), encoder.encode(request.getNode(), request.getContentFormat(),
                client.getRootPath(), request.getPath(), client.getModel()));
    }

    @Override
    public void visit(WriteAttributesRequest request) {
        start(Method.PUT, request.getPath());
        for (String argument : request.getAttributes().toQueryParams()) {
            builder.query(argument);
        }
    }

    @Override
    public void visit(ExecuteRequest request) {
        start(Method.POST, request.getPath());
        String arguments = request.getArguments().serialize();
        if (arguments != null) {
            body(ContentFormat.TEXT, arguments.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Override
    public void visit(CreateRequest request) {
        start(Method.POST, request.getPath());
        // without an instance id the client picks one (LwM2M Transport §6.3.6)
        LwM2mNode node = request.unknownObjectInstanceId() ? new LwM2mObjectInstance(request.getResources())
                : new LwM2mObject(request.getPath().getObjectId(), request.getObjectInstances());
        body(request.getContentFormat(), encoder.encode(node, request.getContentFormat(), client.getRootPath(),
                request.getPath(), client.getModel()));
    }

    @Override
    public void visit(DeleteRequest request) {
        start(Method.DELETE, request.getPath());
    }

    @Override
    public void visit(ObserveRequest request) {
        // the endpoint sends it with CoapClient.observe, which adds Observe=0
        start(Method.GET, request.getPath());
        accept(request.getContentFormat());
    }

    @Override
    public void visit(CancelObservationRequest request) {
        start(Method.GET, request.getPath());
        accept(request.getContentFormat());
        cancelling(request.getObservation().getId().getBytes());
    }

    @Override
    public void visit(ReadCompositeRequest request) {
        composite(Method.FETCH, request.getPaths(), request.getRequestContentFormat(),
                request.getResponseContentFormat());
    }

    @Override
    public void visit(ObserveCompositeRequest request) {
        composite(Method.FETCH, request.getPaths(), request.getRequestContentFormat(),
                request.getResponseContentFormat());
    }

    @Override
    public void visit(CancelCompositeObservationRequest request) {
        composite(Method.FETCH, request.getPaths(), request.getRequestContentFormat(),
                request.getResponseContentFormat());
        cancelling(request.getObservation().getId().getBytes());
    }

    @Override
    public void visit(WriteCompositeRequest request) {
        start(Method.IPATCH, LwM2mPath.ROOTPATH);
        body(request.getContentFormat(), encoder.encodeNodes(request.getNodes(), request.getContentFormat(),
                client.getRootPath(), client.getModel()));
    }

    private void composite(Method method, List<LwM2mPath> paths, ContentFormat requestFormat,
                           ContentFormat responseFormat) {
        start(method, LwM2mPath.ROOTPATH);
        body(requestFormat, encoder.encodePaths(paths, requestFormat, client.getRootPath()));
        accept(responseFormat);
    }

    /** Observe=1 with the observation's token: deregistration (RFC 7641 §3.6). */
    private void cancelling(byte[] token) {
        builder.token(Bytes.wrap(token)).options(b -> b.observe(1));
    }

    private void start(Method method, LwM2mPath path) {
        if (!(client.getTransportData() instanceof IpPeer peer)) {
            throw new IllegalArgumentException("not an IP peer: " + client.getTransportData());
        }
        InetSocketAddress address = peer.getSocketAddress();
        String host = address.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            int zone = host.indexOf('%');
            host = "[" + (zone < 0 ? host : host.substring(0, zone)) + "]";
        }
        builder = Request.builder(method).uri(scheme + "://" + host + ":" + address.getPort()).peer(address);
        StringBuilder uriPath = new StringBuilder();
        String root = client.getRootPath();
        if (root != null) {
            for (String segment : root.split("/")) {
                if (!segment.isEmpty()) {
                    uriPath.append('/').append(segment);
                }
            }
        }
        if (path.getObjectId() != null) {
            uriPath.append('/').append(path.getObjectId());
        }
        if (path.getObjectInstanceId() != null) {
            uriPath.append('/').append(path.getObjectInstanceId());
        } else if (path.getResourceId() != null) {
            uriPath.append("/0"); // a resource of a single-instance object
        }
        if (path.getResourceId() != null) {
            uriPath.append('/').append(path.getResourceId());
        }
        if (path.getResourceInstanceId() != null) {
            uriPath.append('/').append(path.getResourceInstanceId());
        }
        if (uriPath.length() > 0) {
            builder.path(uriPath.toString());
        }
    }

    private void accept(ContentFormat format) {
        if (format != null) {
            builder.accept(format.getCode());
        }
    }

    private void body(ContentFormat format, byte[] payload) {
        builder.contentFormat(format.getCode()).payload(payload);
    }
}
