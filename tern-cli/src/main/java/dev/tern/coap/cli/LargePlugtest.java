package dev.tern.coap.cli;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The block-wise plugtest resources (ETSI TD_COAP_BLOCK): {@code /large}, {@code /large-update},
 * {@code /large-create} and {@code /large-post}. The server's block-wise stage (RFC 7959) cuts
 * and reassembles the bodies; these handlers only ever see whole representations. What peers store
 * is bounded ({@link ResourceLimits}): {@code /large-create/N} by {@link CreatedResources},
 * {@code /large-update} reverts to {@link #LARGE} a lifetime after its last PUT.
 */
final class LargePlugtest {
    /** The body of {@code /large}: 1280 bytes of text, more than one 1024-byte block. */
    static final String LARGE = large();

    private static final Representation INITIAL = new Representation(Bytes.utf8(LARGE), OptionalInt.of(ContentFormat.TEXT_PLAIN));

    private final ExpiringValue<Representation> update;
    private final CreatedResources created;

    private record Representation(Bytes body, OptionalInt format) {
        Response respond(Code code) {
            Response.Builder b = Response.builder(code).payload(body);
            format.ifPresent(b::contentFormat);
            return b.build();
        }
    }

    private LargePlugtest(ResourceLimits limits, Clock clock) {
        update = new ExpiringValue<>(() -> INITIAL, limits.lifetime(), clock);
        created = new CreatedResources(limits, clock);
    }

    private static String large() {
        StringBuilder sb = new StringBuilder();
        String line = "/-------------------------------------------------------------\\\n";
        sb.append(line);
        for (int i = 1; sb.length() < 1280 - 2 * line.length(); i++) {
            String text = String.format(Locale.ROOT, "|               RESOURCE BLOCK NO. %2d OF 19               |", i);
            sb.append(text, 0, Math.min(text.length(), line.length() - 1)).append('\n');
        }
        sb.append("\\-------------------------------------------------------------/\n");
        while (sb.length() < 1280) {
            sb.append(' ');
        }
        return sb.substring(0, 1280);
    }

    /** Adds the four resources (and {@code /large-create/{n}}) to {@code router}, keeping state within {@code limits}. */
    static Router.Builder addTo(Router.Builder router, ResourceLimits limits, Clock clock) {
        LargePlugtest r = new LargePlugtest(limits, clock);
        return router
                .get("/large", req -> Response.content(LARGE),
                        RouteOptions.create().title("Large resource").resourceType("block")
                                .attribute("sz", Integer.toString(LARGE.length())).contentType(ContentFormat.TEXT_PLAIN))
                .get("/large-update", req -> r.update.get().respond(Code.CONTENT),
                        RouteOptions.create().title("Large resource that can be updated using PUT method")
                                .resourceType("block"))
                .put("/large-update", r::putUpdate)
                .post("/large-create", r::create,
                        RouteOptions.create().title("Large resource that can be created using POST method")
                                .resourceType("block"))
                .get("/large-create/{n}", req -> r.created(req)
                        .map(c -> new Representation(c.body(), c.format()).respond(Code.CONTENT))
                        .orElseGet(() -> Response.of(Code.NOT_FOUND)))
                .delete("/large-create/{n}", r::deleteCreated)
                .post("/large-post", req -> Response.builder(Code.CHANGED)
                                .payload(req.payloadString().toUpperCase(Locale.ROOT))
                                .contentFormat(ContentFormat.TEXT_PLAIN).build(),
                        RouteOptions.create().title("Handle POST with two-way blockwise transfer")
                                .resourceType("block"));
    }

    private Response putUpdate(Request request) {
        update.set(new Representation(request.payload(), request.contentFormat()));
        return Response.of(Code.CHANGED);
    }

    /** 2.01 with the new resource's location; 4.13 for a body larger than all the bytes allowed (RFC 7252 §5.9.2.9). */
    private Response create(Request request) {
        OptionalInt n = created.add(request.payload(), request.contentFormat());
        if (n.isEmpty()) {
            return Response.of(Code.REQUEST_ENTITY_TOO_LARGE);
        }
        return Response.builder(Code.CREATED).locationPath("/large-create/" + n.getAsInt()).build();
    }

    private Optional<CreatedResources.Entry> created(Request request) {
        OptionalInt n = id(request);
        return n.isPresent() ? created.get(n.getAsInt()) : Optional.empty();
    }

    private Response deleteCreated(Request request) {
        OptionalInt n = id(request);
        return n.isPresent() && created.remove(n.getAsInt()) ? Response.of(Code.DELETED) : Response.of(Code.NOT_FOUND);
    }

    private static OptionalInt id(Request request) {
        try {
            return OptionalInt.of(Integer.parseInt(request.pathParam("n").orElse("")));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
