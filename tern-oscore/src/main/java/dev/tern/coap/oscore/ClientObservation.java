package dev.tern.coap.oscore;

import dev.tern.coap.CoapSecurityException;
import dev.tern.coap.Method;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.spi.LayeredRequests;
import dev.tern.coap.spi.SecuredObservation;
import java.util.Optional;
import java.util.function.Function;

/**
 * One client observation through OSCORE (RFC 8613 §4.1.3.5, §8.1, §8.4): each registration is
 * protected with a new Partial IV (outer FETCH with the outer Observe option, §4.2); the responses
 * and notifications are verified against the latest registration, and a notification whose Partial
 * IV is not above every one verified before is dropped (§7.4.1, §8.4.2). Confined to the engine's
 * scheduler thread.
 */
final class ClientObservation implements SecuredObservation {
    private final Function<Request, SecurityContext> contexts;
    private RequestBinding latest;

    ClientObservation(Function<Request, SecurityContext> contexts) {
        this.contexts = contexts;
    }

    @Override
    public Request protect(Request inner) {
        SecurityContext context = contexts.apply(inner);
        if (context == null) {
            throw new CoapSecurityException("no OSCORE security context for " + inner.peer().getHostString() + ":"
                    + inner.peer().getPort());
        }
        Oscore.ProtectedRequest p;
        try {
            p = Oscore.protectRequest(context, new OscoreMessage(inner.method().code(), inner.options(),
                    inner.payload()));
        } catch (RuntimeException e) {
            throw new CoapSecurityException("cannot protect the request", e);
        }
        boolean deregistration = inner.options().observe().orElse(0) == 1;
        if (!deregistration) {
            latest = p.binding(); // notifications answer the newest registration
        }
        OscoreMessage wire = p.message();
        return LayeredRequests.rewrite(inner, Method.of(wire.code()).orElseThrow(), wire.options(), wire.payload(),
                null, true);
    }

    @Override
    public Optional<Response> verify(Response response) {
        OscoreMessage wire = new OscoreMessage(response.code(), response.options(), response.payload());
        if (!Oscore.isProtected(wire)) {
            int codeClass = response.code().codeClass();
            return codeClass == 4 || codeClass == 5 ? Optional.of(response) : Optional.empty();
        }
        if (latest == null) {
            return Optional.empty();
        }
        OscoreMessage inner;
        try {
            inner = Oscore.unprotectResponse(latest, wire);
        } catch (OscoreException e) {
            return Optional.empty();
        }
        Response.Builder b = Response.builder(inner.code()).options(inner.options()).payload(inner.payload());
        response.peer().ifPresent(b::peer);
        return Optional.of(b.build());
    }
}
