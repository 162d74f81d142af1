package dev.tern.coap.spi;

import dev.tern.coap.Filter;
import dev.tern.coap.Request;
import dev.tern.coap.Response;

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

    /**
     * Server side: protects a response the engine sends for an earlier request without passing
     * it through {@link #serverFilter()} again: the last notification an observe relation ends with
     * when its resource terminates it (RFC 7641 §4.2; RFC 8613 §4.1.3.5.2, §8.3). {@code registration}
     * is the request as it arrived (protected). Returns the response to send, or null to send
     * nothing. The default passes {@code response} on unchanged.
     */
    default Response protectNotification(Request registration, Response response) {
        return response;
    }

    /**
     * Client side: the protection of one observation (RFC 7641; RFC 8613 §4.1.3.5), or null when
     * the layer cannot carry observations (the engine then refuses them). The default is null.
     *
     * @param registration the request as the application made it, to the resolved destination
     */
    default SecuredObservation observation(Request registration) {
        return null;
    }
}
