package dev.tern.coap;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * An immutable set of options, ordered by option number; options with the same number keep their
 * order (RFC 7252 §3.1, §5.4.5). Typed accessors read the registered options.
 */
public final class Options {
    /** No options. */
    public static final Options EMPTY = new Options(new Option[0]);
    /** The Hop-Limit a proxy inserts when a request has none (RFC 8768 §3). */
    public static final int DEFAULT_HOP_LIMIT = 16;

    /** Content-Format alone for the formats below 128 (text, link-format, JSON, CBOR, ...), built once. */
    private static final Options[] CONTENT_FORMATS = new Options[128];

    static {
        for (int f = 0; f < CONTENT_FORMATS.length; f++) {
            CONTENT_FORMATS[f] = new Options(new Option[] {Option.ofUint(OptionNumber.CONTENT_FORMAT, f)});
        }
    }

    private final Option[] options;

    private Options(Option[] sorted) {
        this.options = sorted;
    }

    /** Options from a list in any order; same-number options keep their relative order. */
    public static Options of(List<Option> options) {
        Objects.requireNonNull(options, "options");
        Option[] a = options.toArray(new Option[0]);
        Arrays.sort(a, (x, y) -> Integer.compare(x.number(), y.number())); // stable merge sort
        return a.length == 0 ? EMPTY : new Options(a);
    }

    /**
     * Options from an array in any order, taking ownership of it without copying (like
     * {@link Bytes#wrap}): it is sorted in place, and the caller must not use it afterwards. For
     * codecs that build the array themselves; everyone else uses {@link #of}.
     */
    public static Options wrap(Option[] options) {
        Objects.requireNonNull(options, "options");
        boolean sorted = true;
        for (int i = 0; i < options.length; i++) {
            Objects.requireNonNull(options[i], "option");
            sorted &= i == 0 || options[i].number() >= options[i - 1].number();
        }
        if (!sorted) {
            Arrays.sort(options, (x, y) -> Integer.compare(x.number(), y.number())); // stable merge sort
        }
        return options.length == 0 ? EMPTY : new Options(options);
    }

    /** Only a Content-Format option, shared for the small formats most responses carry. */
    static Options ofContentFormat(int format) {
        if (format < 0 || format >= CONTENT_FORMATS.length) {
            return of(Option.ofUint(OptionNumber.CONTENT_FORMAT, format));
        }
        return CONTENT_FORMATS[format];
    }

    /** Options from values in any order. */
    public static Options of(Option... options) {
        Objects.requireNonNull(options, "options");
        return of(Arrays.asList(options));
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        Collections.addAll(b.list, options);
        return b;
    }

    /** All options in wire order. */
    public List<Option> all() {
        return List.of(options);
    }

    /** The number of option instances. */
    public int size() {
        return options.length;
    }

    /**
     * The option instance at {@code index} in wire order, without copying the array.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
     */
    public Option get(int index) {
        return options[index];
    }

    /** Whether there are no options. */
    public boolean isEmpty() {
        return options.length == 0;
    }

    /** Whether at least one option with this number is present. */
    public boolean has(int number) {
        for (Option o : options) {
            if (o.number() == number) {
                return true;
            }
        }
        return false;
    }

    /** The first option with this number. */
    public Optional<Option> first(int number) {
        for (Option o : options) {
            if (o.number() == number) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    /** Every option with this number, in order. */
    public List<Option> all(int number) {
        List<Option> r = null;
        for (Option o : options) {
            if (o.number() == number) {
                if (r == null) {
                    r = new ArrayList<>(2);
                }
                r.add(o);
            }
        }
        return r == null ? List.of() : Collections.unmodifiableList(r);
    }

    /** The first value of a string option. */
    public Optional<String> string(int number) {
        return first(number).map(Option::stringValue);
    }

    /** The first value of a uint option. */
    public OptionalLong uint(int number) {
        Optional<Option> o = first(number);
        return o.isPresent() ? OptionalLong.of(o.get().uintValue()) : OptionalLong.empty();
    }

    private OptionalInt uintInt(int number) {
        OptionalLong v = uint(number);
        return v.isPresent() ? OptionalInt.of((int) v.getAsLong()) : OptionalInt.empty();
    }

    private List<String> strings(int number) {
        int count = 0;
        int first = -1;
        for (int i = 0; i < options.length; i++) {
            if (options[i].number() == number) {
                count++;
                first = first < 0 ? i : first;
            }
        }
        if (count <= 1) {
            // The common cases (no query, a one-segment path) without a list to grow and wrap.
            return count == 0 ? List.of() : List.of(options[first].stringValue());
        }
        String[] r = new String[count];
        for (int i = first, n = 0; n < count; i++) {
            if (options[i].number() == number) {
                r[n++] = options[i].stringValue();
            }
        }
        return Collections.unmodifiableList(Arrays.asList(r));
    }

    /** Uri-Host (RFC 7252 §5.10.1). */
    public Optional<String> uriHost() {
        return string(OptionNumber.URI_HOST);
    }

    /** Uri-Port (RFC 7252 §5.10.1). */
    public OptionalInt uriPort() {
        return uintInt(OptionNumber.URI_PORT);
    }

    /** Uri-Path segments, not percent-encoded (RFC 7252 §5.10.1). */
    public List<String> uriPath() {
        return strings(OptionNumber.URI_PATH);
    }

    /** The path as {@code /a/b}; {@code /} when there are no Uri-Path options. Segments are not escaped. */
    public String uriPathString() {
        List<String> p = uriPath();
        return p.isEmpty() ? "/" : "/" + String.join("/", p);
    }

    /** Uri-Query arguments, not percent-encoded (RFC 7252 §5.10.1). */
    public List<String> uriQuery() {
        return strings(OptionNumber.URI_QUERY);
    }

    /** Location-Path segments (RFC 7252 §5.10.7). */
    public List<String> locationPath() {
        return strings(OptionNumber.LOCATION_PATH);
    }

    /** Location-Query arguments (RFC 7252 §5.10.7). */
    public List<String> locationQuery() {
        return strings(OptionNumber.LOCATION_QUERY);
    }

    /** Content-Format (RFC 7252 §5.10.3). */
    public OptionalInt contentFormat() {
        return uintInt(OptionNumber.CONTENT_FORMAT);
    }

    /** Accept (RFC 7252 §5.10.4). */
    public OptionalInt accept() {
        return uintInt(OptionNumber.ACCEPT);
    }

    /** Max-Age in seconds; absent means the default of 60 s applies (RFC 7252 §5.10.5). */
    public OptionalLong maxAge() {
        return uint(OptionNumber.MAX_AGE);
    }

    /** The first ETag (RFC 7252 §5.10.6). */
    public Optional<Bytes> etag() {
        return first(OptionNumber.ETAG).map(Option::value);
    }

    /** Every ETag, e.g. several in a GET request (RFC 7252 §5.10.6.2). */
    public List<Bytes> etags() {
        return values(OptionNumber.ETAG);
    }

    /** Every If-Match value; an empty value matches any representation (RFC 7252 §5.10.8.1). */
    public List<Bytes> ifMatch() {
        return values(OptionNumber.IF_MATCH);
    }

    /** Whether If-None-Match is present (RFC 7252 §5.10.8.2). */
    public boolean ifNoneMatch() {
        return has(OptionNumber.IF_NONE_MATCH);
    }

    /** Observe (RFC 7641 §2). */
    public OptionalInt observe() {
        return uintInt(OptionNumber.OBSERVE);
    }

    /** Size1 (RFC 7252 §5.10.9). */
    public OptionalLong size1() {
        return uint(OptionNumber.SIZE1);
    }

    /** Size2 (RFC 7959 §4). */
    public OptionalLong size2() {
        return uint(OptionNumber.SIZE2);
    }

    /** Block1 (RFC 7959 §2.1, §2.3); empty when absent or invalid (SZX 7, §2.2): see {@link #has}. */
    public Optional<Block> block1() {
        return first(OptionNumber.BLOCK1).flatMap(Block::fromOption);
    }

    /** Block2 (RFC 7959 §2.1, §2.4); empty when absent or invalid (SZX 7, §2.2): see {@link #has}. */
    public Optional<Block> block2() {
        return first(OptionNumber.BLOCK2).flatMap(Block::fromOption);
    }

    /** Proxy-Uri (RFC 7252 §5.10.2). */
    public Optional<String> proxyUri() {
        return string(OptionNumber.PROXY_URI);
    }

    /** Proxy-Scheme (RFC 7252 §5.10.2). */
    public Optional<String> proxyScheme() {
        return string(OptionNumber.PROXY_SCHEME);
    }

    /** No-Response bit mask (RFC 7967 §2). */
    public OptionalInt noResponse() {
        return uintInt(OptionNumber.NO_RESPONSE);
    }

    /** Echo (RFC 9175 §2.2). */
    public Optional<Bytes> echo() {
        return first(OptionNumber.ECHO).map(Option::value);
    }

    /** Hop-Limit (RFC 8768 §3). */
    public OptionalInt hopLimit() {
        return uintInt(OptionNumber.HOP_LIMIT);
    }

    private List<Bytes> values(int number) {
        List<Bytes> r = new ArrayList<>();
        for (Option o : options) {
            if (o.number() == number) {
                r.add(o.value());
            }
        }
        return Collections.unmodifiableList(r);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Options other && Arrays.equals(options, other.options));
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(options);
    }

    /** {@code [Uri-Path:"a", Content-Format:0]}. */
    @Override
    public String toString() {
        return Arrays.toString(options);
    }

    /** Builds {@link Options}; the order of additions for the same number is kept. */
    public static final class Builder {
        private final List<Option> list = new ArrayList<>();

        private Builder() {
        }

        /** Adds an option (repeatable options accumulate). */
        public Builder add(Option option) {
            Objects.requireNonNull(option, "option");
            list.add(option);
            return this;
        }

        /** Adds every option. */
        public Builder addAll(Options options) {
            Objects.requireNonNull(options, "options");
            Collections.addAll(list, options.options);
            return this;
        }

        /** Adds an opaque option. */
        public Builder add(int number, Bytes value) {
            return add(new Option(number, value));
        }

        /** Adds a string option. */
        public Builder add(int number, String value) {
            return add(Option.ofString(number, value));
        }

        /** Adds a uint option. */
        public Builder add(int number, long value) {
            return add(Option.ofUint(number, value));
        }

        /** Removes every option with this number. */
        public Builder remove(int number) {
            list.removeIf(o -> o.number() == number);
            return this;
        }

        /** Replaces every option with this number by one string option. */
        public Builder set(int number, String value) {
            return remove(number).add(number, value);
        }

        /** Replaces every option with this number by one uint option. */
        public Builder set(int number, long value) {
            return remove(number).add(number, value);
        }

        /** Replaces every option with this number by one opaque option. */
        public Builder set(int number, Bytes value) {
            return remove(number).add(number, value);
        }

        /** Uri-Path from a path such as {@code /a/b} (split on {@code /}, not percent-decoded). */
        public Builder uriPath(String path) {
            Objects.requireNonNull(path, "path");
            remove(OptionNumber.URI_PATH);
            for (String s : path.split("/")) {
                if (!s.isEmpty()) {
                    add(OptionNumber.URI_PATH, s);
                }
            }
            return this;
        }

        /** Adds one Uri-Query argument such as {@code a=1}. */
        public Builder uriQuery(String argument) {
            Objects.requireNonNull(argument, "argument");
            return add(OptionNumber.URI_QUERY, argument);
        }

        /** Sets Content-Format. */
        public Builder contentFormat(int format) {
            return set(OptionNumber.CONTENT_FORMAT, format);
        }

        /** Sets Accept. */
        public Builder accept(int format) {
            return set(OptionNumber.ACCEPT, format);
        }

        /** Sets Max-Age in seconds. */
        public Builder maxAge(long seconds) {
            return set(OptionNumber.MAX_AGE, seconds);
        }

        /** Sets the (single) ETag of a response. */
        public Builder etag(Bytes etag) {
            return set(OptionNumber.ETAG, etag);
        }

        /** Adds If-Match. */
        public Builder ifMatch(Bytes etag) {
            return add(OptionNumber.IF_MATCH, etag);
        }

        /** Sets If-None-Match. */
        public Builder ifNoneMatch() {
            return remove(OptionNumber.IF_NONE_MATCH).add(Option.ofEmpty(OptionNumber.IF_NONE_MATCH));
        }

        /** Adds one Location-Path segment. */
        public Builder locationPath(String segment) {
            Objects.requireNonNull(segment, "segment");
            return add(OptionNumber.LOCATION_PATH, segment);
        }

        /** Adds one Location-Query argument. */
        public Builder locationQuery(String argument) {
            Objects.requireNonNull(argument, "argument");
            return add(OptionNumber.LOCATION_QUERY, argument);
        }

        /** Sets Hop-Limit, 1..255 (RFC 8768 §3). */
        public Builder hopLimit(int hops) {
            if (hops < 1 || hops > 255) {
                throw new IllegalArgumentException("Hop-Limit must be 1..255 (RFC 8768 §3): " + hops);
            }
            return set(OptionNumber.HOP_LIMIT, hops);
        }

        /** Sets Observe. */
        public Builder observe(long value) {
            return set(OptionNumber.OBSERVE, value);
        }

        /** The immutable options. */
        public Options build() {
            return of(list);
        }
    }
}
