package dev.tern.coap.oscore.internal;

import dev.tern.coap.OptionNumber;

/**
 * Which options OSCORE encrypts (RFC 8613 §4.1, Figure 5). Class U options stay outer; Observe is
 * both inner and outer (§4.1.3.5); every other option, known or unknown, is class E and travels
 * only inside the ciphertext. No option is class I in RFC 8613.
 */
public final class OptionClasses {
    private OptionClasses() {
    }

    /** Whether option {@code number} is class U only: outer, never encrypted. */
    public static boolean isOuterOnly(int number) {
        switch (number) {
            case OptionNumber.URI_HOST:
            case OptionNumber.URI_PORT:
            case OptionNumber.OSCORE:
            case OptionNumber.HOP_LIMIT:
            case OptionNumber.EDHOC:
            case OptionNumber.PROXY_URI:
            case OptionNumber.PROXY_SCHEME:
                return true;
            default:
                return false;
        }
    }
}
