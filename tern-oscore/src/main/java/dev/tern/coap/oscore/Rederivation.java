package dev.tern.coap.oscore;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.Options;
import dev.tern.coap.oscore.internal.Aead;
import dev.tern.coap.oscore.internal.InnerOptions;
import dev.tern.coap.oscore.internal.Nonces;
import dev.tern.coap.oscore.internal.OscoreOptionValue;
import java.util.Optional;

/** The server's side of context re-derivation (RFC 8613 Appendix B.2), for {@link Oscore#unprotectRequest}. */
final class Rederivation {
    private Rederivation() {
    }

    /**
     * Appendix B.2 on the server: a kid context it has no context for, for a kid whose configured
     * context is rederivable. Request #2 (kid context R1 || R2 of an open re-derivation) verifies
     * under the new context, which then replaces any derived before; Request #1 (kid context R1)
     * verifies under the context derived with R1, is not processed, and opens a re-derivation
     * with a fresh R2 (bounded, {@link OscoreContexts#maxRederivations}).
     */
    static Oscore.VerifiedRequest serve(OscoreContexts contexts, OscoreMessage request, OscoreOptionValue value,
                                            Bytes kidContext) {
        Bytes kid = Bytes.of(value.kid());
        Optional<SecurityContext> open = contexts.pending(kid, kidContext);
        if (open.isPresent()) {
            SecurityContext ctx2 = open.get();
            Oscore.VerifiedRequest v = decryptFresh(ctx2, request, value);
            contexts.promote(ctx2);
            return v;
        }
        SecurityContext base = contexts.rederivable(kid)
                .orElseThrow(() -> new OscoreException(Code.UNAUTHORIZED, OscoreException.CONTEXT_NOT_FOUND));
        if (kidContext.length() + Oscore.REDERIVATION_NONCE > 255) {
            throw new OscoreException(Code.UNAUTHORIZED, OscoreException.CONTEXT_NOT_FOUND);
        }
        SecurityContext ctx1 = base.withIdContext(kidContext);
        Oscore.VerifiedRequest v = decryptFresh(ctx1, request, value);
        byte[] r2 = new byte[Oscore.REDERIVATION_NONCE];
        RANDOM.nextBytes(r2);
        byte[] joined = java.util.Arrays.copyOf(kidContext.toArray(), kidContext.length() + r2.length);
        System.arraycopy(r2, 0, joined, kidContext.length(), r2.length);
        contexts.putPending(base.withIdContext(Bytes.wrap(joined)));
        return new Oscore.VerifiedRequest(v.message(), v.binding(), false, Bytes.wrap(r2));
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** Decrypts a request under a context just derived (its window starts with this request). */
    private static Oscore.VerifiedRequest decryptFresh(SecurityContext ctx, OscoreMessage request, OscoreOptionValue value) {
        long seq = Nonces.sequenceNumber(value.partialIv());
        byte[] nonce = Nonces.nonce(ctx.commonIv(), value.kid(), value.partialIv());
        byte[] plaintext = Aead.decrypt(ctx.algorithm(), ctx.recipientKey(), nonce,
                Oscore.aad(ctx, value.kid(), value.partialIv()), request.payload().toArray());
        if (plaintext == null || !ctx.acceptVerified(seq)) {
            throw new OscoreException(Code.BAD_REQUEST, OscoreException.DECRYPTION_FAILED);
        }
        InnerOptions.Plaintext inner = Oscore.plaintext(plaintext);
        if (!inner.code().isRequest()) {
            throw new OscoreException(Code.BAD_REQUEST, OscoreException.DECRYPTION_FAILED);
        }
        Options options = Oscore.merge(request.options(), inner.options(), false);
        return new Oscore.VerifiedRequest(new OscoreMessage(inner.code(), options, inner.payload()),
                new RequestBinding(ctx, value.kid(), value.partialIv()), true);
    }

}
