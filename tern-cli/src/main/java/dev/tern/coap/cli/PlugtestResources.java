package dev.tern.coap.cli;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Method;
import dev.tern.coap.Preconditions;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The resources of the ETSI CoAP#1 plugtest (the TD_COAP_CORE and TD_COAP_LINK cases that need no
 * Observe or block-wise transfer), laid out as interop test servers conventionally serve them:
 * <ul>
 * <li>{@code /test}: GET 2.05 text (Max-Age 30); POST 2.01 with Location-Path
 *     {@code location1/location2/location3}; PUT 2.04, or 4.12 with If-None-Match (it exists);
 *     DELETE 2.02 (it stays)</li>
 * <li>{@code /seg1/seg2/seg3}: GET 2.05 text</li>
 * <li>{@code /query}: GET 2.05 with the Uri-Query arguments joined by {@code &}</li>
 * <li>{@code /separate}: GET acknowledged at once, answered about 1 s later (RFC 7252 §5.2.2)</li>
 * <li>{@code /multi-format}: GET text/plain or application/xml by Accept; other Accept 4.06</li>
 * <li>{@code /location-query}: POST 2.01 with Location-Query {@code first=1} and {@code second=2}</li>
 * <li>{@code /validate}: GET with ETag, 2.03 when the request's ETag matches; PUT honouring
 *     If-Match/If-None-Match, 2.04 with the new ETag</li>
 * <li>{@code /create1}: absent until PUT (2.01); PUT with If-None-Match while it exists 4.12;
 *     GET 4.04 while absent; DELETE 2.02 removes it</li>
 * <li>{@code /.well-known/core}: these resources in link-format</li>
 * </ul>
 * Everything else is 4.04 and unsupported methods 4.05 (from the {@link Router}).
 * Each {@link #router()} call has its own state.
 */
public final class PlugtestResources {
    /** The resource names, as listed at startup. */
    public static final List<String> NAMES = List.of("test", "seg1/seg2/seg3", "query", "separate",
            "multi-format", "location-query", "validate", "create1", "obs", "obs-non", "large", "large-update", "large-create", "large-post");

    /** How long {@code /separate} takes by default. */
    public static final Duration SEPARATE_DELAY = Duration.ofSeconds(1);

    private static final String LINKS = "</test>;rt=\"test\";ct=0,"
            + "</seg1/seg2/seg3>;title=\"Long path resource\";ct=0,"
            + "</query>;title=\"Query resource\";ct=0,"
            + "</separate>;title=\"Resource which cannot be served immediately\";ct=0,"
            + "</multi-format>;title=\"Resource that exists in different content formats\";ct=\"0 41\","
            + "</location-query>;title=\"Perform POST transaction with responses containing several"
            + " Location-Query options\","
            + "</validate>;title=\"Resource which varies\";ct=0,"
            + "</create1>;title=\"Resource which does not exist yet (to perform atomic PUT)\","
            + "</obs>;title=\"Observable resource which changes every 2 seconds\";rt=\"observe\";obs;ct=0,"
            + "</obs-non>;title=\"Observable resource which changes every 2 seconds\";rt=\"observe\";obs;ct=0,"
            + "</large>;title=\"Large resource\";rt=\"block\";sz=1280;ct=0,"
            + "</large-update>;title=\"Large resource that can be updated using PUT method\";rt=\"block\","
            + "</large-create>;title=\"Large resource that can be created using POST method\";rt=\"block\","
            + "</large-post>;title=\"Handle POST with two-way blockwise transfer\";rt=\"block\"";

    private final Duration separateDelay;
    private Representation validate = Representation.of(Bytes.utf8("Validate resource, version 1"),
            OptionalInt.of(ContentFormat.TEXT_PLAIN));
    private Representation create1;

    /** A resource state: content, its Content-Format and its ETag. */
    private record Representation(Bytes body, OptionalInt format, Bytes etag) {
        static Representation of(Bytes body, OptionalInt format) {
            return new Representation(body, format, Preconditions.etagOf(body));
        }

        Response.Builder respond(Code code) {
            Response.Builder b = Response.builder(code).payload(body).etag(etag);
            format.ifPresent(b::contentFormat);
            return b;
        }
    }

    private PlugtestResources(Duration separateDelay) {
        this.separateDelay = separateDelay;
    }

    /** The plugtest resources with a 1 s {@code /separate}. */
    public static Router router() {
        return router(SEPARATE_DELAY);
    }

    /** The plugtest resources; {@code /separate} answers after {@code separateDelay}. */
    public static Router router(Duration separateDelay) {
        PlugtestResources r = new PlugtestResources(separateDelay);
        return LargePlugtest.addTo(ObservePlugtest.addTo(Router.builder(), java.time.Clock.systemUTC()))
                .get("/test", req -> Response.builder(Code.CONTENT).payload(describe(req))
                        .contentFormat(ContentFormat.TEXT_PLAIN).maxAge(30).build())
                .post("/test", req -> Response.builder(Code.CREATED)
                        .locationPath("/location1/location2/location3").build())
                .put("/test", req -> req.options().ifNoneMatch()
                        ? Response.of(Code.PRECONDITION_FAILED) : Response.of(Code.CHANGED))
                .delete("/test", req -> Response.of(Code.DELETED))
                .get("/seg1/seg2/seg3", req -> Response.content("Long path resource\n" + describe(req)))
                .get("/query", req -> Response.content(String.join("&", req.query())))
                .route(Method.GET, "/separate", r::separate)
                .get("/multi-format", PlugtestResources::multiFormat)
                .post("/location-query", req -> Response.builder(Code.CREATED)
                        .locationQuery("first=1").locationQuery("second=2").build())
                .get("/validate", r::validateGet)
                .put("/validate", r::validatePut)
                .get("/create1", r::createGet)
                .put("/create1", r::createPut)
                .delete("/create1", r::createDelete)
                .get("/.well-known/core", req -> Response.builder(Code.CONTENT)
                        .payload(LINKS).contentFormat(ContentFormat.LINK_FORMAT).build())
                .build();
    }

    /** What the request looked like: type, code and token, the usual plugtest payload. */
    static String describe(Request request) {
        String s = "Type: " + (request.isConfirmable() ? "CON" : "NON")
                + "\nCode: " + request.method().code() + " (" + request.method().wireName() + ")";
        Optional<Bytes> token = request.token();
        return token.isPresent() ? s + "\nToken: " + token.get() : s;
    }

    private CompletableFuture<Response> separate(Request request) {
        request.acknowledge();
        return CompletableFuture.supplyAsync(() -> Response.content("Separate response after "
                        + Addresses.seconds(separateDelay) + "\n" + describe(request)),
                CompletableFuture.delayedExecutor(separateDelay.toNanos(), TimeUnit.NANOSECONDS));
    }

    private static Response multiFormat(Request request) {
        OptionalInt accept = request.options().accept();
        String type = request.isConfirmable() ? "CON" : "NON";
        String code = request.method().code().toString();
        if (accept.isEmpty() || accept.getAsInt() == ContentFormat.TEXT_PLAIN) {
            return Response.content("Status type: \"" + type + "\", code: \"" + code + "\"");
        }
        if (accept.getAsInt() == ContentFormat.XML) {
            return Response.content(Bytes.utf8("<msg type=\"" + type + "\" code=\"" + code + "\"/>"), ContentFormat.XML);
        }
        return Response.of(Code.NOT_ACCEPTABLE);
    }

    private synchronized Response validateGet(Request request) {
        return Preconditions.validIfEtagMatches(request, validate.etag())
                .orElseGet(() -> validate.respond(Code.CONTENT).build());
    }

    private synchronized Response validatePut(Request request) {
        Optional<Response> failed = Preconditions.check(request, Optional.of(validate.etag()));
        if (failed.isPresent()) {
            return failed.get();
        }
        validate = Representation.of(request.payload(), request.contentFormat());
        return Response.builder(Code.CHANGED).etag(validate.etag()).build();
    }

    private synchronized Response createGet(Request request) {
        return create1 == null ? Response.of(Code.NOT_FOUND) : create1.respond(Code.CONTENT).build();
    }

    private synchronized Response createPut(Request request) {
        Optional<Response> failed = Preconditions.check(request, Optional.ofNullable(create1).map(Representation::etag));
        if (failed.isPresent()) {
            return failed.get();
        }
        boolean created = create1 == null;
        create1 = Representation.of(request.payload(), request.contentFormat());
        return Response.builder(created ? Code.CREATED : Code.CHANGED).etag(create1.etag()).build();
    }

    private synchronized Response createDelete(Request request) {
        create1 = null;
        return Response.of(Code.DELETED);
    }
}
