package dev.tern.coap;

import java.util.Optional;

/**
 * Registered option numbers and their definitions (RFC 7252 §5.10, §12.2; RFC 7641, 7959, 7967,
 * 8613, 8768, 9175). The properties of any number follow from its bits (RFC 7252 §5.4.6).
 */
public final class OptionNumber {
    /** If-Match (RFC 7252 §5.10.8.1). */
    public static final int IF_MATCH = 1;
    /** Uri-Host (RFC 7252 §5.10.1). */
    public static final int URI_HOST = 3;
    /** ETag (RFC 7252 §5.10.6). */
    public static final int ETAG = 4;
    /** If-None-Match (RFC 7252 §5.10.8.2). */
    public static final int IF_NONE_MATCH = 5;
    /** Observe (RFC 7641 §2). */
    public static final int OBSERVE = 6;
    /** Uri-Port (RFC 7252 §5.10.1). */
    public static final int URI_PORT = 7;
    /** Location-Path (RFC 7252 §5.10.7). */
    public static final int LOCATION_PATH = 8;
    /** OSCORE (RFC 8613 §2), carried opaquely. */
    public static final int OSCORE = 9;
    /** Uri-Path (RFC 7252 §5.10.1). */
    public static final int URI_PATH = 11;
    /** Content-Format (RFC 7252 §5.10.3). */
    public static final int CONTENT_FORMAT = 12;
    /** Max-Age (RFC 7252 §5.10.5). */
    public static final int MAX_AGE = 14;
    /** Uri-Query (RFC 7252 §5.10.1). */
    public static final int URI_QUERY = 15;
    /** Hop-Limit (RFC 8768 §3). */
    public static final int HOP_LIMIT = 16;
    /** Accept (RFC 7252 §5.10.4). */
    public static final int ACCEPT = 17;
    /** Q-Block1 (RFC 9177). */
    public static final int Q_BLOCK1 = 19;
    /** Location-Query (RFC 7252 §5.10.7). */
    public static final int LOCATION_QUERY = 20;
    /** EDHOC (RFC 9668). */
    public static final int EDHOC = 21;
    /** Block2 (RFC 7959 §2.1). */
    public static final int BLOCK2 = 23;
    /** Block1 (RFC 7959 §2.1). */
    public static final int BLOCK1 = 27;
    /** Size2 (RFC 7959 §4). */
    public static final int SIZE2 = 28;
    /** Q-Block2 (RFC 9177). */
    public static final int Q_BLOCK2 = 31;
    /** Proxy-Uri (RFC 7252 §5.10.2). */
    public static final int PROXY_URI = 35;
    /** Proxy-Scheme (RFC 7252 §5.10.2). */
    public static final int PROXY_SCHEME = 39;
    /** Size1 (RFC 7252 §5.10.9). */
    public static final int SIZE1 = 60;
    /** Echo (RFC 9175 §2.2). */
    public static final int ECHO = 252;
    /** No-Response (RFC 7967 §2). */
    public static final int NO_RESPONSE = 258;
    /** Request-Tag (RFC 9175 §3.2). */
    public static final int REQUEST_TAG = 292;

    /** The largest option number that fits the 16-bit extended delta (RFC 7252 §3.1). */
    public static final int MAX = 0xFFFF;

    private static final Definition[] DEFINITIONS = new Definition[REQUEST_TAG + 1];

    static {
        define(IF_MATCH, "If-Match", OptionFormat.OPAQUE, 0, 8, true);
        define(URI_HOST, "Uri-Host", OptionFormat.STRING, 1, 255, false);
        define(ETAG, "ETag", OptionFormat.OPAQUE, 1, 8, true);
        define(IF_NONE_MATCH, "If-None-Match", OptionFormat.EMPTY, 0, 0, false);
        define(OBSERVE, "Observe", OptionFormat.UINT, 0, 3, false);
        define(URI_PORT, "Uri-Port", OptionFormat.UINT, 0, 2, false);
        define(LOCATION_PATH, "Location-Path", OptionFormat.STRING, 0, 255, true);
        define(OSCORE, "OSCORE", OptionFormat.OPAQUE, 0, 255, false);
        define(URI_PATH, "Uri-Path", OptionFormat.STRING, 0, 255, true);
        define(CONTENT_FORMAT, "Content-Format", OptionFormat.UINT, 0, 2, false);
        define(MAX_AGE, "Max-Age", OptionFormat.UINT, 0, 4, false);
        define(URI_QUERY, "Uri-Query", OptionFormat.STRING, 0, 255, true);
        define(HOP_LIMIT, "Hop-Limit", OptionFormat.UINT, 1, 1, false);
        define(ACCEPT, "Accept", OptionFormat.UINT, 0, 2, false);
        define(Q_BLOCK1, "Q-Block1", OptionFormat.UINT, 0, 3, false);
        define(LOCATION_QUERY, "Location-Query", OptionFormat.STRING, 0, 255, true);
        define(EDHOC, "EDHOC", OptionFormat.EMPTY, 0, 0, false);
        define(BLOCK2, "Block2", OptionFormat.UINT, 0, 3, false);
        define(BLOCK1, "Block1", OptionFormat.UINT, 0, 3, false);
        define(SIZE2, "Size2", OptionFormat.UINT, 0, 4, false);
        define(Q_BLOCK2, "Q-Block2", OptionFormat.UINT, 0, 3, true);
        define(PROXY_URI, "Proxy-Uri", OptionFormat.STRING, 1, 1034, false);
        define(PROXY_SCHEME, "Proxy-Scheme", OptionFormat.STRING, 1, 255, false);
        define(SIZE1, "Size1", OptionFormat.UINT, 0, 4, false);
        define(ECHO, "Echo", OptionFormat.OPAQUE, 1, 40, false);
        define(NO_RESPONSE, "No-Response", OptionFormat.UINT, 0, 1, false);
        define(REQUEST_TAG, "Request-Tag", OptionFormat.OPAQUE, 0, 8, true);
    }

    /**
     * The registered definition of an option (RFC 7252 §5.10 table and the later registrations).
     *
     * @param number the option number
     * @param name the registered name, e.g. {@code Uri-Path}
     * @param format the value format
     * @param minLength the smallest valid value length in bytes
     * @param maxLength the largest valid value length in bytes
     * @param repeatable whether the option may occur more than once (RFC 7252 §5.4.5)
     */
    public record Definition(int number, String name, OptionFormat format, int minLength, int maxLength,
                             boolean repeatable) {
        /** Whether {@code length} is within the definition's range (RFC 7252 §5.4.3). */
        public boolean acceptsLength(int length) {
            return length >= minLength && length <= maxLength;
        }
    }

    private OptionNumber() {
    }

    private static void define(int number, String name, OptionFormat format, int min, int max, boolean repeatable) {
        DEFINITIONS[number] = new Definition(number, name, format, min, max, repeatable);
    }

    /** The definition of a registered option; empty for numbers this library does not know. */
    public static Optional<Definition> definition(int number) {
        return number >= 0 && number < DEFINITIONS.length ? Optional.ofNullable(DEFINITIONS[number]) : Optional.empty();
    }

    /** Whether Tern knows the option number. */
    public static boolean isKnown(int number) {
        return number >= 0 && number < DEFINITIONS.length && DEFINITIONS[number] != null;
    }

    /** The registered name, or {@code Option-N} for unknown numbers. */
    public static String name(int number) {
        return definition(number).map(Definition::name).orElse("Option-" + number);
    }

    /** Odd numbers are critical: an endpoint that does not understand them must reject (RFC 7252 §5.4.1). */
    public static boolean isCritical(int number) {
        return (number & 1) != 0;
    }

    /** Elective is the opposite of critical (RFC 7252 §5.4.1). */
    public static boolean isElective(int number) {
        return (number & 1) == 0;
    }

    /** Bit 1 set: a proxy that does not understand it must not forward it (RFC 7252 §5.4.2). */
    public static boolean isUnsafe(int number) {
        return (number & 2) != 0;
    }

    /** Bits 2-4 all set: not part of the cache key (RFC 7252 §5.4.6). */
    public static boolean isNoCacheKey(int number) {
        return (number & 0x1e) == 0x1c;
    }

    /** The value format: the registered one, or opaque for unknown numbers. */
    public static OptionFormat format(int number) {
        return definition(number).map(Definition::format).orElse(OptionFormat.OPAQUE);
    }

    /** Whether the option may repeat; unknown options are treated as repeatable (kept as received). */
    public static boolean isRepeatable(int number) {
        return definition(number).map(Definition::repeatable).orElse(true);
    }
}
