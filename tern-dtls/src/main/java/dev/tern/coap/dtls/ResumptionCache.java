package dev.tern.coap.dtls;

import java.util.Optional;

/**
 * Where a server keeps the sessions it may resume (RFC 5246 §7.3, §7.4.1.2) beyond its own
 * memory, for example shared by the nodes of a cluster so that a client whose node died resumes
 * on another one with an abbreviated handshake. The in-memory cache of {@link
 * DtlsConfig#sessionCacheSize()} is asked first; this cache is asked on a miss and told of every
 * session that completed a handshake (the same records as the state SPI's export: sessions
 * authenticated by a certificate or raw public key are not shared, their peers make a full
 * handshake on another server).
 *
 * <p>{@code state} holds the session's master secret: an implementation that stores it outside
 * the process must encrypt and authenticate it. {@link #get} runs on handshake threads and may
 * block briefly (bound it, and answer empty on a timeout: the client then gets a full handshake).
 * {@link #put} runs on handshake threads and, after a handshake run in place, on the endpoint's
 * I/O thread: it must not block (queue the write, as the Redis cache does).
 */
public interface ResumptionCache {
    /** Keeps {@code state} (an opaque encoding of the session) under {@code sessionId}. */
    void put(byte[] sessionId, byte[] state);

    /** The state kept under {@code sessionId}, if any. */
    Optional<byte[]> get(byte[] sessionId);
}
