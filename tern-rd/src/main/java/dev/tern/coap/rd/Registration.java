package dev.tern.coap.rd;

import dev.tern.coap.CoapUri;
import dev.tern.coap.Link;
import dev.tern.coap.PeerIdentity;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One registration resource (RFC 9176 §5): the endpoint's parameters, its links as registered and
 * as resolved against its base (§6.2), and the security identity that created it (§7.5).
 * Immutable; an update (§5.3.1) makes a new one.
 */
final class Registration {
    static final String RT_ENDPOINT = "core.rd-ep";

    final String id;
    final String ep;
    final String sector;          // "" when the registrant gave no d
    final String base;
    final long lifetimeSeconds;
    final Map<String, String> attributes; // et and any other registration attribute, in order
    final List<Link> links;
    final List<Link> resolved;
    final PeerIdentity identity;  // null over plain coap
    final String peerKey;
    final Link endpointLink;
    final Set<String> linkAttributeNames; // of every link, so a lookup skips registrations at once
    private final Set<String> rtTokens;   // the rt values of every link, for the store's index

    Registration(String id, String ep, String sector, String base, long lifetimeSeconds,
                 Map<String, String> attributes, List<Link> links, PeerIdentity identity, String peerKey) {
        this.id = id;
        this.ep = ep;
        this.sector = sector;
        this.base = base;
        this.lifetimeSeconds = lifetimeSeconds;
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        this.links = List.copyOf(links);
        this.identity = identity;
        this.peerKey = peerKey;
        this.resolved = resolve(base, links);
        this.endpointLink = endpointLink();
        Set<String> names = new HashSet<>();
        Set<String> rts = new HashSet<>();
        for (Link l : resolved) {
            for (Link.Attribute a : l.attributes()) {
                names.add(a.name());
                if (a.name().equals("rt")) {
                    for (String token : a.value().split("\\s+")) { // a space-separated list (RFC 6690 §3.1)
                        if (!token.isEmpty()) {
                            rts.add(token);
                        }
                    }
                }
            }
        }
        this.linkAttributeNames = Set.copyOf(names);
        this.rtTokens = Set.copyOf(rts);
    }

    /** The resource types of this registration's links ({@code rt} tokens, RFC 6690 §3.1). */
    Set<String> rtTokens() {
        return rtTokens;
    }

    /** The path of the registration resource, e.g. {@code /reg/4f2a} (RFC 9176 §5, Location-Path). */
    String path() {
        return "/reg/" + id;
    }

    Optional<PeerIdentity> identity() {
        return Optional.ofNullable(identity);
    }

    /** After an update (RFC 9176 §5.3.1): a new lifetime, base and attributes; links kept. */
    Registration updated(long lifetime, String newBase, Map<String, String> newAttributes) {
        Map<String, String> attrs = new LinkedHashMap<>(attributes);
        attrs.putAll(newAttributes);
        return new Registration(id, ep, sector, newBase, lifetime, attrs, links, identity, peerKey);
    }

    /**
     * The links with target and anchor made absolute against the base (RFC 9176 §6.2): a target
     * is resolved as a URI reference (RFC 3986 §5), the anchor likewise, and a link without anchor
     * gets the base as anchor, which is where its context lies.
     *
     * @throws RdError 4.00 when a target or anchor cannot be resolved to a CoAP URI
     */
    static List<Link> resolve(String base, List<Link> links) {
        CoapUri b = CoapUri.parse(base);
        List<Link> out = new ArrayList<>(links.size());
        for (Link l : links) {
            try {
                String anchor = l.anchor().map(a -> b.resolve(a).toString()).orElse(base);
                Link.Builder r = Link.builder(b.resolve(l.target()).toString());
                for (Link.Attribute a : l.attributes()) {
                    if (!a.name().equals("anchor")) {
                        r.attribute(a.name(), a.value());
                    }
                }
                out.add(r.attribute("anchor", anchor).build());
            } catch (IllegalArgumentException e) {
                throw new RdError(dev.tern.coap.Code.BAD_REQUEST, "link <" + l.target() + "> does not resolve: "
                        + e.getMessage());
            }
        }
        return Collections.unmodifiableList(out);
    }

    private Link endpointLink() {
        Link.Builder b = Link.builder(path()).attribute("ep", ep);
        if (!sector.isEmpty()) {
            b.attribute("d", sector);
        }
        b.attribute("base", base).attribute("lt", Long.toString(lifetimeSeconds));
        attributes.forEach(b::attribute);
        return b.attribute("rt", RT_ENDPOINT).build();
    }
}
