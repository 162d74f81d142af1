package dev.tern.coap.dtls;

/**
 * A server's pre-shared keys, looked up by the identity a client names in its handshake
 * (RFC 4279, RFC 7252 §9.1.3.1). Called on a handshake thread; must be thread-safe.
 */
@FunctionalInterface
public interface PskStore {
    /** The key of {@code identity}, or null when it is unknown (the handshake then fails). */
    byte[] key(String identity);
}
