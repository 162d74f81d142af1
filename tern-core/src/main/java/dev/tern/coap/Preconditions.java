package dev.tern.coap;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Helpers for conditional requests (RFC 7252 §5.10.8), validation with ETags (RFC 7252 §5.10.6.2,
 * §5.9.1.3) and deriving ETags from content (RFC 7252 §5.10.6.1).
 *
 * <pre>{@code
 * .put("/doc", req -> {
 *     Optional<Bytes> etag = store.exists() ? Optional.of(Preconditions.etagOf(store.read())) : Optional.empty();
 *     return Preconditions.check(req, etag).orElseGet(() -> store.write(req.payload()));
 * })
 * .get("/doc", req -> {
 *     Bytes etag = Preconditions.etagOf(store.read());
 *     return Preconditions.validIfEtagMatches(req, etag)
 *         .orElseGet(() -> Response.builder(Code.CONTENT).payload(store.read()).etag(etag).build());
 * })
 * }</pre>
 */
public final class Preconditions {
    /** The length of the ETags made by {@link #etagOf(Bytes)}; at most 8 (RFC 7252 §5.10.6). */
    public static final int ETAG_LENGTH = 8;

    private Preconditions() {
    }

    /**
     * Evaluates If-Match (RFC 7252 §5.10.8.1) and If-None-Match (§5.10.8.2) against the current
     * state of the target resource.
     *
     * <p>If-Match, when present, is fulfilled if the resource exists and one of its values is empty
     * (which matches any current representation) or equals the current ETag. If-None-Match, when
     * present, is fulfilled only if the resource does not exist. When a condition is not fulfilled,
     * the answer is 4.12 Precondition Failed (§5.9.2.9) and the request must not be performed.
     *
     * @param request the request
     * @param currentEtag the ETag of the current representation; empty when the resource does not
     *     exist. For a resource that exists but has no ETag, pass {@code Optional.of(Bytes.EMPTY)}:
     *     it satisfies an empty If-Match value only.
     * @return 4.12 Precondition Failed, or empty when the request may be performed
     */
    public static Optional<Response> check(Request request, Optional<Bytes> currentEtag) {
        Objects.requireNonNull(currentEtag, "currentEtag");
        Options options = request.options();
        List<Bytes> ifMatch = options.ifMatch();
        if (!ifMatch.isEmpty()) {
            boolean matched = false;
            if (currentEtag.isPresent()) {
                Bytes current = currentEtag.get();
                for (Bytes value : ifMatch) {
                    if (value.isEmpty() || value.equals(current)) {
                        matched = true;
                        break;
                    }
                }
            }
            if (!matched) {
                return Optional.of(Response.of(Code.PRECONDITION_FAILED));
            }
        }
        if (options.ifNoneMatch() && currentEtag.isPresent()) {
            return Optional.of(Response.of(Code.PRECONDITION_FAILED));
        }
        return Optional.empty();
    }

    /**
     * Answers a GET or FETCH that lists ETags of stored representations (RFC 7252 §5.10.6.2): when
     * one of them equals {@code currentEtag}, 2.03 Valid (§5.9.1.3) carrying that ETag, so the client
     * can keep using its copy; otherwise empty, and the handler sends the representation.
     *
     * @param request the request with zero or more ETag options
     * @param currentEtag the ETag of the current representation
     * @return 2.03 Valid with the ETag, or empty
     */
    public static Optional<Response> validIfEtagMatches(Request request, Bytes currentEtag) {
        Objects.requireNonNull(currentEtag, "currentEtag");
        for (Bytes etag : request.options().etags()) {
            if (etag.equals(currentEtag)) {
                return Optional.of(Response.builder(Code.VALID).etag(currentEtag).build());
            }
        }
        return Optional.empty();
    }

    /**
     * A stable ETag for a representation (RFC 7252 §5.10.6.1): the first {@value #ETAG_LENGTH} bytes
     * of its SHA-256 digest. Equal content gives equal ETags, across runs and machines.
     *
     * @param representation the bytes of the representation (payload)
     * @return an 8-byte ETag
     */
    public static Bytes etagOf(Bytes representation) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required on every Java platform", e);
        }
        byte[] digest = sha256.digest(representation.toArray());
        return Bytes.of(digest, 0, ETAG_LENGTH);
    }
}
