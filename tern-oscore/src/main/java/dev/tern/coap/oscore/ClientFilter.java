package dev.tern.coap.oscore;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapSecurityException;
import dev.tern.coap.Code;
import dev.tern.coap.Filter;
import dev.tern.coap.Method;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Service;
import dev.tern.coap.spi.LayeredRequests;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The client half of {@link OscoreLayer} (RFC 8613 §8.1, §8.4): protects the request, sends the
 * outer request below, and verifies and decrypts the response. An unprotected 4.xx/5.xx response
 * (the error responses §8.2 lets a server send without protection) is passed on as it is, without
 * authenticity; any other unprotected or unverifiable response fails the request.
 */
final class ClientFilter implements Filter {
    /** The default of the largest protected response reassembled from outer blocks (§4.1.3.4.2). */
    static final int DEFAULT_MAX_OUTER_BODY = 64 * 1024;

    /** The context for a request's destination, or null when there is none. */
    private final Function<Request, SecurityContext> contexts;
    private final int maxOuterBody;

    ClientFilter(Function<Request, SecurityContext> contexts, int maxOuterBody) {
        this.contexts = contexts;
        this.maxOuterBody = maxOuterBody;
    }

    /** A response and whether it was verified (protected), as opposed to an unprotected error. */
    private record Received(Response response, boolean verified) {
    }

    /**
     * Sends {@code inner} protected. A verified 4.01 carrying an Echo option (a server that lost its
     * replay window, RFC 8613 Appendix B.1.2, RFC 9175 §2.4) is answered once by sending the request
     * again with that Echo value inside, under a new Partial IV. An unprotected 4.01 never triggers it.
     */
    @Override
    public CompletableFuture<Response> filter(Request inner, Service next) {
        return protectAndSend(inner, next).thenCompose(first -> {
            Response r = first.response();
            var echo = r.options().echo();
            if (!first.verified() || !r.code().equals(Code.UNAUTHORIZED) || echo.isEmpty()
                    || inner.options().echo().isPresent()) {
                return CompletableFuture.completedFuture(r);
            }
            Request again = inner.toBuilder().option(new Option(OptionNumber.ECHO, echo.get())).build();
            return protectAndSend(again, next).thenApply(Received::response);
        });
    }

    /** Appendix B.2: the context derived for each rederivable configured one, once derived. */
    private final java.util.concurrent.ConcurrentHashMap<SecurityContext, SecurityContext> derived =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** The context to protect {@code request} with now: the derived one for a rederivable context. */
    SecurityContext resolve(Request request) {
        SecurityContext base = contexts.apply(request);
        return base == null ? null : derived.getOrDefault(base, base);
    }

    private CompletableFuture<Received> protectAndSend(Request inner, Service next) {
        SecurityContext base = contexts.apply(inner);
        if (base == null) { // never send it unprotected instead
            return CompletableFuture.failedFuture(new CoapSecurityException("no OSCORE security context for "
                    + inner.peer().getHostString() + ":" + inner.peer().getPort()));
        }
        SecurityContext context = derived.get(base);
        if (context == null && base.isRederivable()) {
            return rederiveThenSend(base, inner, next);
        }
        return protectAndSend(context == null ? base : context, inner, next);
    }

    /**
     * Appendix B.2, initiated by the client: Request #1 under the context with a fresh ID Context
     * R1; Response #1 (verified) carries R2; the request then goes under the context with ID
     * Context R1 || R2, which later requests keep using. One attempt per request: a server that
     * does not answer with R2 gets its response passed on.
     */
    private CompletableFuture<Received> rederiveThenSend(SecurityContext base, Request inner, Service next) {
        byte[] r1 = new byte[Oscore.REDERIVATION_NONCE];
        RANDOM.nextBytes(r1);
        SecurityContext ctx1 = base.withIdContext(Bytes.wrap(r1));
        Oscore.ProtectedRequest p;
        try {
            p = Oscore.protectRequest(ctx1, new OscoreMessage(inner.method().code(), inner.options(), inner.payload()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new CoapSecurityException("cannot protect the request", e));
        }
        OscoreMessage wire = p.message();
        Request sent = LayeredRequests.rewrite(inner, Method.of(wire.code()).orElseThrow(), wire.options(),
                wire.payload(), null, true);
        return next.handle(sent).thenCompose(response -> {
            OscoreMessage outer = new OscoreMessage(response.code(), response.options(), response.payload());
            var r2 = Oscore.responseKidContext(outer);
            if (r2.isEmpty() || r2.get().length() + r1.length > 255) {
                return CompletableFuture.completedFuture(verify(p.binding(), response));
            }
            verify(p.binding(), response); // Response #1 must be authentic (throws otherwise)
            byte[] joined = java.util.Arrays.copyOf(r1, r1.length + r2.get().length());
            r2.get().copyTo(joined, r1.length);
            SecurityContext ctx2 = base.withIdContext(Bytes.wrap(joined));
            derived.put(base, ctx2);
            return protectAndSend(ctx2, inner, next);
        });
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private CompletableFuture<Received> protectAndSend(SecurityContext context, Request inner, Service next) {
        Oscore.ProtectedRequest p;
        try {
            p = Oscore.protectRequest(context, new OscoreMessage(inner.method().code(), inner.options(),
                    inner.payload()));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new CoapSecurityException("cannot protect the request", e));
        }
        OscoreMessage wire = p.message();
        Request sent = LayeredRequests.rewrite(inner, Method.of(wire.code()).orElseThrow(), wire.options(),
                wire.payload(), null, true);
        return next.handle(sent).thenCompose(response -> outerBlocks(sent, response, next, 0, Bytes.EMPTY))
                .thenApply(response -> verify(p.binding(), response));
    }

    /**
     * Outer block-wise (RFC 8613 §4.1.3.4.2): a proxy that fragmented the protected response
     * (outer Block2 with M=1) gets the same protected request again for each further block, as
     * RFC 7959 §2.4 asks, until the whole ciphertext is there; only then is it verified. Bounded:
     * at most {@code maxOuterBody} bytes (a protected message holds one inner block).
     */
    private CompletableFuture<Response> outerBlocks(Request sent, Response response, Service next, int got,
                                                           Bytes before) {
        var block = response.options().block2();
        if (block.isEmpty() || !response.options().has(OptionNumber.OSCORE)) {
            return CompletableFuture.completedFuture(response);
        }
        if (before.length() + response.payload().length() > maxOuterBody || block.get().num() != got) {
            return CompletableFuture.failedFuture(new CoapSecurityException(
                    "outer block-wise response too large (over " + maxOuterBody + " bytes) or out of order"));
        }
        byte[] joined = java.util.Arrays.copyOf(before.toArray(), before.length() + response.payload().length());
        System.arraycopy(response.payload().toArray(), 0, joined, before.length(), response.payload().length());
        Bytes body = Bytes.wrap(joined);
        if (!block.get().more()) {
            return CompletableFuture.completedFuture(response.toBuilder().payload(body)
                    .options(o -> o.remove(OptionNumber.BLOCK2).remove(OptionNumber.SIZE2)).build());
        }
        Request again = sent.toBuilder().block2(got + 1, block.get().size()).build();
        return next.handle(again).thenCompose(r -> outerBlocks(sent, r, next, got + 1, body));
    }

    private static Received verify(RequestBinding binding, Response response) {
        OscoreMessage wire = new OscoreMessage(response.code(), response.options(), response.payload());
        if (!Oscore.isProtected(wire)) {
            int codeClass = response.code().codeClass();
            if (codeClass == 4 || codeClass == 5) {
                return new Received(response, false);
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
        return new Received(b.build(), true);
    }
}
