package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The router's opt-in for group requests (RFC 7252 §11.3), as a plain function. */
class RouterGroupRequestTest {
    private final AtomicInteger calls = new AtomicInteger();

    private Router router() {
        Service.Handler counting = req -> {
            calls.incrementAndGet();
            return Response.content("ok");
        };
        return Router.builder()
                .get("/plain", counting)
                .get("/group", counting, RouteOptions.create().multicast(true))
                .put("/group", counting)
                .get("/full", counting, RouteOptions.create().multicastUncapped())
                .get("/off", counting, RouteOptions.create().multicastUncapped().multicast(false))
                .build();
    }

    private static Request group(Method method, String path, Runnable release) {
        return Request.builder(method).path(path).multicast(true).groupLimitRelease(release).build();
    }

    private static Response call(Router r, Request request) {
        return r.handle(request).join();
    }

    @Test
    void onlyOptedInRoutesAndMethodsRunForGroupRequests() {
        Router r = router();
        assertThat(call(r, group(Method.GET, "/plain", () -> { })).code()).isEqualTo(Code.NOT_FOUND);
        assertThat(call(r, group(Method.PUT, "/group", () -> { })).code()).isEqualTo(Code.NOT_FOUND);
        assertThat(call(r, group(Method.GET, "/off", () -> { })).code()).isEqualTo(Code.NOT_FOUND);
        assertThat(calls).hasValue(0);
        assertThat(call(r, group(Method.GET, "/group", () -> { })).code()).isEqualTo(Code.CONTENT);
        assertThat(calls).hasValue(1);
        assertThat(call(r, Request.builder(Method.GET).path("/plain").build()).code()).isEqualTo(Code.CONTENT);
    }

    @Test
    void wellKnownCoreAnswersGroupGetsOnly() {
        Router r = router();
        assertThat(call(r, group(Method.GET, "/.well-known/core", () -> { })).code()).isEqualTo(Code.CONTENT);
        assertThat(call(r, group(Method.POST, "/.well-known/core", () -> { })).code())
                .isEqualTo(Code.METHOD_NOT_ALLOWED);
    }

    @Test
    void onlyAnUncappedRouteReleasesTheMultiplier() {
        Router r = router();
        AtomicBoolean released = new AtomicBoolean();
        call(r, group(Method.GET, "/group", () -> released.set(true)));
        assertThat(released).isFalse();
        call(r, group(Method.GET, "/full", () -> released.set(true)));
        assertThat(released).isTrue();
    }

    @Test
    void routeOptionsSayWhatTheyDo() {
        assertThat(RouteOptions.create().isMulticast()).isFalse();
        assertThat(RouteOptions.create().multicast(true).isMulticast()).isTrue();
        assertThat(RouteOptions.create().multicast(true).isMulticastUncapped()).isFalse();
        assertThat(RouteOptions.create().multicastUncapped().isMulticast()).isTrue();
        assertThat(RouteOptions.create().multicastUncapped().isMulticastUncapped()).isTrue();
        assertThat(RouteOptions.create().title("t").multicast(true).title("u").isMulticast()).isTrue();
        assertThat(RouteOptions.create().multicast(true).toString()).contains("multicast");
    }
}
