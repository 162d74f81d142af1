package dev.tern.coap.spi;

import dev.tern.coap.Bytes;
import dev.tern.coap.Method;
import dev.tern.coap.Options;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.internal.api.ApiAccess;
import java.util.Objects;

/**
 * For a layer that sits between the engine and the application, such as an {@link ObjectSecurity}
 * implementation (OSCORE, RFC 8613 §8): it turns the request the engine received (or the
 * application sent) into the one the next stage sees, without the engine-only setters that the
 * public {@link Request.Builder} does not offer.
 */
public final class LayeredRequests {
    private LayeredRequests() {
    }

    /**
     * {@code outer} with another method, options and payload, keeping what the engine knows of it:
     * the peer, the scheme, the token, CON or NON, the timeout, what {@link Request#acknowledge()}
     * does and whether it came to a multicast group.
     *
     * @param identity who the layer authenticated the peer as (server side, e.g. an OSCORE
     *        context's Recipient ID), or null to keep {@code outer}'s
     * @param observable false makes {@link Request#observe} refuse, for a layer that cannot yet
     *        carry notifications
     */
    public static Request rewrite(Request outer, Method method, Options options, Bytes payload, PeerIdentity identity,
                                  boolean observable) {
        Objects.requireNonNull(outer, "outer");
        Objects.requireNonNull(method, "method");
        return ApiAccess.get().rewrite(outer, method, options, payload, identity, observable);
    }
}
