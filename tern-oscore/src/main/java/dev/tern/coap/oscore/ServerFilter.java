package dev.tern.coap.oscore;

import dev.tern.coap.Code;
import dev.tern.coap.Filter;
import dev.tern.coap.Method;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import dev.tern.coap.spi.LayeredRequests;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * The server half of {@link OscoreLayer} (RFC 8613 §8.2, §8.3): decrypts a request, hands the
 * inner request to the service with the peer's OSCORE identity, and protects its response. What
 * cannot be verified is answered with the RFC's unprotected error response and never reaches the
 * service. Observe (§4.1.3.5): when the handler takes an inner registration, the response and
 * every notification after it carry an inner (empty) and an outer Observe option and their own
 * Partial IV; the engine passes the registration again for each notification
 * ({@link LayeredRequests#isRepeated}), which is decrypted again without the replay window.
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
        boolean repeated = LayeredRequests.isRepeated(outer);
        Oscore.VerifiedRequest verified;
        try {
            verified = repeated ? Oscore.unprotectRepeated(contexts, wire) : Oscore.unprotectRequest(contexts, wire);
        } catch (OscoreException e) { // unprotected error response, RFC 8613 §8.2
            return CompletableFuture.completedFuture(Response.of(e.responseCode(), e.diagnostic()));
        }
        RequestBinding binding = verified.binding();
        if (verified.rederivation() != null) { // Appendix B.2 Request #1: answered, not processed
            OscoreMessage r1 = Oscore.rederivationResponse(binding, verified.rederivation());
            return CompletableFuture.completedFuture(Response.builder(r1.code()).options(r1.options())
                    .payload(r1.payload()).build());
        }
        if (!verified.fresh()) { // Appendix B.1.2: the replay window is rebuilt by an Echo round trip
            OscoreMessage challenge = Oscore.echoChallenge(binding);
            return CompletableFuture.completedFuture(Response.builder(challenge.code()).options(challenge.options())
                    .payload(challenge.payload()).build());
        }
        OscoreMessage plain = verified.message();
        Optional<Method> method = Method.of(plain.code());
        if (method.isEmpty()) {
            return CompletableFuture.completedFuture(protect(binding, Response.of(Code.METHOD_NOT_ALLOWED), repeated));
        }
        // a notification (a repeated request) always uses its own Partial IV: the request's nonce is spent
        AtomicBoolean observed = new AtomicBoolean(repeated);
        Predicate<ObservableResource> observe = source -> {
            boolean taken = outer.observe(source);
            if (taken) {
                observed.set(true);
            }
            return taken;
        };
        Request inner = LayeredRequests.rewrite(outer, method.get(), plain.options(), plain.payload(),
                identity(binding.context()), observe);
        CompletableFuture<Response> answer;
        try {
            answer = next.handle(inner);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.handle((response, failure) -> {
            Response r = failure != null || response == null ? Response.of(Code.INTERNAL_SERVER_ERROR) : response;
            if (observed.get() && r.isSuccess() && inner.options().has(OptionNumber.OBSERVE)) {
                // a notification: Oscore numbers the inner Observe, the engine the outer one (§4.1.3.5.2)
                r = r.toBuilder().options(o -> o.remove(OptionNumber.OBSERVE))
                        .option(Option.ofEmpty(OptionNumber.OBSERVE)).build();
            }
            if (!observed.get() && suppressed(inner.options(), r.code())) {
                return LayeredRequests.noResponse(); // RFC 7967 asked for inside (class E): nothing is sent
            }
            return protect(binding, r, observed.get());
        });
    }

    /**
     * The notification a terminated relation ends with (RFC 7641 §4.2), protected with its own
     * Partial IV under the registration's context (RFC 8613 §8.3); null when the registration no
     * longer verifies (its context is gone).
     */
    Response protectNotification(Request registration, Response response) {
        OscoreMessage wire = new OscoreMessage(registration.method().code(), registration.options(),
                registration.payload());
        try {
            RequestBinding binding = Oscore.unprotectRepeated(contexts, wire).binding();
            return protect(binding, response.toBuilder().options(o -> o.remove(OptionNumber.OBSERVE)).build(), true);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether the inner No-Response option suppresses a response of {@code code}'s class (RFC 7967 §2.1). */
    private static boolean suppressed(dev.tern.coap.Options options, Code code) {
        var mask = options.noResponse();
        if (mask.isEmpty()) {
            return false;
        }
        int bits = mask.getAsInt();
        return (code.codeClass() == 2 && (bits & 2) != 0) || (code.codeClass() == 4 && (bits & 8) != 0)
                || (code.codeClass() == 5 && (bits & 16) != 0);
    }

    private static Response protect(RequestBinding binding, Response response, boolean ownPartialIv) {
        OscoreMessage outer = Oscore.protectResponse(binding,
                new OscoreMessage(response.code(), response.options(), response.payload()),
                ownPartialIv || response.options().has(OptionNumber.OBSERVE));
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
