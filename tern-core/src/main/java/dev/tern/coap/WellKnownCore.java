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

    /**
     * 2.05 with the links that pass the request's query filter (RFC 6690 §4.1). A request to a
     * multicast group whose filter matches nothing gets 4.04, which the server does not send
     * (RFC 7252 §8.2: no response when there is nothing useful to say; §8.1: no error responses).
     */
    @Override
    public CompletableFuture<Response> handle(Request request) {
        List<Link> matching = LinkFormat.filter(links, request.query());
        if (matching.isEmpty() && request.isMulticast()) {
            return CompletableFuture.completedFuture(Response.of(Code.NOT_FOUND));
        }
        String doc = LinkFormat.format(matching);
        return CompletableFuture.completedFuture(Response.content(Bytes.utf8(doc), ContentFormat.LINK_FORMAT));
    }
}
