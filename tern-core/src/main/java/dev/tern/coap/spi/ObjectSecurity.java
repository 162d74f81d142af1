package dev.tern.coap.spi;

import dev.tern.coap.Filter;

/**
 * An object-security layer such as OSCORE (RFC 8613): it protects each message end to end, above
 * the message layer (so deduplication answers a retransmission from its cache and nothing is
 * decrypted twice) and below block-wise transfer (so blocks are protected one by one, RFC 8613
 * §4.1.3.4.1). {@code tern-oscore} provides one. The engine places the two filters in
 * {@code CoapEndpoint.assemble}.
 */
public interface ObjectSecurity {
    /**
     * Server side: verifies and decrypts each request before the service below sees it, and
     * protects its response; answers failures with the RFC's unprotected error responses.
     */
    Filter serverFilter();

    /**
     * Client side: protects each request before it is sent, and verifies and decrypts its
     * response; fails the future with a {@code CoapSecurityException} for a response that is not
     * authentic.
     */
    Filter clientFilter();
}
