package dev.tern.coap.internal.state;

import dev.tern.coap.PeerIdentity;

/**
 * A peer identity in a state record: {@code KIND:cipherSuite:name}, empty for none. Only the
 * identities that a name and suite fully describe (a PSK identity, RFC 7252 §9.1.3.1; an OSCORE
 * context, RFC 8613 §3) can be rebuilt; a raw public key or certificate needs the key itself.
 */
public final class IdentityText {
    private IdentityText() {
    }

    /** The text of {@code identity}; empty for null. */
    public static String of(PeerIdentity identity) {
        return identity == null ? "" : identity.kind() + ":" + identity.cipherSuite() + ":" + identity.name();
    }

    /** Whether {@code text} names the same peer as {@code identity} (kind and name; the suite may differ). */
    public static boolean sameName(String text, PeerIdentity identity) {
        if (identity == null || text.isEmpty()) {
            return false;
        }
        int kind = text.indexOf(':');
        int suite = kind < 0 ? -1 : text.indexOf(':', kind + 1);
        return suite > 0 && text.substring(0, kind).equals(identity.kind().name())
                && text.substring(suite + 1).equals(identity.name());
    }

    /** The identity {@code text} describes, or null when it is empty or cannot be rebuilt from text. */
    public static PeerIdentity parse(String text) {
        int kind = text.indexOf(':');
        int suite = kind < 0 ? -1 : text.indexOf(':', kind + 1);
        if (suite < 0) {
            return null;
        }
        String k = text.substring(0, kind);
        String cipher = text.substring(kind + 1, suite);
        String name = text.substring(suite + 1);
        if (k.equals(PeerIdentity.Kind.PRE_SHARED_KEY.name())) {
            return PeerIdentity.preSharedKey(name, cipher);
        }
        if (k.equals(PeerIdentity.Kind.OSCORE.name())) {
            return PeerIdentity.oscore(name, cipher);
        }
        return null;
    }
}
