package dev.tern.coap.cli;

import static dev.tern.coap.cli.Services.call;
import static dev.tern.coap.cli.Services.req;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Link;
import dev.tern.coap.LinkFormat;
import dev.tern.coap.Method;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PlugtestResourcesTest {
    private final Router router = PlugtestResources.router(Duration.ofMillis(200));

    private static Option ifNoneMatch() {
        return Option.ofEmpty(OptionNumber.IF_NONE_MATCH);
    }

    private static Option ifMatch(Bytes etag) {
        return new Option(OptionNumber.IF_MATCH, etag);
    }

    @Test
    void testGetIsTextWithMaxAge30() {
        Response r = call(router, req(Method.GET, "/test").build());
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.contentFormat()).hasValue(ContentFormat.TEXT_PLAIN);
        assertThat(r.options().maxAge()).hasValue(30);
        assertThat(r.payloadString()).contains("Type: CON").contains("GET");
    }

    @Test
    void testGetNonSaysNon() {
        Response r = call(router, req(Method.GET, "/test").nonConfirmable().build());
        assertThat(r.payloadString()).contains("Type: NON");
    }

    @Test
    void testPostCreatesWithLocationPath() {
        Response r = call(router, req(Method.POST, "/test").payload("x").contentFormat(0).build());
        assertThat(r.code()).isEqualTo(Code.CREATED);
        assertThat(r.options().locationPath()).containsExactly("location1", "location2", "location3");
    }

    @Test
    void testPutChangesUnlessIfNoneMatch() {
        assertThat(call(router, req(Method.PUT, "/test").payload("x").contentFormat(0).build()).code())
                .isEqualTo(Code.CHANGED);
        assertThat(call(router, req(Method.PUT, "/test").option(ifNoneMatch()).payload("x").build()).code())
                .isEqualTo(Code.PRECONDITION_FAILED);
    }

    @Test
    void testDeleteLeavesTheResource() {
        assertThat(call(router, req(Method.DELETE, "/test").build()).code()).isEqualTo(Code.DELETED);
        assertThat(call(router, req(Method.GET, "/test").build()).code()).isEqualTo(Code.CONTENT);
    }

    @Test
    void longPath() {
        Response r = call(router, req(Method.GET, "/seg1/seg2/seg3").build());
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.contentFormat()).hasValue(ContentFormat.TEXT_PLAIN);
        assertThat(call(router, req(Method.GET, "/seg1/seg2").build()).code()).isEqualTo(Code.NOT_FOUND);
    }

    @Test
    void queryEchoesArguments() {
        Response r = call(router, Request.get("coap://localhost/query?first=1&second=2").build());
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.payloadString()).isEqualTo("first=1&second=2");
        assertThat(call(router, req(Method.POST, "/query").build()).code()).isEqualTo(Code.METHOD_NOT_ALLOWED);
    }

    @Test
    void separateAcknowledgesFirstAndAnswersLater() throws Exception {
        AtomicInteger acks = new AtomicInteger();
        Request request = dev.tern.coap.internal.api.ApiAccess.get()
                .actions(req(Method.GET, "/separate"), acks::incrementAndGet, o -> false).build();
        long start = System.nanoTime();
        CompletableFuture<Response> f = router.handle(request);
        assertThat(acks).hasValue(1);
        Response r = f.get(5, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.contentFormat()).hasValue(ContentFormat.TEXT_PLAIN);
    }

    @Test
    void separateNonAnswersLaterToo() {
        Response r = call(router, req(Method.GET, "/separate").nonConfirmable().build());
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.payloadString()).contains("Type: NON");
    }

    @Test
    void multiFormatHonoursAccept() {
        Response none = call(router, req(Method.GET, "/multi-format").build());
        assertThat(none.code()).isEqualTo(Code.CONTENT);
        assertThat(none.contentFormat()).hasValue(ContentFormat.TEXT_PLAIN);

        Response text = call(router, req(Method.GET, "/multi-format").accept(ContentFormat.TEXT_PLAIN).build());
        assertThat(text.contentFormat()).hasValue(ContentFormat.TEXT_PLAIN);

        Response xml = call(router, req(Method.GET, "/multi-format").accept(ContentFormat.XML).build());
        assertThat(xml.code()).isEqualTo(Code.CONTENT);
        assertThat(xml.contentFormat()).hasValue(ContentFormat.XML);
        assertThat(xml.payloadString()).startsWith("<msg ").endsWith("/>");

        Response json = call(router, req(Method.GET, "/multi-format").accept(ContentFormat.JSON).build());
        assertThat(json.code()).isEqualTo(Code.NOT_ACCEPTABLE);
    }

    @Test
    void locationQuery() {
        Response r = call(router, req(Method.POST, "/location-query").build());
        assertThat(r.code()).isEqualTo(Code.CREATED);
        assertThat(r.options().locationQuery()).containsExactly("first=1", "second=2");
    }

    @Test
    void validateEtagCycle() {
        Response first = call(router, req(Method.GET, "/validate").build());
        assertThat(first.code()).isEqualTo(Code.CONTENT);
        Bytes etag = first.options().etag().orElseThrow();

        Response valid = call(router, req(Method.GET, "/validate").options(o -> o.add(OptionNumber.ETAG, etag)).build());
        assertThat(valid.code()).isEqualTo(Code.VALID);
        assertThat(valid.options().etag()).hasValue(etag);

        Response changed = call(router, req(Method.PUT, "/validate").option(ifMatch(etag))
                .payload("v2").contentFormat(ContentFormat.TEXT_PLAIN).build());
        assertThat(changed.code()).isEqualTo(Code.CHANGED);
        Bytes etag2 = changed.options().etag().orElseThrow();
        assertThat(etag2).isNotEqualTo(etag);

        Response stale = call(router, req(Method.PUT, "/validate").option(ifMatch(etag)).payload("v3").build());
        assertThat(stale.code()).isEqualTo(Code.PRECONDITION_FAILED);

        Response exists = call(router, req(Method.PUT, "/validate").option(ifNoneMatch()).payload("v3").build());
        assertThat(exists.code()).isEqualTo(Code.PRECONDITION_FAILED);

        Response now = call(router, req(Method.GET, "/validate").options(o -> o.add(OptionNumber.ETAG, etag)).build());
        assertThat(now.code()).isEqualTo(Code.CONTENT);
        assertThat(now.payloadString()).isEqualTo("v2");
        assertThat(now.options().etag()).hasValue(etag2);
    }

    @Test
    void create1Lifecycle() {
        assertThat(call(router, req(Method.GET, "/create1").build()).code()).isEqualTo(Code.NOT_FOUND);

        Response created = call(router, req(Method.PUT, "/create1").option(ifNoneMatch())
                .payload("new").contentFormat(ContentFormat.TEXT_PLAIN).build());
        assertThat(created.code()).isEqualTo(Code.CREATED);

        Response again = call(router, req(Method.PUT, "/create1").option(ifNoneMatch()).payload("newer").build());
        assertThat(again.code()).isEqualTo(Code.PRECONDITION_FAILED);

        Response get = call(router, req(Method.GET, "/create1").build());
        assertThat(get.code()).isEqualTo(Code.CONTENT);
        assertThat(get.payloadString()).isEqualTo("new");

        assertThat(call(router, req(Method.DELETE, "/create1").build()).code()).isEqualTo(Code.DELETED);
        assertThat(call(router, req(Method.GET, "/create1").build()).code()).isEqualTo(Code.NOT_FOUND);
        assertThat(call(router, req(Method.PUT, "/create1").option(ifNoneMatch()).payload("x").build()).code())
                .isEqualTo(Code.CREATED);
    }

    @Test
    void everythingElseIsNotFound() {
        assertThat(call(router, req(Method.GET, "/hello").build()).code()).isEqualTo(Code.NOT_FOUND);
        assertThat(call(router, req(Method.GET, "/").build()).code()).isEqualTo(Code.NOT_FOUND);
    }

    @Test
    void wellKnownCoreListsEveryResource() {
        Response r = call(router, req(Method.GET, "/.well-known/core").build());
        assertThat(r.contentFormat()).hasValue(ContentFormat.LINK_FORMAT);
        assertThat(Pretty.links(r.payloadString())).hasSize(PlugtestResources.NAMES.size());
    }

    private List<Link> discover(String query) {
        Response r = call(router, req(Method.GET, "/.well-known/core" + query).build());
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.contentFormat()).hasValue(ContentFormat.LINK_FORMAT);
        return LinkFormat.parse(r.payloadString());
    }

    @Test
    void wellKnownCoreHasThePlugtestAttributes() {
        List<Link> links = discover("");
        assertThat(links).extracting(Link::target).containsExactlyElementsOf(
                PlugtestResources.NAMES.stream().map(n -> "/" + n).toList());
        assertThat(links).filteredOn(l -> l.target().equals("/link1")).singleElement().satisfies(l -> {
            assertThat(l.resourceTypes()).containsExactly("Type1", "Type2");
            assertThat(l.interfaceDescriptions()).containsExactly("If1");
        });
        assertThat(links).filteredOn(l -> l.target().equals("/path")).singleElement()
                .satisfies(l -> assertThat(l.contentFormats()).containsExactly(ContentFormat.LINK_FORMAT));
        assertThat(links).filteredOn(l -> l.target().equals("/multi-format")).singleElement()
                .satisfies(l -> assertThat(l.contentFormats()).containsExactly(0, 41));
    }

    @Test
    void wellKnownCoreFiltersAsTdCoapLinkExpects() {
        assertThat(discover("?rt=Type1")).extracting(Link::target).containsExactly("/link1", "/link3");
        assertThat(discover("?rt=Type2")).extracting(Link::target).containsExactly("/link1", "/link2");
        assertThat(discover("?rt=*")).extracting(Link::target).containsExactly("/test", "/link1", "/link2", "/link3",
                "/obs", "/obs-non", "/large", "/large-update", "/large-create", "/large-post");
        assertThat(discover("?if=If*")).extracting(Link::target).containsExactly("/link1", "/link2");
        assertThat(discover("?href=/link*")).extracting(Link::target).containsExactly("/link1", "/link2", "/link3");
        assertThat(discover("?ct=40")).extracting(Link::target).containsExactly("/path");
    }

    @Test
    void pathListsItsSubResources() {
        Response r = call(router, req(Method.GET, "/path").build());
        assertThat(r.contentFormat()).hasValue(ContentFormat.LINK_FORMAT);
        assertThat(LinkFormat.parse(r.payloadString())).extracting(Link::target)
                .containsExactly("/path/sub1", "/path/sub2", "/path/sub3");
        for (int i = 1; i <= 3; i++) {
            Response sub = call(router, req(Method.GET, "/path/sub" + i).build());
            assertThat(sub.code()).isEqualTo(Code.CONTENT);
            assertThat(sub.payloadString()).isEqualTo("/path/sub" + i);
        }
        assertThat(call(router, req(Method.GET, "/link2").build()).code()).isEqualTo(Code.CONTENT);
    }
}
