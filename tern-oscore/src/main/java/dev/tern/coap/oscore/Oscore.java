package dev.tern.coap.oscore;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.oscore.internal.Aead;
import dev.tern.coap.oscore.internal.Cbor;
import dev.tern.coap.oscore.internal.InnerOptions;
import dev.tern.coap.oscore.internal.MalformedOscoreException;
import dev.tern.coap.oscore.internal.Nonces;
import dev.tern.coap.oscore.internal.OptionClasses;
import dev.tern.coap.oscore.internal.OscoreOptionValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * OSCORE message protection (RFC 8613 §8): requests and responses, in both roles. A protected
 * message carries the outer code POST / 2.04 Changed (FETCH / 2.05 Content with Observe, §4.2),
 * the class U options, the OSCORE option (§6.1) and the COSE_Encrypt0 ciphertext of the inner
 * code, class E options and payload (§5). Stateless apart from the context's sequence numbers and
 * replay window.
 */
public final class Oscore {
    private static final int OSCORE_VERSION = 1;
    private static final byte[] EMPTY = new byte[0];

    private Oscore() {
    }

    /** A protected request and the binding its response is verified against. */
    public record ProtectedRequest(OscoreMessage message, RequestBinding binding) {
    }

    /**
     * A verified, decrypted request and the binding its response is protected with.
     *
     * @param fresh false when the context's replay window is not established yet (RFC 8613
     *        Appendix B.1.2): the request is authentic but may be a replay, so it must not be
     *        processed; answer it with {@link #echoChallenge}
     * @param rederivation for Request #1 of an Appendix B.2 re-derivation, the server's nonce R2
     *        (the request is not processed: answer with {@link #rederivationResponse}); else null
     */
    public record VerifiedRequest(OscoreMessage message, RequestBinding binding, boolean fresh, Bytes rederivation) {
        /** A request verified under a known context (no Appendix B.2 re-derivation). */
        public VerifiedRequest(OscoreMessage message, RequestBinding binding, boolean fresh) {
            this(message, binding, fresh, null);
        }
    }

    /** Whether {@code message} carries an OSCORE option (RFC 8613 §2). */
    public static boolean isProtected(OscoreMessage message) {
        return message.options().has(OptionNumber.OSCORE);
    }

    /** Protects a request with the next Sender Sequence Number (RFC 8613 §8.1). */
    public static ProtectedRequest protectRequest(SecurityContext ctx, OscoreMessage request) {
        if (!request.code().isRequest()) {
            throw new IllegalArgumentException("not a request: " + request.code());
        }
        Options options = request.options().has(OptionNumber.PROXY_URI)
                ? decomposeProxyUri(request.options()) : request.options();
        byte[] piv = Nonces.partialIv(ctx.takeSequenceNumber());
        byte[] kid = ctx.senderId().toArray();
        Split split = split(options, -1);
        byte[] plaintext = InnerOptions.encode(request.code(), split.inner, request.payload());
        byte[] nonce = Nonces.nonce(ctx.commonIv(), kid, piv);
        byte[] ciphertext = Aead.encrypt(ctx.algorithm(), ctx.senderKey(), nonce, aad(ctx, kid, piv), plaintext);
        OscoreOptionValue value = new OscoreOptionValue(piv, kid, ctx.idContextBytes());
        boolean observe = options.has(OptionNumber.OBSERVE);
        OscoreMessage outer = new OscoreMessage(observe ? Code.FETCH : Code.POST,
                withOscore(split.outer, value), Bytes.wrap(ciphertext));
        return new ProtectedRequest(outer, new RequestBinding(ctx, kid, piv));
    }

    /**
     * Proxy-Uri split as RFC 8613 §4.1.3.3 asks: Proxy-Scheme, Uri-Host and Uri-Port stay outer
     * (class U) for the proxy, Uri-Path and Uri-Query go inside (class E), so the proxy learns the
     * origin and nothing of the resource.
     */
    private static Options decomposeProxyUri(Options options) {
        String proxyUri = options.all(OptionNumber.PROXY_URI).get(0).value().utf8();
        dev.tern.coap.CoapUri uri;
        try {
            uri = dev.tern.coap.CoapUri.parse(proxyUri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Proxy-Uri is not a CoAP URI", e);
        }
        Options.Builder b = Options.builder().addAll(options).remove(OptionNumber.PROXY_URI)
                .remove(OptionNumber.URI_HOST).remove(OptionNumber.URI_PORT).remove(OptionNumber.URI_PATH)
                .remove(OptionNumber.URI_QUERY);
        b.add(OptionNumber.PROXY_SCHEME, uri.scheme()).add(OptionNumber.URI_HOST, uri.host())
                .add(OptionNumber.URI_PORT, uri.port());
        for (String segment : uri.path()) {
            b.add(OptionNumber.URI_PATH, segment);
        }
        for (String argument : uri.query()) {
            b.add(OptionNumber.URI_QUERY, argument);
        }
        return b.build();
    }

    /**
     * Verifies and decrypts a request (RFC 8613 §8.2).
     *
     * @throws OscoreException with 4.02 for a malformed OSCORE option, 4.01 "Security context not
     *         found", 4.01 "Replay detected", 4.00 "Decryption failed"
     */
    public static VerifiedRequest unprotectRequest(OscoreContexts contexts, OscoreMessage request) {
        return unprotectRequest(contexts, request, false);
    }

    /**
     * Verifies and decrypts, again, a request verified before, without the replay window: what an
     * observe relation does for each notification (RFC 8613 §4.1.3.5.2), with the request the
     * engine kept ({@code spi.LayeredRequests.isRepeated}), never with one from the wire.
     */
    static VerifiedRequest unprotectRepeated(OscoreContexts contexts, OscoreMessage request) {
        return unprotectRequest(contexts, request, true);
    }

    private static VerifiedRequest unprotectRequest(OscoreContexts contexts, OscoreMessage request, boolean repeated) {
        OscoreOptionValue value = optionValue(request);
        if (value.kid() == null || value.partialIv().length == 0) {
            throw new OscoreException(Code.BAD_OPTION, "OSCORE request without kid or Partial IV");
        }
        Optional<Bytes> kidContext = Optional.ofNullable(value.kidContext()).map(Bytes::of);
        Optional<SecurityContext> known = contexts.find(Bytes.of(value.kid()), kidContext);
        if (known.isEmpty() && kidContext.isPresent() && !repeated) {
            return Rederivation.serve(contexts, request, value, kidContext.get());
        }
        SecurityContext ctx = known
                .orElseThrow(() -> new OscoreException(Code.UNAUTHORIZED, OscoreException.CONTEXT_NOT_FOUND));
        long seq = Nonces.sequenceNumber(value.partialIv());
        if (!repeated && !ctx.isFresh(seq)) {
            throw new OscoreException(Code.UNAUTHORIZED, OscoreException.REPLAY_DETECTED);
        }
        byte[] nonce = Nonces.nonce(ctx.commonIv(), value.kid(), value.partialIv());
        byte[] plaintext = Aead.decrypt(ctx.algorithm(), ctx.recipientKey(), nonce,
                aad(ctx, value.kid(), value.partialIv()), request.payload().toArray());
        if (plaintext == null) {
            throw new OscoreException(Code.BAD_REQUEST, OscoreException.DECRYPTION_FAILED);
        }
        boolean windowKnown = repeated || ctx.replayWindowKnown();
        if (!repeated && windowKnown && !ctx.acceptVerified(seq)) { // a concurrent copy verified first
            throw new OscoreException(Code.UNAUTHORIZED, OscoreException.REPLAY_DETECTED);
        }
        InnerOptions.Plaintext inner = plaintext(plaintext);
        if (!inner.code().isRequest()) {
            throw new OscoreException(Code.BAD_REQUEST, OscoreException.DECRYPTION_FAILED);
        }
        boolean fresh = windowKnown;
        if (!fresh) { // Appendix B.1.2: only a request echoing our challenge establishes the window
            Optional<Bytes> echo = inner.options().echo();
            fresh = echo.isPresent() && ctx.establishWindow(seq, echo.get().toArray());
        }
        Options options = merge(request.options(), inner.options(), false);
        return new VerifiedRequest(new OscoreMessage(inner.code(), options, inner.payload()),
                new RequestBinding(ctx, value.kid(), value.partialIv()), fresh);
    }

    /** The length of the nonces R1 and R2 Tern picks for Appendix B.2. */
    static final int REDERIVATION_NONCE = 8;

    /**
     * Response #1 of Appendix B.2: a 4.01 protected under the context of Request #1, with its own
     * Partial IV and the server's nonce R2 as kid context, from which the client derives the
     * context of Request #2 (ID Context R1 || R2).
     */
    public static OscoreMessage rederivationResponse(RequestBinding binding, Bytes r2) {
        SecurityContext ctx = binding.context();
        byte[] plaintext = InnerOptions.encode(Code.UNAUTHORIZED, Options.EMPTY, Bytes.EMPTY);
        byte[] piv = Nonces.partialIv(ctx.takeSequenceNumber());
        byte[] nonce = Nonces.nonce(ctx.commonIv(), ctx.senderId().toArray(), piv);
        byte[] ciphertext = Aead.encrypt(ctx.algorithm(), ctx.senderKey(), nonce,
                aad(ctx, binding.requestKid(), binding.requestPiv()), plaintext);
        return new OscoreMessage(Code.CHANGED, withOscore(List.of(), new OscoreOptionValue(piv, null, r2.toArray())),
                Bytes.wrap(ciphertext));
    }

    /** The kid context a response carries in its OSCORE option (Appendix B.2's R2), if any. */
    public static Optional<Bytes> responseKidContext(OscoreMessage response) {
        if (!isProtected(response)) {
            return Optional.empty();
        }
        return Optional.ofNullable(optionValue(response).kidContext()).map(Bytes::of);
    }

    /**
     * The answer to a request whose freshness is unknown (RFC 8613 Appendix B.1.2, RFC 9175 §2.4):
     * 4.01 Unauthorized with the context's Echo challenge, protected with the server's own Partial
     * IV, since the request's nonce may already have protected a response before a restart.
     */
    public static OscoreMessage echoChallenge(RequestBinding binding) {
        OscoreMessage challenge = new OscoreMessage(Code.UNAUTHORIZED, Options.of(new Option(OptionNumber.ECHO,
                Bytes.wrap(binding.context().echoChallenge()))), Bytes.EMPTY);
        return protectResponse(binding, challenge, true);
    }

    /**
     * Protects a response; with its own Partial IV when it carries Observe (a notification,
     * RFC 8613 §4.1.3.5.2, §8.3), otherwise reusing the request's nonce.
     */
    public static OscoreMessage protectResponse(RequestBinding binding, OscoreMessage response) {
        return protectResponse(binding, response, response.options().has(OptionNumber.OBSERVE));
    }

    /** Protects a response, with its own Partial IV when {@code ownPartialIv} (RFC 8613 §8.3). */
    public static OscoreMessage protectResponse(RequestBinding binding, OscoreMessage response, boolean ownPartialIv) {
        if (!response.code().isResponse()) {
            throw new IllegalArgumentException("not a response: " + response.code());
        }
        SecurityContext ctx = binding.context();
        long seq = ownPartialIv ? ctx.takeSequenceNumber() : -1;
        // a notification's inner Observe is the low 24 bits of its Partial IV: it rises with the
        // Partial IV that orders notifications (§4.1.3.5.2, §7.4.1), as clients that order by the
        // inner value expect (cf-oscore copies its outer value in); the outer one is the engine's
        Split split = split(response.options(), seq < 0 ? 0 : seq & 0xFF_FFFFL);
        byte[] plaintext = InnerOptions.encode(response.code(), split.inner, response.payload());
        byte[] nonce;
        OscoreOptionValue value;
        if (ownPartialIv) {
            byte[] piv = Nonces.partialIv(seq);
            nonce = Nonces.nonce(ctx.commonIv(), ctx.senderId().toArray(), piv);
            value = new OscoreOptionValue(piv, null, null);
        } else {
            nonce = Nonces.nonce(ctx.commonIv(), binding.requestKid(), binding.requestPiv());
            value = new OscoreOptionValue(EMPTY, null, null);
        }
        byte[] ciphertext = Aead.encrypt(ctx.algorithm(), ctx.senderKey(), nonce,
                aad(ctx, binding.requestKid(), binding.requestPiv()), plaintext);
        boolean observe = response.options().has(OptionNumber.OBSERVE);
        return new OscoreMessage(observe ? Code.CONTENT : Code.CHANGED, withOscore(split.outer, value),
                Bytes.wrap(ciphertext));
    }

    /**
     * Verifies and decrypts a response to the request {@code binding} came from (RFC 8613 §8.4).
     *
     * @throws OscoreException for an unprotected response (its own code), a malformed OSCORE option
     *         (4.02), an older notification (4.01 "Replay detected") or a ciphertext that does not
     *         verify (4.00 "Decryption failed")
     */
    public static OscoreMessage unprotectResponse(RequestBinding binding, OscoreMessage response) {
        if (!isProtected(response)) {
            throw new OscoreException(response.code(), "unprotected response " + response.code());
        }
        OscoreOptionValue value = optionValue(response);
        SecurityContext ctx = binding.context();
        byte[] nonce;
        long seq = -1;
        if (value.partialIv().length > 0) {
            seq = Nonces.sequenceNumber(value.partialIv());
            if (!binding.isNewerNotification(seq)) {
                throw new OscoreException(Code.UNAUTHORIZED, OscoreException.REPLAY_DETECTED);
            }
            nonce = Nonces.nonce(ctx.commonIv(), ctx.recipientId().toArray(), value.partialIv());
        } else {
            nonce = Nonces.nonce(ctx.commonIv(), binding.requestKid(), binding.requestPiv());
        }
        byte[] plaintext = Aead.decrypt(ctx.algorithm(), ctx.recipientKey(), nonce,
                aad(ctx, binding.requestKid(), binding.requestPiv()), response.payload().toArray());
        if (plaintext == null) {
            throw new OscoreException(Code.BAD_REQUEST, OscoreException.DECRYPTION_FAILED);
        }
        if (seq >= 0 && !binding.acceptNotification(seq)) {
            throw new OscoreException(Code.UNAUTHORIZED, OscoreException.REPLAY_DETECTED);
        }
        InnerOptions.Plaintext inner = plaintext(plaintext);
        if (!inner.code().isResponse()) {
            throw new OscoreException(Code.BAD_REQUEST, OscoreException.DECRYPTION_FAILED);
        }
        Options options = merge(response.options(), inner.options(), true);
        return new OscoreMessage(inner.code(), options, inner.payload());
    }

    /** The AAD: the Enc_structure ["Encrypt0", h'', external_aad] (RFC 8613 §5.4, RFC 9052 §5.3). */
    static byte[] aad(SecurityContext ctx, byte[] requestKid, byte[] requestPiv) {
        byte[] external = new Cbor().array(5).integer(OSCORE_VERSION).array(1).integer(ctx.algorithm().coseId())
                .bytes(requestKid).bytes(requestPiv).bytes(EMPTY).toByteArray();
        return new Cbor().array(3).text("Encrypt0").bytes(EMPTY).bytes(external).toByteArray();
    }

    private static OscoreOptionValue optionValue(OscoreMessage m) {
        List<Option> all = m.options().all(OptionNumber.OSCORE);
        if (all.size() != 1) {
            throw new OscoreException(Code.BAD_OPTION, all.isEmpty() ? "no OSCORE option" : "repeated OSCORE option");
        }
        try {
            return OscoreOptionValue.decode(all.get(0).value().toArray());
        } catch (MalformedOscoreException e) {
            throw new OscoreException(Code.BAD_OPTION, e.getMessage());
        }
    }

    static InnerOptions.Plaintext plaintext(byte[] plaintext) {
        try {
            return InnerOptions.decode(plaintext);
        } catch (MalformedOscoreException e) {
            throw new OscoreException(Code.BAD_OPTION, e.getMessage());
        }
    }

    private record Split(Options inner, List<Option> outer) {
    }

    /**
     * Sorts options into inner (class E) and outer (class U); Observe goes to both (§4.1.3.5), in a
     * request with its value inside, in a response ({@code responseObserve} not negative) with
     * {@code responseObserve} inside.
     */
    private static Split split(Options options, long responseObserve) {
        boolean response = responseObserve >= 0;
        List<Option> inner = new ArrayList<>();
        List<Option> outer = new ArrayList<>();
        for (Option o : options.all()) {
            if (o.number() == OptionNumber.OBSERVE) {
                outer.add(o);
                inner.add(response ? Option.ofUint(OptionNumber.OBSERVE, responseObserve) : o);
            } else if (OptionClasses.isOuterOnly(o.number())) {
                if (o.number() != OptionNumber.OSCORE) {
                    outer.add(o);
                }
            } else {
                inner.add(o);
            }
        }
        return new Split(Options.of(inner), outer);
    }

    private static Options withOscore(List<Option> outer, OscoreOptionValue value) {
        List<Option> all = new ArrayList<>(outer);
        all.add(new Option(OptionNumber.OSCORE, Bytes.wrap(value.encode())));
        return Options.of(all);
    }

    /**
     * The message the application sees: the outer class U options (without OSCORE) and the inner
     * options; outer class E options are discarded (§4.1). A notification's Observe value comes
     * from the outer option, its order being assured by the Partial IV (§4.1.3.5.2, §7.4.1).
     */
    static Options merge(Options outer, Options inner, boolean response) {
        List<Option> all = new ArrayList<>();
        for (Option o : outer.all()) {
            if (OptionClasses.isOuterOnly(o.number()) && o.number() != OptionNumber.OSCORE) {
                all.add(o);
            } else if (response && o.number() == OptionNumber.OBSERVE && inner.has(OptionNumber.OBSERVE)) {
                all.add(o);
            }
        }
        for (Option o : inner.all()) {
            if (OptionClasses.isOuterOnly(o.number())) {
                continue; // never trusted from inside
            }
            if (response && o.number() == OptionNumber.OBSERVE && outer.has(OptionNumber.OBSERVE)) {
                continue;
            }
            all.add(o);
        }
        return Options.of(all);
    }
}
