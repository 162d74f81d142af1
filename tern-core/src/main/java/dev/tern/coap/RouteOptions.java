package dev.tern.coap;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * Per-route metadata for a {@link Router}: content negotiation (RFC 7252 §5.10.3, §5.10.4) and
 * link-format attributes kept for resource discovery (RFC 6690 §3, RFC 7252 §7.2).
 *
 * <p>Immutable; every method returns a changed copy, so one value can be shared between routes.
 *
 * <pre>{@code
 * Router.builder()
 *     .get("/temp", handler, RouteOptions.create()
 *         .produces(ContentFormat.TEXT_PLAIN, ContentFormat.JSON)
 *         .title("Temperature").resourceType("temperature-c").observable())
 *     .build();
 * }</pre>
 */
public final class RouteOptions {
    private static final int[] NONE = new int[0];
    /** Group requests: not answered, answered within the multiplier, answered in full. */
    static final int GROUP_IGNORED = 0;
    static final int GROUP_CAPPED = 1;
    static final int GROUP_UNCAPPED = 2;
    private static final RouteOptions EMPTY = new RouteOptions(NONE, NONE, Map.of(), GROUP_IGNORED, null);

    private final int[] produces;
    private final int[] consumes;
    private final Map<String, String> attributes;
    private final int group;
    private final Supplier<? extends Collection<Link>> links;

    private RouteOptions(int[] produces, int[] consumes, Map<String, String> attributes, int group,
                         Supplier<? extends Collection<Link>> links) {
        this.produces = produces;
        this.consumes = consumes;
        this.attributes = attributes;
        this.group = group;
        this.links = links;
    }

    /** Options without any restriction or attribute (RFC 7252 §5.10.4: no Accept check). */
    public static RouteOptions create() {
        return EMPTY;
    }

    /**
     * Content-Formats the route can answer with. When the request has an Accept option that is not
     * one of them, the router answers 4.06 Not Acceptable without calling the handler
     * (RFC 7252 §5.10.4, §5.9.2.7). Replaces earlier values; no formats means no check.
     */
    public RouteOptions produces(int... contentFormats) {
        return new RouteOptions(formats(contentFormats), consumes, attributes, group, links);
    }

    /**
     * Content-Formats the route accepts in a request payload. When the request has a Content-Format
     * not among them, or a payload without Content-Format, the router answers 4.15 Unsupported
     * Content-Format without calling the handler (RFC 7252 §5.10.3, §5.9.2.10). Replaces earlier
     * values; no formats means no check.
     */
    public RouteOptions consumes(int... contentFormats) {
        return new RouteOptions(produces, formats(contentFormats), attributes, group, links);
    }

    /** The {@code title} link attribute, a human-readable label (RFC 6690 §3.1 via RFC 8288). */
    public RouteOptions title(String title) {
        return attribute("title", title);
    }

    /** The {@code rt} (Resource Type) link attribute, values joined by spaces (RFC 6690 §3.1). */
    public RouteOptions resourceType(String... resourceTypes) {
        return attribute("rt", join(resourceTypes));
    }

    /** The {@code if} (Interface Description) link attribute, values joined by spaces (RFC 6690 §3.2). */
    public RouteOptions interfaceDescription(String... interfaces) {
        return attribute("if", join(interfaces));
    }

    /**
     * The {@code ct} (Content-Format) link attribute (RFC 7252 §7.2.1). When it is not set, the
     * router lists the {@link #produces(int...)} formats as {@code ct}.
     */
    public RouteOptions contentType(int... contentFormats) {
        StringJoiner j = new StringJoiner(" ");
        for (int f : formats(contentFormats)) {
            j.add(Integer.toString(f));
        }
        return attribute("ct", j.toString());
    }

    /** The {@code obs} link attribute: the resource is observable (RFC 7641 §6). Its value is empty. */
    public RouteOptions observable() {
        return attribute("obs", "");
    }

    /**
     * Any target attribute (RFC 6690 §2, §3); an empty value stands for an attribute without a
     * value. Setting a name again replaces its value.
     */
    public RouteOptions attribute(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty attribute name");
        }
        Map<String, String> copy = new LinkedHashMap<>(attributes);
        copy.put(name, value);
        return new RouteOptions(produces, consumes, Collections.unmodifiableMap(copy), group, links);
    }

    /**
     * Whether the route answers requests sent to a multicast group (RFC 7252 §8.1, §11.3: multicast
     * support limited to the resources that need it). Off by default: a group request to a route
     * that did not opt in reaches neither its handler nor the filters' handler call, and gets no
     * response (§8.1: no error responses to group requests); only the router's own
     * {@code GET /.well-known/core} answers group requests out of the box (RFC 7252 §7.2). The
     * response stays within {@link EndpointConfig#multicastAmplificationLimit()} times the request;
     * see {@link #multicastUncapped()}. Opt in per method: the options of a GET route say nothing
     * about the PUT route of the same path.
     */
    public RouteOptions multicast(boolean answered) {
        return new RouteOptions(produces, consumes, attributes, answered ? GROUP_CAPPED : GROUP_IGNORED, links);
    }

    /**
     * Answers group requests (as {@link #multicast(boolean) multicast(true)}) with responses of any
     * size: opts the route out of {@link EndpointConfig#multicastAmplificationLimit()}
     * (RFC 7252 §11.3). Every server in the group then sends the whole first block to whatever
     * source a group request claims; use it only for resources whose group answers are small or
     * needed in full, on networks where sources cannot be forged.
     */
    public RouteOptions multicastUncapped() {
        return new RouteOptions(produces, consumes, attributes, GROUP_UNCAPPED, links);
    }

    /**
     * The links {@code /.well-known/core} lists for this route (RFC 6690 §4, RFC 7252 §7.2), asked
     * for on every discovery request: how a templated route such as {@code /sensors/{id}}, which
     * names no single resource, lists its instances. Each link gets the route's attributes
     * ({@code rt}, {@code obs}, {@code ct}, ...) that it does not set itself, and the query filter
     * ({@code ?rt=}, {@code ?href=}, RFC 6690 §4.1) applies to them as to any link. On a route with
     * a literal path the links replace its own. The supplier runs on a handler thread; it must
     * return quickly and must not return {@code null}.
     *
     * <pre>{@code
     * RouteOptions.create().resourceType("temperature").observable()
     *     .links(() -> sensors.ids().stream().map(id -> Link.builder("/sensors/" + id).build()).toList())
     * }</pre>
     */
    public RouteOptions links(Supplier<? extends Collection<Link>> instances) {
        return new RouteOptions(produces, consumes, attributes, group, Objects.requireNonNull(instances, "instances"));
    }

    /** The supplier of {@link #links(Supplier)}, or null. */
    Supplier<? extends Collection<Link>> linkSupplier() {
        return links;
    }

    /** Whether the route answers group requests (RFC 7252 §8.1), see {@link #multicast(boolean)}. */
    public boolean isMulticast() {
        return group != GROUP_IGNORED;
    }

    /** Whether the route's group responses are exempt from the multiplier (RFC 7252 §11.3). */
    public boolean isMulticastUncapped() {
        return group == GROUP_UNCAPPED;
    }

    int groupPolicy() {
        return group;
    }

    /** The Content-Formats for the Accept check (RFC 7252 §5.10.4); empty means none. */
    public int[] produces() {
        return produces.clone();
    }

    /** The Content-Formats for the Content-Format check (RFC 7252 §5.10.3); empty means none. */
    public int[] consumes() {
        return consumes.clone();
    }

    /** The link-format attributes in the order set (RFC 6690 §3). */
    public Map<String, String> attributes() {
        return attributes;
    }

    int[] producesShared() {
        return produces;
    }

    int[] consumesShared() {
        return consumes;
    }

    private static int[] formats(int[] contentFormats) {
        for (int f : contentFormats) {
            if (f < 0 || f > 0xFFFF) {
                throw new IllegalArgumentException("Content-Format out of range: " + f);
            }
        }
        return Arrays.stream(contentFormats).distinct().toArray();
    }

    private static String join(String[] values) {
        StringJoiner j = new StringJoiner(" ");
        for (String v : values) {
            j.add(Objects.requireNonNull(v, "value"));
        }
        return j.toString();
    }

    /** {@code RouteOptions[produces=[0], consumes=[], attributes={title=...}]}. */
    @Override
    public String toString() {
        return "RouteOptions[produces=" + Arrays.toString(produces) + ", consumes=" + Arrays.toString(consumes)
                + ", attributes=" + attributes
                + (group == GROUP_IGNORED ? "" : group == GROUP_CAPPED ? ", multicast" : ", multicast uncapped")
                + (links == null ? "" : ", links") + "]";
    }
}
