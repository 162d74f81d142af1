package dev.tern.coap.dtls;

/**
 * A server's pre-shared keys, looked up by the identity a client names in its handshake
 * (RFC 4279, RFC 7252 §9.1.3.1). Called on handshake threads and, for the handshakes a server
 * runs in place (plain PSK suites, resumptions), on the endpoint's I/O thread: must be
 * thread-safe and should answer from memory, without blocking.
 */
@FunctionalInterface
public interface PskStore {
    /** The key of {@code identity}, or null when it is unknown (the handshake then fails). */
    byte[] key(String identity);
}
