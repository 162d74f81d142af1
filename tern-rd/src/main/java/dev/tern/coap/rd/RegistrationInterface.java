package dev.tern.coap.rd;

import dev.tern.coap.Code;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapTimeoutException;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Link;
import dev.tern.coap.LinkFormat;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The registration interface (RFC 9176 §5): registration, simple registration (§5.1) and the
 * operations on a registration resource (§5.3), with the payload and link bounds.
 */
final class RegistrationInterface {
    private final RegistrationStore store;
    private final ResourceDirectory.Limits limits;
    private final Supplier<CoapClient> client;
    private final Set<String> fetching = new HashSet<>();

    RegistrationInterface(RegistrationStore store, ResourceDirectory.Limits limits, Supplier<CoapClient> client) {
        this.store = store;
        this.limits = limits;
        this.client = client;
    }

    /** POST to the registration resource (RFC 9176 §5): 2.01 with the new resource's Location-Path. */
    Response register(Request request) {
        List<Link> links = links(request.payloadString(), request.payload().length());
        RegistrationParams p = RegistrationParams.parse(request, links, limits.maxLifetimeSeconds(), true);
        RegistrationStore.Outcome o = store.register(p, request.peerIdentity().orElse(null), peerKey(request));
        return Response.builder(Code.CREATED).locationPath(o.registration().path()).build();
    }

    /** POST to a registration resource: the registration update (RFC 9176 §5.3.1), 2.04. */
    Response update(Request request) {
        if (!request.payload().isEmpty()) {
            throw new RdError(Code.BAD_REQUEST, "an update has no payload; register again to change links");
        }
        RegistrationParams.Update u = RegistrationParams.parseUpdate(request, limits.maxLifetimeSeconds());
        store.update(id(request), request.peerIdentity().orElse(null), u.lifetime(), u.base(), u.attributes());
        return Response.of(Code.CHANGED);
    }

    /** GET on a registration resource (RFC 9176 §5.3.3): its links as registered. */
    Response read(Request request) {
        Registration r = store.get(id(request)).orElseThrow(() -> new RdError(Code.NOT_FOUND, "no such registration"));
        if (r.identity != null && !RegistrationStore.sameIdentity(r.identity, request.peerIdentity().orElse(null))) {
            throw new RdError(Code.UNAUTHORIZED, "registration of another identity");
        }
        return Response.builder(Code.CONTENT).contentFormat(ContentFormat.LINK_FORMAT)
                .payload(LinkFormat.format(r.links)).build();
    }

    /** DELETE on a registration resource: removal (RFC 9176 §5.3.2), 2.02. */
    Response remove(Request request) {
        store.remove(id(request), request.peerIdentity().orElse(null));
        return Response.of(Code.DELETED);
    }

    /**
     * Simple registration (RFC 9176 §5.1): an empty POST to {@code /.well-known/rd}; the directory
     * fetches the registrant's {@code /.well-known/core} from the request's source, registers the
     * links with that source as base, and answers 2.04 (5.04 when the registrant does not answer,
     * 5.02 when its answer is not usable). At most one fetch per source address, and
     * {@code maxSimpleRegistrationFetches} in all: 5.03 beyond.
     */
    CompletableFuture<Response> simpleRegister(Request request) {
        RegistrationParams probe = RegistrationParams.parse(request, List.of(), limits.maxLifetimeSeconds(), false);
        String source = request.peer().getAddress().getHostAddress();
        synchronized (fetching) {
            if (fetching.size() >= limits.maxSimpleRegistrationFetches() || !fetching.add(source)) {
                return CompletableFuture.completedFuture(
                        Response.of(Code.SERVICE_UNAVAILABLE, "too many simple registrations under way"));
            }
        }
        request.acknowledge();
        CompletableFuture<Response> fetched;
        try {
            fetched = client.get().send(Request.get(probe.base() + LinkFormat.WELL_KNOWN_CORE)
                    .timeout(limits.fetchTimeout()).build());
        } catch (RuntimeException e) {
            fetched = CompletableFuture.failedFuture(e);
        }
        return fetched.handle((response, failure) -> {
            synchronized (fetching) {
                fetching.remove(source);
            }
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                return Response.of(cause instanceof CoapTimeoutException ? Code.GATEWAY_TIMEOUT : Code.BAD_GATEWAY,
                        "could not fetch /.well-known/core");
            }
            if (!response.code().equals(Code.CONTENT)) {
                return Response.of(Code.BAD_GATEWAY, "/.well-known/core answered " + response.code());
            }
            try {
                List<Link> links = links(response.payloadString(), response.payload().length());
                RegistrationParams p = new RegistrationParams(probe.ep(), probe.sector(), probe.lifetime(),
                        probe.base(), probe.attributes(), links);
                store.register(p, request.peerIdentity().orElse(null), peerKey(request));
                return Response.of(Code.CHANGED);
            } catch (RdError e) {
                return e.code().equals(Code.REQUEST_ENTITY_TOO_LARGE) || e.code().equals(Code.BAD_REQUEST)
                        ? Response.of(Code.BAD_GATEWAY, e.getMessage()) : e.response();
            }
        });
    }

    /** The links of a payload, within {@code maxPayloadBytes} and {@code maxLinksPerRegistration} (4.13). */
    private List<Link> links(String text, int length) {
        if (length > limits.maxPayloadBytes()) {
            throw new TooLarge(limits.maxPayloadBytes(), "payload larger than " + limits.maxPayloadBytes() + " bytes");
        }
        List<Link> links;
        try {
            links = LinkFormat.parse(text);
        } catch (IllegalArgumentException e) {
            throw new RdError(Code.BAD_REQUEST, "payload is not link-format: " + e.getMessage());
        }
        if (links.size() > limits.maxLinksPerRegistration()) {
            throw new TooLarge(limits.maxPayloadBytes(), "more than " + limits.maxLinksPerRegistration() + " links");
        }
        return links;
    }

    private static String id(Request request) {
        return request.pathParam("id").orElse("");
    }

    /** Whose share of the registrations a request counts against: its identity, else its address. */
    static String peerKey(Request request) {
        return request.peerIdentity().map(i -> "id " + i.kind() + " " + i.name())
                .orElseGet(() -> "ip " + request.peer().getAddress().getHostAddress());
    }

    /** 4.13 with the accepted size in Size1 (RFC 7252 §5.9.2.9). */
    static final class TooLarge extends RdError {
        private static final long serialVersionUID = 1L;
        private final int max;

        TooLarge(int max, String diagnostic) {
            super(Code.REQUEST_ENTITY_TOO_LARGE, diagnostic);
            this.max = max;
        }

        @Override
        Response response() {
            return super.response().toBuilder().options(o -> o.set(OptionNumber.SIZE1, max)).build();
        }
    }
}
