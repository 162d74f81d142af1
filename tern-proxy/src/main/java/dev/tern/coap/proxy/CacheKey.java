package dev.tern.coap.proxy;

import dev.tern.coap.CoapUri;
import dev.tern.coap.Method;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import java.util.ArrayList;
import java.util.List;

/**
 * What identifies a cached response (RFC 7252 §5.6, §5.4.6): the method, the target URI (which
 * stands for Proxy-Uri, Proxy-Scheme and the Uri-* options) and the request's other options that
 * are part of the cache key. Left out: options marked NoCacheKey (Size1, Size2, Echo, ...), the
 * proxy's own hop-by-hop options (Hop-Limit, Observe, Block1, Block2, Request-Tag) and ETag, which
 * the cache uses for validation (§5.6.2) rather than as a key.
 *
 * @param method the request method
 * @param uri the normalised target URI (RFC 7252 §6.5)
 * @param options the request options that are part of the key, in wire order
 */
record CacheKey(Method method, String uri, List<Option> options) {
    static CacheKey of(Method method, CoapUri target, Options request) {
        return of(method, target.toString(), request);
    }

    static CacheKey of(Method method, String target, Options request) {
        List<Option> keyed = new ArrayList<>();
        for (int i = 0; i < request.size(); i++) {
            Option o = request.get(i);
            if (isKeyed(o.number())) {
                keyed.add(o);
            }
        }
        return new CacheKey(method, target, List.copyOf(keyed));
    }

    private static boolean isKeyed(int number) {
        if (OptionNumber.isNoCacheKey(number)) {
            return false;
        }
        switch (number) {
            case OptionNumber.PROXY_URI:
            case OptionNumber.PROXY_SCHEME:
            case OptionNumber.URI_HOST:
            case OptionNumber.URI_PORT:
            case OptionNumber.URI_PATH:
            case OptionNumber.URI_QUERY:
            case OptionNumber.HOP_LIMIT:
            case OptionNumber.OBSERVE:
            case OptionNumber.BLOCK1:
            case OptionNumber.BLOCK2:
            case OptionNumber.REQUEST_TAG:
            case OptionNumber.ETAG:
                return false;
            default:
                return true;
        }
    }

    /** Approximate bytes a key holds, for the cache's byte bound. */
    int size() {
        int n = 48 + uri.length() * 2;
        for (Option o : options) {
            n += 24 + o.value().length();
        }
        return n;
    }
}
