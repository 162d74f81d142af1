package dev.tern.coap.oscore;

import dev.tern.coap.Code;
import dev.tern.coap.Filter;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Response;
import dev.tern.coap.spi.ObjectSecurity;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * OSCORE (RFC 8613) as the engine's object-security layer: give it to
 * {@code CoapServer.Builder.objectSecurity} or {@code CoapClient.Builder.objectSecurity}. A server
 * verifies requests against its {@link OscoreContexts} and protects the responses; a client
 * protects every request with its {@link SecurityContext} and verifies the responses.
 *
 * <p>Not yet carried through the layer: Observe (the engine refuses observations rather than send
 * them unprotected), outer block-wise for proxies (§4.1.3.4.2), Proxy-Uri, Echo-based replay
 * window recovery (Appendix B.1.2) and context re-derivation (Appendix B.2).
 */
public final class OscoreLayer implements ObjectSecurity {
    private final Filter server;
    private final Filter client;

    private OscoreLayer(Filter server, Filter client) {
        this.server = server;
        this.client = client;
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
        return new OscoreLayer(new ServerFilter(Objects.requireNonNull(contexts, "contexts"), allowUnprotected),
                (request, next) -> next.handle(request));
    }

    /** A client layer that protects every request, whatever its destination, with {@code context} (RFC 8613 §8.1). */
    public static OscoreLayer client(SecurityContext context) {
        Objects.requireNonNull(context, "context");
        return new OscoreLayer((request, next) -> next.handle(request), new ClientFilter(request -> context));
    }

    /**
     * A client layer with one context per server: {@code byAuthority} maps {@code host:port} as
     * written in the request URI (e.g. {@code 127.0.0.1:5683}, {@code sensor.example:5683}; the
     * port always given) to the context for it. A request to any other destination fails with
     * {@code CoapSecurityException} rather than leave unprotected.
     */
    public static OscoreLayer client(Map<String, SecurityContext> byAuthority) {
        Map<String, SecurityContext> copy = Map.copyOf(byAuthority);
        return new OscoreLayer((request, next) -> next.handle(request),
                new ClientFilter(request -> copy.get(request.peer().getHostString() + ":" + request.peer().getPort())));
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
        return server;
    }

    /** Protects requests and verifies responses (RFC 8613 §8.1, §8.4). */
    @Override
    public Filter clientFilter() {
        return client;
    }
}
