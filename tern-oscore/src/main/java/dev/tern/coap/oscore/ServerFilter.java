package dev.tern.coap.oscore;

import dev.tern.coap.Code;
import dev.tern.coap.Filter;
import dev.tern.coap.Method;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import dev.tern.coap.spi.LayeredRequests;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The server half of {@link OscoreLayer} (RFC 8613 §8.2, §8.3): decrypts a request, hands the
 * inner request to the service with the peer's OSCORE identity, and protects its response. What
 * cannot be verified is answered with the RFC's unprotected error response and never reaches the
 * service.
 */
final class ServerFilter implements Filter {
    private final OscoreContexts contexts;
    private final boolean allowUnprotected;

    ServerFilter(OscoreContexts contexts, boolean allowUnprotected) {
        this.contexts = contexts;
        this.allowUnprotected = allowUnprotected;
    }

    @Override
    public CompletableFuture<Response> filter(Request outer, Service next) {
        OscoreMessage wire = new OscoreMessage(outer.method().code(), outer.options(), outer.payload());
        if (!Oscore.isProtected(wire)) {
            return allowUnprotected ? next.handle(outer)
                    : CompletableFuture.completedFuture(Response.of(Code.UNAUTHORIZED, "OSCORE required"));
        }
        Oscore.VerifiedRequest verified;
        try {
            verified = Oscore.unprotectRequest(contexts, wire);
        } catch (OscoreException e) { // unprotected error response, RFC 8613 §8.2
            return CompletableFuture.completedFuture(Response.of(e.responseCode(), e.diagnostic()));
        }
        RequestBinding binding = verified.binding();
        if (!verified.fresh()) { // Appendix B.1.2: the replay window is rebuilt by an Echo round trip
            OscoreMessage challenge = Oscore.echoChallenge(binding);
            return CompletableFuture.completedFuture(Response.builder(challenge.code()).options(challenge.options())
                    .payload(challenge.payload()).build());
        }
        OscoreMessage plain = verified.message();
        Optional<Method> method = Method.of(plain.code());
        if (method.isEmpty()) {
            return CompletableFuture.completedFuture(protect(binding, Response.of(Code.METHOD_NOT_ALLOWED)));
        }
        // notifications would leave unprotected: Observe is refused for now (observable false)
        Request inner = LayeredRequests.rewrite(outer, method.get(), plain.options(), plain.payload(),
                identity(binding.context()), false);
        CompletableFuture<Response> answer;
        try {
            answer = next.handle(inner);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((response, failure) -> protect(binding,
                failure != null || response == null ? Response.of(Code.INTERNAL_SERVER_ERROR) : response));
    }

    private static Response protect(RequestBinding binding, Response response) {
        OscoreMessage outer = Oscore.protectResponse(binding,
                new OscoreMessage(response.code(), response.options(), response.payload()));
        return Response.builder(outer.code()).options(outer.options()).payload(outer.payload()).build();
    }

    static PeerIdentity identity(SecurityContext ctx) {
        String name = ctx.recipientId().hex();
        if (ctx.idContext().isPresent()) {
            name = ctx.idContext().get().hex() + ":" + name;
        }
        return PeerIdentity.oscore(name, ctx.algorithm().name());
    }
}
