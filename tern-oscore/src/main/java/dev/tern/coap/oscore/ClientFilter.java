package dev.tern.coap.oscore;

import dev.tern.coap.CoapSecurityException;
import dev.tern.coap.Filter;
import dev.tern.coap.Method;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import java.util.concurrent.CompletableFuture;

/**
 * The client half of {@link OscoreLayer} (RFC 8613 §8.1, §8.4): protects the request, sends the
 * outer request below, and verifies and decrypts the response. An unprotected 4.xx/5.xx response
 * (the error responses §8.2 lets a server send without protection) is passed on as it is, without
 * authenticity; any other unprotected or unverifiable response fails the request.
 */
final class ClientFilter implements Filter {
    private final SecurityContext context;

    ClientFilter(SecurityContext context) {
        this.context = context;
    }

    @Override
    public CompletableFuture<Response> filter(Request inner, Service next) {
        Oscore.ProtectedRequest p;
        try {
            p = Oscore.protectRequest(context, new OscoreMessage(inner.method().code(), inner.options(),
                    inner.payload()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new CoapSecurityException("cannot protect the request", e));
        }
        OscoreMessage wire = p.message();
        Request.Builder b = Request.builder(Method.of(wire.code()).orElseThrow()).options(wire.options())
                .payload(wire.payload()).peer(inner.peer()).scheme(inner.scheme())
                .confirmable(inner.isConfirmable());
        inner.timeout().ifPresent(b::timeout);
        inner.token().ifPresent(b::token);
        return next.handle(b.build()).thenApply(response -> verify(p.binding(), response));
    }

    private static Response verify(RequestBinding binding, Response response) {
        OscoreMessage wire = new OscoreMessage(response.code(), response.options(), response.payload());
        if (!Oscore.isProtected(wire)) {
            int codeClass = response.code().codeClass();
            if (codeClass == 4 || codeClass == 5) {
                return response;
            }
            throw new CoapSecurityException("unprotected " + response.code() + " response to an OSCORE request");
        }
        OscoreMessage inner;
        try {
            inner = Oscore.unprotectResponse(binding, wire);
        } catch (OscoreException e) {
            throw new CoapSecurityException("OSCORE response rejected: " + e.diagnostic());
        }
        Response.Builder b = Response.builder(inner.code()).options(inner.options()).payload(inner.payload());
        response.peer().ifPresent(b::peer);
        return b.build();
    }
}
