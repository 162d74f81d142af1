package dev.tern.coap.dtls;

/**
 * Counters of a {@link DtlsLayer} since it was created.
 *
 * @param helloVerifyRequests cookies sent in HelloVerifyRequests (RFC 6347 §4.2.1: ClientHellos
 *     without a valid cookie; no state kept)
 * @param handshakesCompleted handshakes that established a session
 * @param handshakesFailed handshakes that failed (wrong credentials, alerts, timeouts, aborts)
 * @param handshakesRejected verified ClientHellos dropped at the handshake cap
 * @param datagramsDropped datagrams the record filter or the session tables discarded
 * @param recordsDelivered application records decrypted and handed to CoAP (replays and records
 *     with a bad MAC are not)
 * @param handshakesResumed of the handshakes completed, the abbreviated ones (session resumption,
 *     RFC 5246 §7.3)
 * @param resumedInPlace of those, the ones a server ran on its I/O thread instead of a handshake
 *     thread (the common case; the others ran BouncyCastle's handshake)
 * @param fullInPlace of the full handshakes completed, the ones a server ran on its I/O thread
 *     (plain pre-shared-key suites with an AEAD cipher and Extended Master Secret, the common case
 *     for PSK devices; the others ran BouncyCastle's handshake on a handshake thread)
 */
public record DtlsStatistics(long helloVerifyRequests, long handshakesCompleted, long handshakesFailed,
                             long handshakesRejected, long datagramsDropped, long recordsDelivered,
                             long handshakesResumed, long resumedInPlace, long fullInPlace) {
}
