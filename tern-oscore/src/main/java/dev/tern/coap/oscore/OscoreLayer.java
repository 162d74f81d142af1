package dev.tern.coap.oscore;

import dev.tern.coap.Code;
import dev.tern.coap.Filter;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.spi.ObjectSecurity;
import dev.tern.coap.spi.SecuredObservation;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * OSCORE (RFC 8613) as the engine's object-security layer: give it to
 * {@code CoapServer.Builder.objectSecurity} or {@code CoapClient.Builder.objectSecurity}. A server
 * verifies requests against its {@link OscoreContexts} and protects the responses; a client
 * protects every request with its {@link SecurityContext} and verifies the responses.
 *
 * <p>Observe is carried (§4.1.3.5): registrations go as FETCH with an outer Observe option,
 * notifications have their own Partial IV and the client takes them in Partial IV order (§7.4.1).
 * Proxies: Proxy-Uri is split (§4.1.3.3), outer block-wise reassembled (§4.1.3.4.2). Contexts
 * built {@code rederivable} take part in Appendix B.2 context re-derivation.
 */
public final class OscoreLayer implements ObjectSecurity {
    private final ServerFilter server;
    private final Filter client;
    /** The context for a client request's destination, or null when there is none. */
    private final Function<Request, SecurityContext> clientContexts;

    private OscoreLayer(ServerFilter server, Function<Request, SecurityContext> clientContexts) {
        this(server, clientContexts, ClientFilter.DEFAULT_MAX_OUTER_BODY);
    }

    private OscoreLayer(ServerFilter server, Function<Request, SecurityContext> clientContexts, int maxOuterBody) {
        this.server = server;
        this.clientContexts = clientContexts;
        this.client = clientContexts == null ? (request, next) -> next.handle(request)
                : new ClientFilter(clientContexts, maxOuterBody);
    }

    /**
     * This client layer, reassembling a protected response that a proxy fragmented into outer
     * blocks (RFC 8613 §4.1.3.4.2) up to {@code bytes} of ciphertext (default 64 KiB); a longer one
     * fails the request with {@code CoapSecurityException}. A server layer is returned as it is.
     */
    public OscoreLayer maxOuterResponseBody(int bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("maxOuterResponseBody must be positive: " + bytes);
        }
        return clientContexts == null ? this : new OscoreLayer(server, clientContexts, bytes);
    }

    /**
     * A server layer: requests with an OSCORE option are verified against {@code contexts}; a
     * request without one is answered 4.01 Unauthorized (RFC 8613 §8.2 allows serving it, see
     * {@link #server(OscoreContexts, boolean)}).
     */
    public static OscoreLayer server(OscoreContexts contexts) {
        return server(contexts, false);
    }

    /**
     * A server layer that, when {@code allowUnprotected}, also passes requests without an OSCORE
     * option to the service as they are (with no {@code peerIdentity()}), so that a route decides;
     * otherwise they get 4.01 Unauthorized.
     */
    public static OscoreLayer server(OscoreContexts contexts, boolean allowUnprotected) {
        return new OscoreLayer(new ServerFilter(Objects.requireNonNull(contexts, "contexts"), allowUnprotected), null);
    }

    /** A client layer that protects every request, whatever its destination, with {@code context} (RFC 8613 §8.1). */
    public static OscoreLayer client(SecurityContext context) {
        Objects.requireNonNull(context, "context");
        return new OscoreLayer(null, request -> context);
    }

    /**
     * A client layer with one context per server: {@code byAuthority} maps {@code host:port} as
     * written in the request URI (e.g. {@code 127.0.0.1:5683}, {@code sensor.example:5683}; the
     * port always given) to the context for it. A request to any other destination fails with
     * {@code CoapSecurityException} rather than leave unprotected.
     */
    public static OscoreLayer client(Map<String, SecurityContext> byAuthority) {
        Map<String, SecurityContext> copy = Map.copyOf(byAuthority);
        return new OscoreLayer(null, request -> copy.get(request.peer().getHostString() + ":" + request.peer().getPort()));
    }

    /**
     * A filter for routes that demand OSCORE on a server that also serves unprotected requests
     * ({@link #server(OscoreContexts, boolean)}): a request that did not arrive protected (its
     * {@code peerIdentity()} is not of kind {@code OSCORE}) gets 4.01 Unauthorized and never reaches
     * the handler.
     */
    public static Filter required() {
        return (request, next) -> request.peerIdentity().filter(p -> p.kind() == PeerIdentity.Kind.OSCORE).isPresent()
                ? next.handle(request)
                : CompletableFuture.completedFuture(Response.of(Code.UNAUTHORIZED, "OSCORE required"));
    }

    /** Verifies requests and protects responses (RFC 8613 §8.2, §8.3). */
    @Override
    public Filter serverFilter() {
        return server == null ? (request, next) -> next.handle(request) : server;
    }

    /** Protects requests and verifies responses (RFC 8613 §8.1, §8.4). */
    @Override
    public Filter clientFilter() {
        return client;
    }

    /**
     * The last notification of a relation its resource terminated (RFC 7641 §4.2), protected with
     * its own Partial IV (RFC 8613 §4.1.3.5.2, §8.3); null (nothing sent) when the registration's
     * context is gone. Unprotected registrations (see {@link #server(OscoreContexts, boolean)})
     * get theirs as it is.
     */
    @Override
    public Response protectNotification(Request registration, Response response) {
        if (server == null || !registration.options().has(dev.tern.coap.OptionNumber.OSCORE)) {
            return response;
        }
        return server.protectNotification(registration, response);
    }

    /**
     * A client observation through OSCORE (RFC 8613 §4.1.3.5): registrations protected, every
     * notification verified in Partial IV order (§7.4.1); null for a server layer.
     */
    @Override
    public SecuredObservation observation(Request registration) {
        return clientContexts == null ? null : new ClientObservation(((ClientFilter) client)::resolve);
    }
}
