package dev.tern.coap.internal.blockwise;

import dev.tern.coap.Bytes;
import dev.tern.coap.Method;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What ties the requests of one block-wise transfer together on a server (RFC 7959 §2.3, §2.4):
 * the peer and the security identity it proved (RFC 7252 §9.1: a transfer belongs to the session it
 * started in, so a peer that later takes over the address neither continues nor reads it), the
 * method and the options that identify the resource (Uri-Host, Uri-Port, Uri-Path, Uri-Query), plus
 * Request-Tag for request bodies (RFC 9175 §3.3) or Accept and, for FETCH, the request payload for
 * response bodies (RFC 8132 §2.3.2).
 *
 * @param peer the client's endpoint
 * @param identity who the peer authenticated as over DTLS; null over plain UDP
 * @param method the request method
 * @param options the identifying options, in wire order
 * @param fetchPayload the FETCH request payload; empty for other methods
 */
record ResourceKey(InetSocketAddress peer, PeerIdentity identity, Method method, List<Option> options, Bytes fetchPayload) {
    /** The key of a request body (Block1): resource and Request-Tag. */
    static ResourceKey ofBody(Request request) {
        return of(request, OptionNumber.REQUEST_TAG, Bytes.EMPTY);
    }

    /** The key of a response body (Block2): resource, Accept and the FETCH payload. */
    static ResourceKey ofRepresentation(Request request) {
        Bytes fetch = request.method() == Method.FETCH && !request.options().has(OptionNumber.BLOCK1)
                ? request.payload() : Bytes.EMPTY;
        return of(request, OptionNumber.ACCEPT, fetch);
    }

    private static ResourceKey of(Request request, int extra, Bytes fetchPayload) {
        Options all = request.options();
        List<Option> identifying = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            Option o = all.get(i);
            int n = o.number();
            if (n == OptionNumber.URI_HOST || n == OptionNumber.URI_PORT || n == OptionNumber.URI_PATH
                    || n == OptionNumber.URI_QUERY || n == extra) {
                identifying.add(o);
            }
        }
        return new ResourceKey(request.peer(), request.peerIdentity().orElse(null), request.method(), List.copyOf(identifying), fetchPayload);
    }
}
