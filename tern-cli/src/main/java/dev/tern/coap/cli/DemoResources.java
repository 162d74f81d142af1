package dev.tern.coap.cli;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.OptionalInt;

/**
 * The resources of {@code tern serve}:
 * <ul>
 * <li>{@code /hello}: GET 2.05 text/plain {@code Hello World!}</li>
 * <li>{@code /time}: GET 2.05 text/plain, the current UTC time in ISO-8601 (Max-Age 1)</li>
 * <li>{@code /echo}: POST and PUT answer 2.04 Changed with the request's payload and Content-Format
 *     and keep it; GET answers 2.05 with the last one kept</li>
 * <li>{@code /counter}: GET 2.05 the count as text; POST increments it and answers 2.04 with the new count</li>
 * <li>{@code /.well-known/core}: the list of these resources in link-format (RFC 6690)</li>
 * </ul>
 * Each {@link #router()} call has its own state.
 */
public final class DemoResources {
    /** The resource names, as listed at startup. */
    public static final List<String> NAMES = List.of("hello", "time", "echo", "counter");

    private static final String LINKS = "</hello>;title=\"Hello World\";ct=0,"
            + "</time>;title=\"Current UTC time\";ct=0,"
            + "</echo>;title=\"Echoes POST/PUT payloads\","
            + "</counter>;title=\"GET the count, POST to increment\";ct=0";

    private final Clock clock;
    private long count;
    private Bytes echoPayload = Bytes.EMPTY;
    private OptionalInt echoFormat = OptionalInt.empty();

    private DemoResources(Clock clock) {
        this.clock = clock;
    }

    /** The demo resources with the system clock. */
    public static Router router() {
        return router(Clock.systemUTC());
    }

    /** The demo resources with {@code clock} for {@code /time}. */
    public static Router router(Clock clock) {
        DemoResources r = new DemoResources(clock);
        return Router.builder()
                .get("/hello", req -> Response.content("Hello World!"))
                .get("/time", r::time)
                .get("/echo", r::echoGet)
                .post("/echo", r::echoPut)
                .put("/echo", r::echoPut)
                .get("/counter", r::counterGet)
                .post("/counter", r::counterPost)
                .get("/.well-known/core", req -> Response.builder(Code.CONTENT)
                        .payload(LINKS).contentFormat(ContentFormat.LINK_FORMAT).build())
                .build();
    }

    private Response time(Request request) {
        String now = DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.MILLIS));
        return Response.builder(Code.CONTENT).payload(now).contentFormat(ContentFormat.TEXT_PLAIN).maxAge(1).build();
    }

    private synchronized Response echoGet(Request request) {
        return body(Code.CONTENT, echoPayload, echoFormat);
    }

    private synchronized Response echoPut(Request request) {
        echoPayload = request.payload();
        echoFormat = request.contentFormat();
        return body(Code.CHANGED, echoPayload, echoFormat);
    }

    private static Response body(Code code, Bytes payload, OptionalInt format) {
        Response.Builder b = Response.builder(code).payload(payload);
        format.ifPresent(b::contentFormat);
        return b.build();
    }

    private synchronized Response counterGet(Request request) {
        return Response.content(Long.toString(count));
    }

    private synchronized Response counterPost(Request request) {
        count++;
        return Response.of(Code.CHANGED, Long.toString(count));
    }
}
