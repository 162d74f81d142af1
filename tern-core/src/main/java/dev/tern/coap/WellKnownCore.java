package dev.tern.coap;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;

/** The {@code /.well-known/core} resource a {@link Router} generates (RFC 6690 §4, RFC 7252 §7.2). */
final class WellKnownCore implements Service {
    /** The links of one resource, in the order the router lists them. */
    @FunctionalInterface
    interface Source {
        /** Adds the current links to {@code out}. */
        void addTo(List<Link> out);
    }

    private final List<Source> sources;

    WellKnownCore(List<Source> sources) {
        this.sources = List.copyOf(sources);
    }

    /** A route with a literal path: always the same link. */
    static Source fixed(Link link) {
        return out -> out.add(link);
    }

    /**
     * A route whose {@link RouteOptions#links} supplier names its instances: each supplied link
     * with the route's attributes it does not carry itself (RFC 6690 §2).
     */
    static Source instances(Supplier<? extends Collection<Link>> supplier, RouteInfo info) {
        return out -> {
            for (Link l : Objects.requireNonNull(supplier.get(), "links(...) supplier returned null")) {
                Link.Builder b = l.toBuilder();
                boolean added = false;
                for (Map.Entry<String, String> a : info.attributes().entrySet()) {
                    if (!l.has(a.getKey())) {
                        b.attribute(a.getKey(), a.getValue());
                        added = true;
                    }
                }
                out.add(added ? b.build() : l);
            }
        };
    }

    /** The links listed now. */
    List<Link> links() {
        List<Link> out = new ArrayList<>();
        for (Source s : sources) {
            s.addTo(out);
        }
        return List.copyOf(out);
    }

    /** The link to a route with literal {@code segments}: its path, percent-encoded (RFC 7252 §6.5), and attributes. */
    static Link link(String[] segments, RouteInfo info) {
        Options.Builder path = Options.builder();
        for (String s : segments) {
            path.add(OptionNumber.URI_PATH, s);
        }
        Link.Builder b = Link.builder(CoapUri.pathAndQuery(path.build()));
        for (Map.Entry<String, String> a : info.attributes().entrySet()) {
            b.attribute(a.getKey(), a.getValue());
        }
        return b.build();
    }

    /**
     * 2.05 with the links that pass the request's query filter (RFC 6690 §4.1). A request to a
     * multicast group whose filter matches nothing gets 4.04, which the server does not send
     * (RFC 7252 §8.2: no response when there is nothing useful to say; §8.1: no error responses).
     */
    @Override
    public CompletableFuture<Response> handle(Request request) {
        List<Link> matching = LinkFormat.filter(links(), request.query());
        if (matching.isEmpty() && request.isMulticast()) {
            return CompletableFuture.completedFuture(Response.of(Code.NOT_FOUND));
        }
        String doc = LinkFormat.format(matching);
        return CompletableFuture.completedFuture(Response.content(Bytes.utf8(doc), ContentFormat.LINK_FORMAT));
    }
}
