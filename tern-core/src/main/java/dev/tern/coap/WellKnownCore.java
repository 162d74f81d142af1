package dev.tern.coap;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The {@code /.well-known/core} resource a {@link Router} generates (RFC 6690 §4, RFC 7252 §7.2). */
final class WellKnownCore implements Service {
    private final List<Link> links;

    WellKnownCore(List<Link> links) {
        this.links = links;
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

    /** 2.05 with the links that pass the request's query filter (RFC 6690 §4.1). */
    @Override
    public CompletableFuture<Response> handle(Request request) {
        String doc = LinkFormat.format(LinkFormat.filter(links, request.query()));
        return CompletableFuture.completedFuture(Response.content(Bytes.utf8(doc), ContentFormat.LINK_FORMAT));
    }
}
