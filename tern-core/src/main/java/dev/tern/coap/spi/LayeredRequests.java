package dev.tern.coap.spi;

import dev.tern.coap.Bytes;
import dev.tern.coap.Method;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Options;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.internal.api.ApiAccess;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * For a layer that sits between the engine and the application, such as an {@link ObjectSecurity}
 * implementation (OSCORE, RFC 8613 §8): it turns the request the engine received (or the
 * application sent) into the one the next stage sees, without the engine-only setters that the
 * public {@link Request.Builder} does not offer.
 */
public final class LayeredRequests {
    private static final dev.tern.coap.Response NO_RESPONSE = dev.tern.coap.Response.of(dev.tern.coap.Code.CONTENT);

    private LayeredRequests() {
    }

    /**
     * What a layer returns when the request asked for no response (RFC 7967), which only it could
     * read: an OSCORE request's No-Response option is encrypted (class E, RFC 8613 §4.1.3). The
     * engine then sends nothing, only the empty ACK a CON needs. Compared by identity.
     */
    public static dev.tern.coap.Response noResponse() {
        return NO_RESPONSE;
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

    /**
     * As {@link #rewrite(Request, Method, Options, Bytes, PeerIdentity, boolean)}, with {@code observe}
     * as the action of the result's {@link Request#observe} (RFC 7641 §4.1): a layer that carries
     * notifications (OSCORE, RFC 8613 §4.1.3.5) learns from it whether the handler took the
     * registration, and passes the call on to {@code outer.observe}.
     */
    public static Request rewrite(Request outer, Method method, Options options, Bytes payload, PeerIdentity identity,
                                  Predicate<ObservableResource> observe) {
        Objects.requireNonNull(outer, "outer");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(observe, "observe");
        return ApiAccess.get().rewrite(outer, method, options, payload, identity, observe);
    }

    /**
     * Whether the server engine passes {@code request} again, as it does for each notification of
     * an observe relation (RFC 7641 §4.2): the request was checked when it first arrived, and only
     * the engine can mark it so (no message on the wire can). An OSCORE layer decrypts it again
     * without counting it as a replay (RFC 8613 §4.1.3.5.2, §7.4).
     */
    public static boolean isRepeated(Request request) {
        return ApiAccess.get().isRepeated(Objects.requireNonNull(request, "request"));
    }
}
