package dev.tern.coap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One link of a CoRE Link Format document (RFC 6690 §2): a target URI-reference and its target
 * attributes, in order.
 *
 * <pre>{@code
 * Link temp = Link.builder("/sensors/temp")
 *     .resourceType("temperature-c").interfaceDescription("sensor")
 *     .contentFormat(ContentFormat.TEXT_PLAIN).observable()
 *     .build();
 * temp.toString();   // </sensors/temp>;rt="temperature-c";if="sensor";ct=0;obs
 * }</pre>
 *
 * <h2>Attributes</h2>
 * Attribute names are case-insensitive (RFC 8288 §3) and kept in lower case. A name may occur more
 * than once. A value is the text between the quotes, unescaped; an attribute without a value (a
 * flag such as {@code obs}) has the empty value, so {@code title=""} and {@code title} read the same.
 * {@code rt}, {@code if}, {@code rel} and {@code ct} hold space-separated lists (RFC 6690 §3.1, §3.2,
 * RFC 7252 §7.2.1); {@link #values(String)} splits them. Extended values ({@code title*=UTF-8''...},
 * RFC 8187) are kept as written, not decoded.
 *
 * <p>Immutable.
 */
public final class Link {
    private final String target;
    private final List<Attribute> attributes;

    private Link(String target, List<Attribute> attributes) {
        this.target = target;
        this.attributes = attributes;
    }

    /**
     * One target attribute (RFC 6690 §2 {@code link-param}).
     *
     * @param name the name in lower case, e.g. {@code rt}
     * @param value the value, unquoted and unescaped; empty for an attribute without a value
     */
    public record Attribute(String name, String value) {
        /** Checks the name (RFC 5987 {@code parmname}, optionally ending with {@code *}) and lower-cases it. */
        public Attribute {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            name = name.toLowerCase(Locale.ROOT);
            if (!LinkSyntax.isParmName(name)) {
                throw new IllegalArgumentException("invalid link attribute name '" + name + "'");
            }
        }
    }

    /** A link to {@code target} without attributes (RFC 6690 §2). */
    public static Link of(String target) {
        return builder(target).build();
    }

    /**
     * A builder for a link to {@code target}, a URI-reference such as {@code /sensors/temp}
     * (RFC 6690 §2); it must not contain {@code <}, {@code >}, whitespace or control characters.
     */
    public static Builder builder(String target) {
        return new Builder(target);
    }

    /** A builder with this link's target and attributes. */
    public Builder toBuilder() {
        Builder b = new Builder(target);
        b.attributes.addAll(attributes);
        return b;
    }

    /** The target URI-reference as written between {@code <} and {@code >} (RFC 6690 §2). */
    public String target() {
        return target;
    }

    /** Every attribute, in order (RFC 6690 §2). */
    public List<Attribute> attributes() {
        return attributes;
    }

    /** Whether the link has an attribute {@code name} (case-insensitive), with or without a value. */
    public boolean has(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Attribute a : attributes) {
            if (a.name().equals(n)) {
                return true;
            }
        }
        return false;
    }

    /** The value of the first attribute {@code name} (case-insensitive), if any. */
    public Optional<String> attribute(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        for (Attribute a : attributes) {
            if (a.name().equals(n)) {
                return Optional.of(a.value());
            }
        }
        return Optional.empty();
    }

    /**
     * The values of every attribute {@code name} (case-insensitive); for the list attributes
     * {@code rt}, {@code if}, {@code rel} and {@code ct} each value is split at spaces
     * (RFC 6690 §3.1, §3.2; RFC 7252 §7.2.1).
     */
    public List<String> values(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        boolean list = LinkSyntax.isListAttribute(n);
        List<String> out = new ArrayList<>();
        for (Attribute a : attributes) {
            if (a.name().equals(n)) {
                if (list) {
                    for (String v : a.value().trim().split("\\s+")) {
                        if (!v.isEmpty()) {
                            out.add(v);
                        }
                    }
                } else {
                    out.add(a.value());
                }
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** The {@code rt} Resource Type values (RFC 6690 §3.1). */
    public List<String> resourceTypes() {
        return values("rt");
    }

    /** The {@code if} Interface Description values (RFC 6690 §3.2). */
    public List<String> interfaceDescriptions() {
        return values("if");
    }

    /** The {@code ct} Content-Format values (RFC 7252 §7.2.1); values that are not numbers are left out. */
    public List<Integer> contentFormats() {
        List<Integer> out = new ArrayList<>();
        for (String v : values("ct")) {
            if (LinkSyntax.isDigits(v) && v.length() <= 5) {
                out.add(Integer.parseInt(v));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** The {@code sz} maximum size estimate in bytes (RFC 6690 §3.3), if present and a number. */
    public OptionalLong size() {
        Optional<String> v = attribute("sz");
        return v.isPresent() && LinkSyntax.isDigits(v.get()) && v.get().length() <= 18
                ? OptionalLong.of(Long.parseLong(v.get())) : OptionalLong.empty();
    }

    /** The {@code title} (RFC 8288 §3.4.1), if present. */
    public Optional<String> title() {
        return attribute("title");
    }

    /** The {@code anchor} (RFC 6690 §2.1), if present. */
    public Optional<String> anchor() {
        return attribute("anchor");
    }

    /** Whether the link has the {@code obs} attribute: the resource is observable (RFC 7641 §6). */
    public boolean isObservable() {
        return has("obs");
    }

    /** The link in link-format (RFC 6690 §2), e.g. {@code </a>;rt="x";ct=0;obs}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        LinkSyntax.append(sb, this);
        return sb.toString();
    }

    /** Equal target and equal attributes in the same order. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Link l && l.target.equals(target) && l.attributes.equals(attributes);
    }

    @Override
    public int hashCode() {
        return target.hashCode() * 31 + attributes.hashCode();
    }

    /** Builds a {@link Link}; attributes keep the order they are added in. */
    public static final class Builder {
        private final String target;
        private final List<Attribute> attributes = new ArrayList<>();

        private Builder(String target) {
            Objects.requireNonNull(target, "target");
            int bad = LinkSyntax.invalidTargetChar(target);
            if (bad >= 0) {
                throw new IllegalArgumentException("invalid character at position " + bad + " of link target '"
                        + target + "'");
            }
            this.target = target;
        }

        /** Adds an attribute (RFC 6690 §2 {@code link-extension}); an empty value means no value. */
        public Builder attribute(String name, String value) {
            attributes.add(new Attribute(name, value));
            return this;
        }

        /** Adds an attribute without a value, such as {@code obs} (RFC 6690 §2). */
        public Builder flag(String name) {
            return attribute(name, "");
        }

        /** Adds {@code rt}, the values joined by spaces (RFC 6690 §3.1). */
        public Builder resourceType(String... types) {
            Objects.requireNonNull(types, "types");
            return attribute("rt", String.join(" ", types));
        }

        /** Adds {@code if}, the values joined by spaces (RFC 6690 §3.2). */
        public Builder interfaceDescription(String... interfaces) {
            Objects.requireNonNull(interfaces, "interfaces");
            return attribute("if", String.join(" ", interfaces));
        }

        /** Adds {@code ct}, the formats joined by spaces (RFC 7252 §7.2.1). */
        public Builder contentFormat(int... formats) {
            Objects.requireNonNull(formats, "formats");
            StringBuilder sb = new StringBuilder();
            for (int f : formats) {
                if (f < 0 || f > 0xFFFF) {
                    throw new IllegalArgumentException("Content-Format out of range: " + f);
                }
                sb.append(sb.length() == 0 ? "" : " ").append(f);
            }
            return attribute("ct", sb.toString());
        }

        /** Adds {@code sz}, the maximum size estimate in bytes (RFC 6690 §3.3). */
        public Builder size(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("negative size: " + bytes);
            }
            return attribute("sz", Long.toString(bytes));
        }

        /** Adds {@code title} (RFC 8288 §3.4.1). */
        public Builder title(String title) {
            return attribute("title", title);
        }

        /** Adds {@code obs}: the resource is observable (RFC 7641 §6). */
        public Builder observable() {
            return flag("obs");
        }

        /** The link. */
        public Link build() {
            return new Link(target, List.copyOf(attributes));
        }
    }
}
