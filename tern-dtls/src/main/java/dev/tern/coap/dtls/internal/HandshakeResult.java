package dev.tern.coap.dtls.internal;

import dev.tern.coap.PeerIdentity;

/**
 * What a completed handshake established: the peer's identity (null for an anonymous client of a
 * certificate server), the cipher suite, the Connection ID the server issued (RFC 9146; records to the server carry it; empty for
 * none) and whether the session was resumed.
 */
record HandshakeResult(PeerIdentity identity, String cipherSuite, byte[] connectionId, boolean resumed) {
}
