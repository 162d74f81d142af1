package dev.tern.coap.dtls;

import java.security.SecureRandom;

/**
 * Makes the Connection IDs a server issues (RFC 9146 §3): by default all random bytes. A cluster
 * puts its node id at a fixed offset, so that any node, or a balancer that reads the CID of a
 * {@code tls12_cid} record (RFC 9146 §4: at byte 11 of the record header), can tell which node
 * owns the session. Called on a handshake thread; the transport retries with a new CID while the
 * one made is still in use, so the random part must stay large enough.
 */
@FunctionalInterface
public interface ConnectionIdGenerator {
    /**
     * Fills {@code cid} (its length is {@link DtlsConfig#connectionIdLength()}) with a new
     * Connection ID, using {@code random} for its unpredictable part (RFC 9146 §3).
     */
    void fill(byte[] cid, SecureRandom random);

    /** All bytes random: the default. */
    static ConnectionIdGenerator random() {
        return (cid, random) -> random.nextBytes(cid);
    }
}
