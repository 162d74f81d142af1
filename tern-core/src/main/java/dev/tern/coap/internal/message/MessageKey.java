package dev.tern.coap.internal.message;

import java.net.InetSocketAddress;

/**
 * A Message ID in the scope of one peer: the key of duplicate detection and of ACK/RST matching
 * (RFC 7252 §4.4, §4.5).
 *
 * @param peer the remote endpoint
 * @param messageId the 16-bit Message ID
 */
public record MessageKey(InetSocketAddress peer, int messageId) {
}
