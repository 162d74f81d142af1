package dev.tern.coap.leshan;

import dev.tern.coap.Code;
import dev.tern.coap.Response;
import java.util.List;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.link.LinkParseException;
import org.eclipse.leshan.core.link.lwm2m.LwM2mLink;
import org.eclipse.leshan.core.link.lwm2m.LwM2mLinkParser;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.TimestampedLwM2mNode;
import org.eclipse.leshan.core.node.TimestampedLwM2mNodes;
import org.eclipse.leshan.core.node.codec.CodecException;
import org.eclipse.leshan.core.node.codec.LwM2mDecoder;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.ObservationIdentifier;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.request.CancelCompositeObservationRequest;
import org.eclipse.leshan.core.request.CancelObservationRequest;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.CreateRequest;
import org.eclipse.leshan.core.request.DeleteRequest;
import org.eclipse.leshan.core.request.DiscoverRequest;
import org.eclipse.leshan.core.request.DownlinkDeviceManagementRequest;
import org.eclipse.leshan.core.request.DownlinkDeviceManagementRequestVisitor;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.LwM2mRequest;
import org.eclipse.leshan.core.request.ObserveCompositeRequest;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.ReadCompositeRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.WriteAttributesRequest;
import org.eclipse.leshan.core.request.WriteCompositeRequest;
import org.eclipse.leshan.core.request.WriteRequest;
import org.eclipse.leshan.core.request.exception.InvalidResponseException;
import org.eclipse.leshan.core.response.CancelCompositeObservationResponse;
import org.eclipse.leshan.core.response.CancelObservationResponse;
import org.eclipse.leshan.core.response.CreateResponse;
import org.eclipse.leshan.core.response.DeleteResponse;
import org.eclipse.leshan.core.response.DiscoverResponse;
import org.eclipse.leshan.core.response.ExecuteResponse;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.response.ObserveCompositeResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.core.response.ReadCompositeResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.core.response.WriteAttributesResponse;
import org.eclipse.leshan.core.response.WriteCompositeResponse;
import org.eclipse.leshan.core.response.WriteResponse;
import org.eclipse.leshan.server.profile.ClientProfile;

/**
 * The CoAP response to a device management request as Leshan's response (OMA LwM2M 1.1 Transport
 * §6.3/§6.4): an error code (4.xx/5.xx) is an error response with the diagnostic payload as its
 * message; the success code each operation expects (2.05 Content for Read, Discover and Observe,
 * 2.04 Changed for Write and Execute, 2.01 Created, 2.02 Deleted) is decoded with Leshan's
 * decoder; any other code, or a payload that does not decode, is an {@link InvalidResponseException}.
 * An Observe response that carries the Observe option (RFC 7641 §3.2) makes the observation.
 */
final class DownlinkResponses implements DownlinkDeviceManagementRequestVisitor {
    private final ClientProfile client;
    private final Response coap;
    private final LwM2mDecoder decoder;
    private final LwM2mLinkParser linkParser;
    /** The observation's id, for Observe requests; else null. */
    private final ObservationIdentifier observationId;
    private final ResponseCode code;
    private LwM2mResponse result;

    private DownlinkResponses(ClientProfile client, Response coap, LwM2mDecoder decoder, LwM2mLinkParser linkParser,
                              ObservationIdentifier observationId) {
        this.client = client;
        this.coap = coap;
        this.decoder = decoder;
        this.linkParser = linkParser;
        this.observationId = observationId;
        this.code = Codes.toLwM2m(coap.code());
    }

    /** Leshan's response to {@code request} from {@code coap}; {@code observationId} for observations. */
    @SuppressWarnings("unchecked")
    static <T extends LwM2mResponse> T of(ClientProfile client, DownlinkDeviceManagementRequest<T> request,
                                          Response coap, LwM2mDecoder decoder, LwM2mLinkParser linkParser,
                                          ObservationIdentifier observationId) {
        DownlinkResponses visitor = new DownlinkResponses(client, coap, decoder, linkParser, observationId);
        request.accept(visitor);
        return (T) visitor.result;
    }

    @Override
    public void visit(ReadRequest request) {
        if (isError()) {
            result = new ReadResponse(code, null, null, coap.payloadString(), coap);
        } else {
            expect(request, Code.CONTENT);
            result = new ReadResponse(code, null, single(request, request.getPath()), null, coap);
        }
    }

    @Override
    public void visit(DiscoverRequest request) {
        if (isError()) {
            result = new DiscoverResponse(code, null, coap.payloadString(), coap);
            return;
        }
        expect(request, Code.CONTENT);
        if (coap.contentFormat().orElse(-1) != ContentFormat.LINK_CODE) {
            throw new InvalidResponseException("Client [%s] answered %s with content format %s, not link format",
                    client.getEndpoint(), request, coap.contentFormat());
        }
        try {
            // the root path is left out of Discover answers (OMA LwM2M for Developers issue 534)
            LwM2mLink[] links = linkParser.parseLwM2mLinkFromCoreLinkFormat(coap.payload().toArray(), null);
            result = new DiscoverResponse(code, links, null, coap);
        } catch (LinkParseException e) {
            throw new InvalidResponseException(e, "Client [%s] answered %s with bad links", client.getEndpoint(),
                    request);
        }
    }

    @Override
    public void visit(WriteRequest request) {
        result = changed(request) ? new WriteResponse(code, null, coap)
                : new WriteResponse(code, coap.payloadString(), coap);
    }

    @Override
    public void visit(WriteAttributesRequest request) {
        result = changed(request) ? new WriteAttributesResponse(code, null, coap)
                : new WriteAttributesResponse(code, coap.payloadString(), coap);
    }

    @Override
    public void visit(ExecuteRequest request) {
        result = changed(request) ? new ExecuteResponse(code, null, coap)
                : new ExecuteResponse(code, coap.payloadString(), coap);
    }

    @Override
    public void visit(WriteCompositeRequest request) {
        result = changed(request) ? new WriteCompositeResponse(code, null, coap)
                : new WriteCompositeResponse(code, coap.payloadString(), coap);
    }

    @Override
    public void visit(CreateRequest request) {
        if (isError()) {
            result = new CreateResponse(code, null, coap.payloadString(), coap);
        } else {
            expect(request, Code.CREATED);
            List<String> location = coap.options().locationPath();
            result = new CreateResponse(code, location.isEmpty() ? null : String.join("/", location), null, coap);
        }
    }

    @Override
    public void visit(DeleteRequest request) {
        if (isError()) {
            result = new DeleteResponse(code, coap.payloadString(), coap);
        } else {
            expect(request, Code.DELETED);
            result = new DeleteResponse(code, null, coap);
        }
    }

    @Override
    public void visit(ObserveRequest request) {
        if (isError()) {
            result = new ObserveResponse(code, null, null, null, null, coap.payloadString(), coap);
            return;
        }
        expectContentOrChanged(request);
        SingleObservation observation = coap.options().observe().isPresent() && observationId != null
                ? new SingleObservation(observationId, client.getRegistrationId(), request.getPath(),
                        request.getContentFormat(), request.getContext(), null)
                : null;
        result = new ObserveResponse(code, null, single(request, request.getPath()), null, observation, null, coap);
    }

    @Override
    public void visit(CancelObservationRequest request) {
        if (isError()) {
            result = new CancelObservationResponse(code, null, null, null, null, coap.payloadString(), coap);
            return;
        }
        expectContentOrChanged(request);
        result = new CancelObservationResponse(code, null, single(request, request.getPath()), null, null, null, coap);
    }

    @Override
    public void visit(ReadCompositeRequest request) {
        if (isError()) {
            result = new ReadCompositeResponse(code, null, null, coap.payloadString(), coap);
        } else {
            expect(request, Code.CONTENT);
            result = new ReadCompositeResponse(code, null, nodes(request, request.getPaths()), null, coap);
        }
    }

    @Override
    public void visit(ObserveCompositeRequest request) {
        if (isError()) {
            result = new ObserveCompositeResponse(code, null, null, null, null, coap.payloadString(), coap);
            return;
        }
        expect(request, Code.CONTENT);
        CompositeObservation observation = coap.options().observe().isPresent() && observationId != null
                ? new CompositeObservation(observationId, client.getRegistrationId(), request.getPaths(),
                        request.getRequestContentFormat(), request.getResponseContentFormat(),
                        request.getContext(), null)
                : null;
        result = new ObserveCompositeResponse(code, null, nodes(request, request.getPaths()), null, observation, null,
                coap);
    }

    @Override
    public void visit(CancelCompositeObservationRequest request) {
        if (isError()) {
            result = new CancelCompositeObservationResponse(code, null, null, null, coap.payloadString(), coap);
            return;
        }
        expectContentOrChanged(request);
        try {
            result = new CancelCompositeObservationResponse(code, decoder.decodeNodes(coap.payload().toArray(),
                    format(), client.getRootPath(), request.getPaths(), client.getModel()), null, null, null, coap);
        } catch (CodecException e) {
            throw undecodable(request, e);
        }
    }

    /** Notifications of an observation (RFC 7641 §4.2) as Leshan's response, decoded the same way. */
    static ObserveResponse notification(ClientProfile client, SingleObservation observation, Response coap,
                                        LwM2mDecoder decoder) {
        ResponseCode code = Codes.toLwM2m(coap.code());
        if (!coap.code().isSuccess()) {
            return new ObserveResponse(code, null, null, null, null, coap.payloadString(), coap);
        }
        DownlinkResponses d = new DownlinkResponses(client, coap, decoder, null, null);
        List<TimestampedLwM2mNode> nodes = d.timestamped(observation.getPath());
        if (nodes.size() == 1 && !nodes.get(0).isTimestamped()) {
            return new ObserveResponse(code, nodes.get(0).getNode(), null, null, observation, null, coap);
        }
        return new ObserveResponse(code, null, null, nodes, observation, null, coap);
    }

    /** Composite notifications (LwM2M 1.1 Observe-Composite) as Leshan's response. */
    static ObserveCompositeResponse notification(ClientProfile client, CompositeObservation observation,
                                                 Response coap, LwM2mDecoder decoder) {
        ResponseCode code = Codes.toLwM2m(coap.code());
        if (!coap.code().isSuccess()) {
            return new ObserveCompositeResponse(code, null, null, null, null, coap.payloadString(), coap);
        }
        DownlinkResponses d = new DownlinkResponses(client, coap, decoder, null, null);
        TimestampedLwM2mNodes nodes;
        try {
            nodes = decoder.decodeTimestampedNodes(coap.payload().toArray(), d.format(), client.getRootPath(),
                    observation.getPaths(), client.getModel());
        } catch (CodecException e) {
            throw new InvalidResponseException(e, "undecodable notification of %s", observation);
        }
        if (nodes.getTimestamps().size() == 1 && nodes.getTimestamps().iterator().next() == null) {
            return new ObserveCompositeResponse(code, nodes.getMostRecentNodes(), null, null, observation, null, coap);
        }
        return new ObserveCompositeResponse(code, null, nodes, null, observation, null, coap);
    }

    private boolean isError() {
        return coap.code().codeClass() >= 4;
    }

    /** 2.04 is the success of Write, Execute and Write-Attributes; false for an error. */
    private boolean changed(LwM2mRequest<?> request) {
        if (isError()) {
            return false;
        }
        expect(request, Code.CHANGED);
        return true;
    }

    private void expect(LwM2mRequest<?> request, Code expected) {
        if (!coap.code().equals(expected)) {
            throw new InvalidResponseException("Client [%s] answered %s with %s, not %s", client.getEndpoint(),
                    request, coap.code(), expected);
        }
    }

    /** Observe answers are 2.05; 2.04 is accepted from clients of older LwM2M drafts. */
    private void expectContentOrChanged(LwM2mRequest<?> request) {
        if (!coap.code().equals(Code.CHANGED)) {
            expect(request, Code.CONTENT);
        }
    }

    private TimestampedLwM2mNode single(LwM2mRequest<?> request, LwM2mPath path) {
        List<TimestampedLwM2mNode> nodes;
        try {
            nodes = timestamped(path);
        } catch (InvalidResponseException e) {
            throw new InvalidResponseException(e, "Client [%s] answered %s with an undecodable payload",
                    client.getEndpoint(), request);
        }
        if (nodes.size() != 1) {
            throw new InvalidResponseException("Client [%s] answered %s with %s timestamped nodes, not 1",
                    client.getEndpoint(), request, nodes.size());
        }
        return nodes.get(0);
    }

    private List<TimestampedLwM2mNode> timestamped(LwM2mPath path) {
        try {
            return decoder.decodeTimestampedData(coap.payload().toArray(), format(), client.getRootPath(), path,
                    client.getModel());
        } catch (CodecException e) {
            throw new InvalidResponseException(e, "undecodable payload for %s", path);
        }
    }

    private TimestampedLwM2mNodes nodes(LwM2mRequest<?> request, List<LwM2mPath> paths) {
        try {
            return decoder.decodeTimestampedNodes(coap.payload().toArray(), format(), client.getRootPath(), paths,
                    client.getModel());
        } catch (CodecException e) {
            throw undecodable(request, e);
        }
    }

    private InvalidResponseException undecodable(LwM2mRequest<?> request, CodecException e) {
        return new InvalidResponseException(e, "Client [%s] answered %s with an undecodable payload",
                client.getEndpoint(), request);
    }

    private ContentFormat format() {
        return coap.contentFormat().isPresent() ? ContentFormat.fromCode(coap.contentFormat().getAsInt()) : null;
    }
}
