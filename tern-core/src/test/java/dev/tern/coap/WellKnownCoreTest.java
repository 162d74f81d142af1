package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WellKnownCoreTest {
    private static final Service.Handler OK = req -> Response.content("ok");

    private final Router router = Router.builder()
            .get("/sensors/temp", OK, RouteOptions.create().resourceType("temperature-c").interfaceDescription("sensor")
                    .produces(ContentFormat.TEXT_PLAIN, ContentFormat.JSON).observable())
            .put("/sensors/temp", OK)
            .get("/sensors/light", OK, RouteOptions.create().resourceType("light-lux").interfaceDescription("sensor")
                    .title("Light, in lux"))
            .get("/sensors/{id}", OK, RouteOptions.create().resourceType("generic"))
            .get("/files/{path*}", OK)
            .post("/a b", OK)
            .build();

    private Response discover(String... queries) {
        Request.Builder b = Request.builder(Method.GET).path(LinkFormat.WELL_KNOWN_CORE);
        for (String q : queries) {
            b.query(q);
        }
        return router.handle(b.build()).join();
    }

    @Test
    void listsConcreteRoutesWithTheirAttributes() {
        Response r = discover();
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.contentFormat()).hasValue(ContentFormat.LINK_FORMAT);
        assertThat(r.payloadString()).isEqualTo(
                "</sensors/temp>;rt=\"temperature-c\";if=\"sensor\";obs;ct=\"0 50\","
                + "</sensors/light>;rt=\"light-lux\";if=\"sensor\";title=\"Light, in lux\","
                + "</a%20b>");
        assertThat(LinkFormat.parse(r.payloadString())).isEqualTo(router.links());
    }

    @Test
    void honoursTheQueryFilter() {
        assertThat(discover("rt=light-lux").payloadString()).isEqualTo(
                "</sensors/light>;rt=\"light-lux\";if=\"sensor\";title=\"Light, in lux\"");
        assertThat(LinkFormat.parse(discover("href=/sensors*").payloadString())).extracting(Link::target)
                .containsExactly("/sensors/temp", "/sensors/light");
        assertThat(LinkFormat.parse(discover("if=sensor", "obs").payloadString())).extracting(Link::target)
                .containsExactly("/sensors/temp");
        assertThat(LinkFormat.parse(discover("ct=50").payloadString())).extracting(Link::target)
                .containsExactly("/sensors/temp");
        Response none = discover("rt=nothing");
        assertThat(none.code()).isEqualTo(Code.CONTENT);
        assertThat(none.payload().isEmpty()).isTrue();
    }

    @Test
    void answersOnlyGetAndLinkFormat() {
        Request put = Request.builder(Method.PUT).path(LinkFormat.WELL_KNOWN_CORE).build();
        assertThat(router.handle(put).join().code()).isEqualTo(Code.METHOD_NOT_ALLOWED);
        Request json = Request.builder(Method.GET).path(LinkFormat.WELL_KNOWN_CORE).accept(ContentFormat.JSON).build();
        assertThat(router.handle(json).join().code()).isEqualTo(Code.NOT_ACCEPTABLE);
    }

    @Test
    void isNeitherARouteNorItsOwnLink() {
        assertThat(router.routes()).extracting(RouteInfo::pathTemplate).doesNotContain(LinkFormat.WELL_KNOWN_CORE);
        assertThat(router.links()).extracting(Link::target).doesNotContain(LinkFormat.WELL_KNOWN_CORE);
    }

    @Test
    void canBeTurnedOff() {
        Router off = Router.builder().get("/a", OK).wellKnownCore(false).build();
        Request get = Request.builder(Method.GET).path(LinkFormat.WELL_KNOWN_CORE).build();
        assertThat(off.handle(get).join().code()).isEqualTo(Code.NOT_FOUND);
        assertThat(off.links()).isEmpty();
    }

    @Test
    void anOwnRouteReplacesIt() {
        Router own = Router.builder().get("/a", OK)
                .get("/.well-known/core", req -> Response.content(Bytes.utf8("</x>"), ContentFormat.LINK_FORMAT))
                .build();
        Request get = Request.builder(Method.GET).path(LinkFormat.WELL_KNOWN_CORE).build();
        assertThat(own.handle(get).join().payloadString()).isEqualTo("</x>");
        assertThat(own.links()).isEmpty();
    }

    @Test
    void filtersSeeDiscoveryToo() {
        Router filtered = Router.builder().get("/a", OK)
                .filter((req, next) -> next.handle(req).thenApply(r -> r.toBuilder().maxAge(7).build()))
                .build();
        Request get = Request.builder(Method.GET).path(LinkFormat.WELL_KNOWN_CORE).build();
        Response r = filtered.handle(get).join();
        assertThat(r.options().maxAge()).hasValue(7);
        assertThat(LinkFormat.parse(r.payloadString())).containsExactly(Link.of("/a"));
    }
}
