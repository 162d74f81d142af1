package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Templated routes list their instances in {@code /.well-known/core} (RFC 6690 §4, RFC 7252 §7.2;
 * issue 16) through {@link RouteOptions#links}, with the route's attributes and the query filter.
 */
class RouterInstanceLinksTest {
    private final List<String> ids = new CopyOnWriteArrayList<>(List.of("a", "b"));
    private final Router router = Router.builder()
            .get("/info", req -> Response.content("gateway"), RouteOptions.create().title("Gateway"))
            .get("/sensors/{id}", req -> Response.content(req.pathParam("id").orElseThrow()),
                    RouteOptions.create().resourceType("temperature").observable()
                            .links(() -> ids.stream().map(id -> Link.builder("/sensors/" + id).title("Sensor " + id)
                                    .build()).toList()))
            .put("/sensors/{id}", req -> Response.of(Code.CHANGED), RouteOptions.create().produces(ContentFormat.JSON))
            .get("/files/{name*}", req -> Response.content("f")) // no instances: still left out
            .build();

    private String discover(String... query) {
        Request.Builder b = Request.get("coap://localhost/.well-known/core");
        for (String q : query) {
            b.query(q);
        }
        return router.handle(b.build()).join().payloadString();
    }

    @Test
    void instancesOfATemplateAreListedWithTheRouteAttributes() {
        assertThat(discover()).isEqualTo("</info>;title=\"Gateway\","
                + "</sensors/a>;title=\"Sensor a\";rt=\"temperature\";obs;ct=50,"
                + "</sensors/b>;title=\"Sensor b\";rt=\"temperature\";obs;ct=50");
    }

    @Test
    void theListFollowsTheSupplier() {
        ids.add("c");
        ids.remove("a");
        assertThat(discover()).doesNotContain("</sensors/a>").contains("</sensors/b>", "</sensors/c>");
        assertThat(router.links()).extracting(Link::target).containsExactly("/info", "/sensors/b", "/sensors/c");
    }

    @Test
    void theQueryFilterAppliesToInstances() {
        assertThat(discover("rt=temperature")).isEqualTo("</sensors/a>;title=\"Sensor a\";rt=\"temperature\";obs;ct=50,"
                + "</sensors/b>;title=\"Sensor b\";rt=\"temperature\";obs;ct=50");
        assertThat(discover("href=/sensors/b")).startsWith("</sensors/b>").doesNotContain("/sensors/a");
        assertThat(discover("title=Gateway")).isEqualTo("</info>;title=\"Gateway\"");
    }

    @Test
    void aLinkKeepsItsOwnValueOfAnAttributeTheRouteAlsoSets() {
        Router r = Router.builder().get("/s/{id}", req -> Response.content("x"), RouteOptions.create()
                .resourceType("generic").links(() -> List.of(Link.builder("/s/1").resourceType("special").build())))
                .build();
        assertThat(r.links()).singleElement().extracting(l -> l.attribute("rt").orElseThrow()).isEqualTo("special");
    }

    @Test
    void twoDifferentSuppliersForOneResourceAreRefused() {
        assertThatThrownBy(() -> Router.builder()
                .get("/s/{id}", req -> Response.content("x"), RouteOptions.create().links(List::of))
                .put("/s/{id}", req -> Response.content("x"), RouteOptions.create().links(List::of))
                .build()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("links");
    }
}
