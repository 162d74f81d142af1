package dev.tern.coap.spi;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Told when a server observe relation (RFC 7641 §4.1) begins and ends, and given the means to end
 * one from outside: a cluster mirrors the relations of its nodes so that any node lists and cancels
 * them. Events come on the I/O thread of the endpoint that holds the relation (one per
 * {@code ioThreads}), once per registration and once per ending, never per notification: an
 * implementation must be quick, thread-safe and must not block. A re-registration (RFC 7641
 * §3.3.1) is a removal followed by an addition.
 */
public interface RelationListener {

    /** Relation {@code relation} was registered (RFC 7641 §4.1). */
    void added(Relation relation);

    /** Relation {@code relation} ended, for whatever reason (RFC 7641 §3.6, §4.2, §4.5). */
    void removed(Relation relation);

    /** Called once when the server starts, with the way to end its relations; default: ignored. */
    default void started(Canceller canceller) {
    }

    /**
     * Ends relations of a started server from any thread (RFC 7641 §4.2): the relation is removed at
     * once and its observer receives, as a last notification, a confirmable {@code code} response
     * without Observe, after which it stops expecting notifications (§3.2). {@code code} must be an
     * error (4.xx or 5.xx); 5.03 Service Unavailable says "not now, register again", 4.04 "gone".
     */
    @FunctionalInterface
    interface Canceller {
        /** Ends the relation of {@code peer} and {@code token}; completes with whether there was one. */
        CompletionStage<Boolean> cancel(InetSocketAddress peer, Bytes token, Code code);
    }

    /**
     * What is known about a relation outside the engine: the observer's address, the token, the
     * observed resource's path and the security identity it registered under ({@code
     * KIND:cipherSuite:name}, RFC 7252 §9.1; empty over plain UDP). No key material.
     */
    record Relation(InetSocketAddress peer, Bytes token, String path, Optional<String> identity) {
        /** Checks that nothing is null. */
        public Relation {
            Objects.requireNonNull(peer, "peer");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(identity, "identity");
        }
    }
}
