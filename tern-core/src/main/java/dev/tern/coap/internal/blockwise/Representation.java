package dev.tern.coap.internal.blockwise;

import dev.tern.coap.Block;
import dev.tern.coap.Bytes;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Response;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A whole response body kept by the server for block-wise retrieval (RFC 7959 §2.4). A
 * representation of a GET or FETCH without an ETag gets one computed from its content, so that a
 * client sees the same ETag in every block — also when a later block is served by running the
 * handler again — and notices a change (§2.4).
 *
 * @param full the application's response, with the ETag when one was generated
 */
record Representation(Response full) {
    /** The representation of {@code response}; {@code generateEtag} adds a content ETag if it has none. */
    static Representation of(Response response, boolean generateEtag) {
        // the response's whenSent action goes with block 0 only (BlockwiseServer), not with every block
        Response kept = dev.tern.coap.internal.api.ApiAccess.get().withoutWhenSent(response);
        if (!generateEtag || kept.options().has(OptionNumber.ETAG)) {
            return new Representation(kept);
        }
        return new Representation(kept.toBuilder().etag(contentEtag(kept.payload())).build());
    }

    /** The body length in bytes. */
    int length() {
        return full.payload().length();
    }

    /**
     * Block {@code num} of size {@code 2^(szx+4)} with its Block2 option (RFC 7959 §2.2), and Size2
     * (§4) when {@code size2}; null when the block starts beyond the end of the body. For SZX 7
     * (BERT, RFC 8323 §6) NUM counts 1024-byte units and the block carries up to {@code bert} bytes.
     */
    Response block(int num, int szx, int bert, boolean size2) {
        long offset = (long) num * new Block(0, false, szx).size();
        int length = length();
        if (offset >= length && num > 0) {
            return null;
        }
        int end = (int) Math.min(length, offset + BlockwiseServer.capacity(szx, bert));
        Bytes slice = full.payload().slice((int) offset, end - (int) offset);
        Block block = new Block(num, end < length, szx);
        return full.toBuilder().payload(slice).options(o -> {
            o.set(OptionNumber.BLOCK2, block.value());
            if (size2) {
                o.set(OptionNumber.SIZE2, length);
            }
        }).build();
    }

    /** The first 8 bytes of the SHA-256 of the body (an ETag may be 1 to 8 bytes, RFC 7252 §5.10.6). */
    static Bytes contentEtag(Bytes body) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return Bytes.wrap(Arrays.copyOf(sha.digest(body.toArray()), 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
