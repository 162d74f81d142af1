package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static Request get(String path) {
        return Request.builder(Method.GET).path(path).build();
    }

    private static Response call(Service s, Request r) {
        return s.handle(r).join();
    }

    /** A handler answering 2.05 with a text naming the route and its bound parameters. */
    private static Service.Handler echo(String name) {
        return req -> Response.content(name + (req.pathParams().isEmpty() ? "" : " " + new java.util.TreeMap<>(req.pathParams())));
    }

    @Test
    void literalRoutes() {
        Router r = Router.builder()
                .get("/hello", echo("hello"))
                .get("/a/b/c", echo("abc"))
                .get("/", echo("root"))
                .build();
        assertThat(call(r, get("/hello")).payloadString()).isEqualTo("hello");
        assertThat(call(r, get("/a/b/c")).payloadString()).isEqualTo("abc");
        assertThat(call(r, get("/")).payloadString()).isEqualTo("root");
        assertThat(call(r, Request.builder(Method.GET).build()).payloadString()).isEqualTo("root");
        assertThat(call(r, get("/a/b")).code()).isEqualTo(Code.NOT_FOUND);
        assertThat(call(r, get("/Hello")).code()).isEqualTo(Code.NOT_FOUND);
    }

    @Test
    void methodsAreDispatchedSeparately() {
        Router r = Router.builder()
                .get("/x", req -> Response.of(Code.CONTENT, "get"))
                .post("/x", req -> Response.of(Code.CREATED, "post"))
                .put("/x", req -> Response.of(Code.CHANGED, "put"))
                .delete("/x", req -> Response.of(Code.DELETED, "delete"))
                .fetch("/x", req -> Response.of(Code.CONTENT, "fetch"))
                .patch("/x", req -> Response.of(Code.CHANGED, "patch"))
                .ipatch("/x", req -> Response.of(Code.CHANGED, "ipatch"))
                .build();
        for (Method m : Method.values()) {
            Response resp = call(r, Request.builder(m).path("/x").build());
            assertThat(resp.payloadString()).isEqualTo(m.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    @Test
    void parametersBindOneSegment() {
        Router r = Router.builder()
                .get("/sensors/{id}", req -> Response.content("sensor " + req.pathParam("id").orElseThrow()))
                .get("/users/{user}/posts/{post}", echo("post"))
                .build();
        assertThat(call(r, get("/sensors/7")).payloadString()).isEqualTo("sensor 7");
        assertThat(call(r, get("/users/ann/posts/42")).payloadString()).isEqualTo("post {post=42, user=ann}");
        assertThat(call(r, get("/sensors")).code()).isEqualTo(Code.NOT_FOUND);
        assertThat(call(r, get("/sensors/7/x")).code()).isEqualTo(Code.NOT_FOUND);
    }

    @Test
    void parameterValuesAreUriPathValuesVerbatim() {
        Router r = Router.builder().get("/n/{name}", req -> Response.content(req.pathParam("name").orElseThrow())).build();
        Request req = Request.builder(Method.GET)
                .options(o -> o.add(OptionNumber.URI_PATH, "n").add(OptionNumber.URI_PATH, "a b/c%20"))
                .build();
        assertThat(call(r, req).payloadString()).isEqualTo("a b/c%20");
    }

    @Test
    void restParameterBindsTheRemainingPath() {
        Router r = Router.builder()
                .get("/files/{path*}", req -> Response.content("[" + req.pathParam("path").orElseThrow() + "]"))
                .get("/static/**", req -> Response.content("static " + req.pathParams()))
                .build();
        assertThat(call(r, get("/files/a/b/c.txt")).payloadString()).isEqualTo("[a/b/c.txt]");
        assertThat(call(r, get("/files/x")).payloadString()).isEqualTo("[x]");
        assertThat(call(r, get("/files")).payloadString()).isEqualTo("[]");
        assertThat(call(r, get("/static/css/site.css")).payloadString()).isEqualTo("static {}");
        assertThat(call(r, get("/static")).payloadString()).isEqualTo("static {}");
        assertThat(call(r, get("/other/files")).code()).isEqualTo(Code.NOT_FOUND);
    }

    @Test
    void rootRestMatchesEverything() {
        Router r = Router.builder()
                .get("/{all*}", req -> Response.content("<" + req.pathParam("all").orElseThrow() + ">"))
                .get("/exact", echo("exact"))
                .build();
        assertThat(call(r, get("/")).payloadString()).isEqualTo("<>");
        assertThat(call(r, get("/q/r")).payloadString()).isEqualTo("<q/r>");
        assertThat(call(r, get("/exact")).payloadString()).isEqualTo("exact");
    }

    @Test
    void mostSpecificTemplateWins() {
        Router r = Router.builder()
                .get("/items/{rest*}", echo("rest"))
                .get("/items/{id}", echo("param"))
                .get("/items/new", echo("literal"))
                .get("/items", echo("bare"))
                .get("/{a}/{b}/c", echo("params-first"))
                .get("/x/{b}/{c}", echo("literal-first"))
                .build();
        assertThat(call(r, get("/items/new")).payloadString()).isEqualTo("literal");
        assertThat(call(r, get("/items/7")).payloadString()).isEqualTo("param {id=7}");
        assertThat(call(r, get("/items/7/8")).payloadString()).isEqualTo("rest {rest=7/8}");
        assertThat(call(r, get("/items")).payloadString()).isEqualTo("bare");
        // the leftmost difference decides: a literal first segment beats a parameter there
        assertThat(call(r, get("/x/y/c")).payloadString()).isEqualTo("literal-first {b=y, c=c}");
        assertThat(call(r, get("/w/y/c")).payloadString()).isEqualTo("params-first {a=w, b=y}");
    }

    @Test
    void specificityDoesNotDependOnRegistrationOrder() {
        Router r1 = Router.builder().get("/a/{x}", echo("p")).get("/a/b", echo("l")).build();
        Router r2 = Router.builder().get("/a/b", echo("l")).get("/a/{x}", echo("p")).build();
        for (Router r : List.of(r1, r2)) {
            assertThat(call(r, get("/a/b")).payloadString()).isEqualTo("l");
            assertThat(call(r, get("/a/c")).payloadString()).isEqualTo("p {x=c}");
        }
    }

    @Test
    void lessSpecificRouteServesAMethodTheMoreSpecificOneLacks() {
        Router r = Router.builder()
                .get("/items/{id}", echo("get-item"))
                .delete("/items/special", req -> Response.of(Code.DELETED))
                .build();
        assertThat(call(r, get("/items/special")).payloadString()).isEqualTo("get-item {id=special}");
        assertThat(call(r, Request.builder(Method.DELETE).path("/items/special").build()).code())
                .isEqualTo(Code.DELETED);
        assertThat(call(r, Request.builder(Method.DELETE).path("/items/7").build()).code())
                .isEqualTo(Code.METHOD_NOT_ALLOWED);
    }

    @Test
    void trailingSlashAndEmptySegmentsAreIgnored() {
        Router r = Router.builder().get("/a/b/", echo("ab")).get("dir/{x}", echo("dir")).build();
        Request trailing = Request.builder(Method.GET)
                .options(o -> o.add(OptionNumber.URI_PATH, "a").add(OptionNumber.URI_PATH, "b")
                        .add(OptionNumber.URI_PATH, ""))
                .build();
        Request doubled = Request.builder(Method.GET)
                .options(o -> o.add(OptionNumber.URI_PATH, "").add(OptionNumber.URI_PATH, "dir")
                        .add(OptionNumber.URI_PATH, "").add(OptionNumber.URI_PATH, "q"))
                .build();
        assertThat(call(r, get("/a/b")).payloadString()).isEqualTo("ab");
        assertThat(call(r, trailing).payloadString()).isEqualTo("ab");
        assertThat(call(r, doubled).payloadString()).isEqualTo("dir {x=q}");
        assertThat(call(r, get("/dir/q")).payloadString()).isEqualTo("dir {x=q}");
        Request emptyOnly = Request.builder(Method.GET).options(o -> o.add(OptionNumber.URI_PATH, "")).build();
        assertThat(call(r, emptyOnly).code()).isEqualTo(Code.NOT_FOUND);
        assertThat(call(Router.builder().get("/", echo("root")).build(), emptyOnly).payloadString()).isEqualTo("root");
    }

    @Test
    void unknownPathIsNotFound() {
        AtomicBoolean called = new AtomicBoolean();
        Router r = Router.builder().get("/a", req -> {
            called.set(true);
            return Response.content("a");
        }).build();
        Response resp = call(r, get("/b"));
        assertThat(resp.code()).isEqualTo(Code.NOT_FOUND);
        assertThat(resp.payload().isEmpty()).isTrue();
        assertThat(called).isFalse();
        assertThat(call(Router.builder().build(), get("/")).code()).isEqualTo(Code.NOT_FOUND);
    }

    @Test
    void knownPathWithoutTheMethodIsMethodNotAllowed() {
        Router r = Router.builder().get("/a", echo("a")).get("/p/{x}", echo("p")).build();
        assertThat(call(r, Request.builder(Method.POST).path("/a").build()).code()).isEqualTo(Code.METHOD_NOT_ALLOWED);
        assertThat(call(r, Request.builder(Method.DELETE).path("/p/1").build()).code())
                .isEqualTo(Code.METHOD_NOT_ALLOWED);
        assertThat(call(r, Request.builder(Method.DELETE).path("/p/1/2").build()).code()).isEqualTo(Code.NOT_FOUND);
    }

    @Test
    void anyRoutesEveryMethodAndSpecificMethodsTakePrecedence() {
        Router r = Router.builder()
                .any("/res", req -> CompletableFuture.completedFuture(Response.content("any " + req.method())))
                .get("/res", echo("get"))
                .build();
        assertThat(call(r, get("/res")).payloadString()).isEqualTo("get");
        assertThat(call(r, Request.builder(Method.IPATCH).path("/res").build()).payloadString()).isEqualTo("any IPATCH");
        assertThat(r.routes()).singleElement().satisfies(info ->
                assertThat(info.methods()).isEqualTo(EnumSet.allOf(Method.class)));
    }

    @Test
    void producesAnswersNotAcceptableWithoutCallingTheHandler() {
        AtomicBoolean called = new AtomicBoolean();
        Router r = Router.builder().get("/t", req -> {
            called.set(true);
            return Response.content("21.5");
        }, RouteOptions.create().produces(ContentFormat.TEXT_PLAIN, ContentFormat.JSON)).build();

        Response refused = call(r, Request.builder(Method.GET).path("/t").accept(ContentFormat.CBOR).build());
        assertThat(refused.code()).isEqualTo(Code.NOT_ACCEPTABLE);
        assertThat(called).isFalse();

        assertThat(call(r, Request.builder(Method.GET).path("/t").accept(ContentFormat.JSON).build()).code())
                .isEqualTo(Code.CONTENT);
        assertThat(call(r, get("/t")).code()).isEqualTo(Code.CONTENT); // no Accept: anything goes
        assertThat(called).isTrue();
    }

    @Test
    void consumesAnswersUnsupportedContentFormat() {
        AtomicBoolean called = new AtomicBoolean();
        Router r = Router.builder().post("/in", req -> {
            called.set(true);
            return Response.of(Code.CHANGED);
        }, RouteOptions.create().consumes(ContentFormat.JSON)).build();

        Request xml = Request.builder(Method.POST).path("/in").payload("<a/>").contentFormat(ContentFormat.XML).build();
        Request untyped = Request.builder(Method.POST).path("/in").payload("{}").build();
        Request typedEmpty = Request.builder(Method.POST).path("/in").contentFormat(ContentFormat.CBOR).build();
        assertThat(call(r, xml).code()).isEqualTo(Code.UNSUPPORTED_CONTENT_FORMAT);
        assertThat(call(r, untyped).code()).isEqualTo(Code.UNSUPPORTED_CONTENT_FORMAT);
        assertThat(call(r, typedEmpty).code()).isEqualTo(Code.UNSUPPORTED_CONTENT_FORMAT);
        assertThat(called).isFalse();

        Request json = Request.builder(Method.POST).path("/in").payload("{}").contentFormat(ContentFormat.JSON).build();
        Request empty = Request.builder(Method.POST).path("/in").build();
        assertThat(call(r, json).code()).isEqualTo(Code.CHANGED);
        assertThat(call(r, empty).code()).isEqualTo(Code.CHANGED);
    }

    @Test
    void contentFormatIsCheckedBeforeAccept() {
        Router r = Router.builder().fetch("/q", req -> Response.content("x"),
                RouteOptions.create().consumes(ContentFormat.JSON).produces(ContentFormat.TEXT_PLAIN)).build();
        Request both = Request.builder(Method.FETCH).path("/q").payload("<a/>").contentFormat(ContentFormat.XML)
                .accept(ContentFormat.CBOR).build();
        assertThat(call(r, both).code()).isEqualTo(Code.UNSUPPORTED_CONTENT_FORMAT);
    }

    @Test
    void negotiationIsPerMethod() {
        Router r = Router.builder()
                .get("/d", req -> Response.content("d"), RouteOptions.create().produces(ContentFormat.TEXT_PLAIN))
                .put("/d", req -> Response.of(Code.CHANGED))
                .build();
        assertThat(call(r, Request.builder(Method.GET).path("/d").accept(ContentFormat.JSON).build()).code())
                .isEqualTo(Code.NOT_ACCEPTABLE);
        assertThat(call(r, Request.builder(Method.PUT).path("/d").accept(ContentFormat.JSON).build()).code())
                .isEqualTo(Code.CHANGED);
    }

    @Test
    void filtersWrapTheRouterFirstAddedOutermost() {
        List<String> trace = new ArrayList<>();
        Filter outer = (req, next) -> {
            trace.add("outer-in");
            return next.handle(req).thenApply(resp -> {
                trace.add("outer-out");
                return resp;
            });
        };
        Filter inner = (req, next) -> {
            trace.add("inner-in");
            return next.handle(req).thenApply(resp -> {
                trace.add("inner-out");
                return resp;
            });
        };
        Router r = Router.builder()
                .filter(outer)
                .get("/a", req -> {
                    trace.add("handler");
                    return Response.content("a");
                })
                .filter(inner)
                .build();
        assertThat(call(r, get("/a")).payloadString()).isEqualTo("a");
        assertThat(trace).containsExactly("outer-in", "inner-in", "handler", "inner-out", "outer-out");

        trace.clear();
        assertThat(call(r, get("/missing")).code()).isEqualTo(Code.NOT_FOUND);
        assertThat(trace).containsExactly("outer-in", "inner-in", "inner-out", "outer-out");
    }

    @Test
    void filterCanAnswerAndSeesPathParamsOnlyDownstream() {
        Router r = Router.builder()
                .filter((req, next) -> req.queryParam("deny").isPresent()
                        ? CompletableFuture.completedFuture(Response.of(Code.FORBIDDEN))
                        : next.handle(req))
                .get("/s/{id}", echo("s"))
                .build();
        assertThat(call(r, Request.builder(Method.GET).path("/s/1").query("deny").build()).code())
                .isEqualTo(Code.FORBIDDEN);
        assertThat(call(r, get("/s/1")).payloadString()).isEqualTo("s {id=1}");
    }

    @Test
    void handlerExceptionBecomesAFailedFutureNotAResponse() {
        IllegalStateException boom = new IllegalStateException("boom");
        Router r = Router.builder()
                .get("/sync", req -> {
                    throw boom;
                })
                .route(Method.GET, "/async-throws", req -> {
                    throw boom;
                })
                .route(Method.GET, "/async-fails", req -> CompletableFuture.failedFuture(boom))
                .build();
        for (String path : List.of("/sync", "/async-throws", "/async-fails")) {
            CompletableFuture<Response> f = r.handle(get(path));
            assertThat(f).isCompletedExceptionally();
            assertThatThrownBy(f::join).isInstanceOf(CompletionException.class).hasCause(boom);
        }
    }

    @Test
    void failedFutureIsPropagatedAsIs() {
        CompletableFuture<Response> failed = CompletableFuture.failedFuture(new IllegalArgumentException("x"));
        Router r = Router.builder().route(Method.GET, "/f", req -> failed).build();
        assertThat(r.handle(get("/f"))).isSameAs(failed);
    }

    @Test
    void throwingFilterBecomesAFailedFuture() {
        Router r = Router.builder()
                .filter((req, next) -> {
                    throw new UnsupportedOperationException("filter");
                })
                .get("/a", echo("a"))
                .build();
        CompletableFuture<Response> f = r.handle(get("/a"));
        assertThatThrownBy(f::join).hasCauseInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void nullFromAHandlerIsAFailedFutureWithNullPointerException() {
        Router r = Router.builder()
                .get("/sync", req -> null)
                .route(Method.GET, "/async", req -> null)
                .build();
        for (String path : List.of("/sync", "/async")) {
            CompletableFuture<Response> f = r.handle(get(path));
            assertThat(f).isNotNull().isCompletedExceptionally();
            assertThatThrownBy(f::join).cause().isInstanceOf(NullPointerException.class)
                    .hasMessage("handler returned null");
        }
        CompletableFuture<Response> viaFilter = Router.builder().filter((req, next) -> null).build().handle(get("/"));
        assertThat(viaFilter).isNotNull().isCompletedExceptionally();
    }

    @Test
    void asyncHandlersCompleteLater() {
        CompletableFuture<Response> pending = new CompletableFuture<>();
        Router r = Router.builder()
                .route(Method.PUT, "/slow/{id}", req -> {
                    req.acknowledge();
                    return pending.thenApply(resp -> Response.of(Code.CHANGED, req.pathParam("id").orElseThrow()));
                })
                .build();
        AtomicBoolean acked = new AtomicBoolean();
        CompletableFuture<Response> f = r.handle(Request.builder(Method.PUT).path("/slow/9")
                .acknowledger(() -> acked.set(true)).build());
        assertThat(acked).isTrue();
        assertThat(f).isNotDone();
        pending.complete(Response.of(Code.CONTENT));
        assertThat(f.join().code()).isEqualTo(Code.CHANGED);
        assertThat(f.join().payloadString()).isEqualTo("9");
    }

    @Test
    void staleParamsAreReplacedAndParamlessRequestsPassUnchanged() {
        List<Request> seen = new ArrayList<>();
        Router r = Router.builder().get("/plain", req -> {
            seen.add(req);
            return Response.content("p");
        }).build();
        Request plain = get("/plain");
        call(r, plain);
        Request stale = plain.toBuilder().pathParams(Map.of("old", "1")).build();
        call(r, stale);
        assertThat(seen.get(0)).isSameAs(plain);
        assertThat(seen.get(1).pathParams()).isEmpty();
    }

    @Test
    void routesDescribeTemplatesMethodsAndAttributes() {
        Router r = Router.builder()
                .get("/sensors/{id}", echo("get"), RouteOptions.create()
                        .produces(ContentFormat.TEXT_PLAIN, ContentFormat.JSON)
                        .title("Sensor").resourceType("temperature-c", "core.s").interfaceDescription("sensor")
                        .observable())
                .put("/sensors/{sid}", req -> Response.of(Code.CHANGED), RouteOptions.create().title("Sensor"))
                .route(Method.POST, "/cmd", req -> CompletableFuture.completedFuture(Response.of(Code.CHANGED)),
                        RouteOptions.create().contentType(ContentFormat.CBOR).attribute("sz", "64"))
                .get("/plain", echo("plain"))
                .build();
        Map<String, String> sensorAttrs = new java.util.LinkedHashMap<>();
        sensorAttrs.put("title", "Sensor");
        sensorAttrs.put("rt", "temperature-c core.s");
        sensorAttrs.put("if", "sensor");
        sensorAttrs.put("obs", "");
        sensorAttrs.put("ct", "0 50");
        assertThat(r.routes()).containsExactly(
                new RouteInfo("/sensors/{id}", Set.of(Method.GET, Method.PUT), sensorAttrs),
                new RouteInfo("/cmd", Set.of(Method.POST), Map.of("ct", "60", "sz", "64")),
                new RouteInfo("/plain", Set.of(Method.GET), Map.of()));
        assertThat(r.routes().get(0).attributes().keySet()).containsExactly("title", "rt", "if", "obs", "ct");
        assertThat(r.toString()).isEqualTo("Router[/sensors/{id} GET PUT, /cmd POST, /plain GET]");
        // templates differing only in parameter names share a resource; each binds its own names
        assertThat(call(r, Request.builder(Method.PUT).path("/sensors/3").build()).code()).isEqualTo(Code.CHANGED);
        assertThat(call(r, get("/sensors/3")).payloadString()).isEqualTo("get {id=3}");
    }

    @Test
    void routeOptionsAreImmutable() {
        RouteOptions base = RouteOptions.create();
        RouteOptions json = base.produces(ContentFormat.JSON).title("t");
        assertThat(base.produces()).isEmpty();
        assertThat(base.attributes()).isEmpty();
        assertThat(json.produces()).containsExactly(ContentFormat.JSON);
        json.produces()[0] = 99;
        assertThat(json.produces()).containsExactly(ContentFormat.JSON);
        assertThat(json.attributes()).containsEntry("title", "t");
        assertThatThrownBy(() -> base.produces(70000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidRegistrationsAreRejected() {
        Router.Builder b = Router.builder().get("/a/{x}", echo("a"));
        assertThatThrownBy(() -> b.get("/a/{y}", echo("dup"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.get("/{rest*}/x", echo("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.get("/**/x", echo("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.get("/a{b}", echo("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.get("/{}", echo("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.get("/{p}/{p}", echo("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.get("/{a b}", echo("x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.put("/a/{z}", echo("x"), RouteOptions.create().title("other"))
                .post("/a/{z}", echo("y"), RouteOptions.create().title("different")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.any("/n", null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void builtRouterIsUnaffectedByLaterRegistrations() {
        Router.Builder b = Router.builder().get("/a", echo("a"));
        Router first = b.build();
        b.get("/b", echo("b"));
        assertThat(call(first, get("/b")).code()).isEqualTo(Code.NOT_FOUND);
        assertThat(call(b.build(), get("/b")).payloadString()).isEqualTo("b");
        assertThat(first.routes()).hasSize(1);
    }
}
