package dev.tern.coap.spi;

import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.util.Optional;

/**
 * The object-security layer's side of one client observation (RFC 7641; OSCORE, RFC 8613
 * §4.1.3.5, §8.1, §8.4), from {@link ObjectSecurity#observation}: each registration,
 * re-registration and deregistration is protected anew (its own Partial IV), and each
 * notification is verified against the latest registration, in the order of its Partial IV.
 * Called on the engine's scheduler thread.
 */
public interface SecuredObservation {
    /**
     * Protects a (re-)registration or the deregistration (RFC 7641 §3.1, §3.3.1, §3.6).
     *
     * @throws dev.tern.coap.CoapSecurityException when it cannot be protected; it is not sent then
     */
    Request protect(Request request);

    /**
     * Verifies and decrypts a response or notification to the latest protected registration. An
     * unprotected 4.xx/5.xx (an error the RFC lets a server send without protection, RFC 8613 §8.2)
     * passes as it is; anything else that does not verify, or a notification older than one
     * verified before (RFC 8613 §7.4.1), is empty and dropped.
     */
    Optional<Response> verify(Response response);
}
