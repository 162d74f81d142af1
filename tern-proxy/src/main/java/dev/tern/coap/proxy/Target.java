package dev.tern.coap.proxy;

import dev.tern.coap.CoapUri;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An upstream target parsed once: the URI, its text (the cache key's and the invalidation's, RFC
 * 7252 §5.6) and, for an IP-literal host, the forward proxy's admission of it (scheme, address and
 * allow-list, {@link Forwarder#admit(Target, boolean)}), which does not change while the proxy runs.
 * A {@link Cache} keeps targets per request string (Proxy-Uri, or the gateway's HTTP request URI)
 * so that a repeated request skips the parse and the allow-list walk, never the check itself.
 */
final class Target {
    private final CoapUri uri;
    private final String text;
    private volatile Forwarder.Admission admitted;

    private Target(CoapUri uri) {
        this.uri = uri;
        this.text = uri.toString();
    }

    static Target of(CoapUri uri) {
        return new Target(uri);
    }

    CoapUri uri() {
        return uri;
    }

    /** The normalised URI text (RFC 7252 §6.5). */
    String text() {
        return text;
    }

    /** The forward proxy's admission, once made for an IP-literal host; null before (or for a name). */
    Forwarder.Admission admitted() {
        return admitted;
    }

    void admitted(Forwarder.Admission admission) {
        if (uri.hostIsLiteral()) {
            this.admitted = admission; // a name may resolve elsewhere next time: never kept
        }
    }

    /**
     * Parsed targets per request string, at most {@code max} of them (emptied when full; 0 keeps
     * none); strings longer than {@link #MAX_KEY} characters are parsed each time, never kept.
     */
    static final class Cache {
        static final int MAX_KEY = 512;
        private final int max;
        private final ConcurrentHashMap<String, Target> targets = new ConcurrentHashMap<>();

        Cache(int max) {
            this.max = max;
        }

        /** The target kept for {@code key}, or null. */
        Target get(String key) {
            return max == 0 ? null : targets.get(key);
        }

        /** Keeps {@code target} for {@code key}; returns it. */
        Target put(String key, Target target) {
            if (max > 0 && key.length() <= MAX_KEY) {
                if (targets.size() >= max) {
                    targets.clear(); // a flood of distinct targets: start over rather than grow
                }
                targets.put(key, target);
            }
            return target;
        }

        int size() {
            return targets.size();
        }
    }
}
