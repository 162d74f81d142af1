package dev.tern.coap.spi;

import dev.tern.coap.Bytes;
import java.util.concurrent.CompletionStage;

/**
 * Told when a client observation (RFC 7641 §3) is established and when it ends, and given the
 * means to cancel one from outside: a cluster mirrors the observations of its nodes' clients so
 * that any node lists and cancels them. Events come from the client's I/O thread, once when the
 * registration is answered with Observe and once when the observation ends (never per
 * notification; a re-registration with the same token, §3.3.1, is neither): an implementation must
 * be quick, thread-safe and must not block.
 */
public interface ClientObservationListener {

    /** Observation {@code observation} was established (RFC 7641 §3.1: answered with Observe). */
    void added(ClientObservationState observation);

    /** Observation {@code observation} ended, for whatever reason (RFC 7641 §3.2, §3.6). */
    void removed(ClientObservationState observation);

    /** Called once when the client is built, with the way to cancel its observations; default: ignored. */
    default void started(Canceller canceller) {
    }

    /** Cancels observations of a built client from any thread (RFC 7641 §3.6). */
    @FunctionalInterface
    interface Canceller {
        /**
         * Deregisters the observation of {@code token} with a GET carrying Observe=1 and that token
         * (RFC 7641 §3.6); completes with whether the client held such an observation.
         */
        CompletionStage<Boolean> cancel(Bytes token);
    }
}
