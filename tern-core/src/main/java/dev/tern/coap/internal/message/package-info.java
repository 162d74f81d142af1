/** Internal. The message layer of RFC 7252 §4: CON/NON/ACK/RST, Message IDs, deduplication, retransmission, ping. */
package dev.tern.coap.internal.message;
