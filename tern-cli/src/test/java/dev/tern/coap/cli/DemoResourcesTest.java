package dev.tern.coap.cli;

import static dev.tern.coap.cli.Services.call;
import static dev.tern.coap.cli.Services.req;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Method;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.internal.api.ApiAccess;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DemoResourcesTest {
    private final Router router = DemoResources.router(
            Clock.fixed(Instant.parse("2025-03-04T05:06:07.123456Z"), ZoneOffset.UTC));

    @Test
    void helloIsTextContent() {
        Response r = call(router, req(Method.GET, "/hello").build());
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.payloadString()).isEqualTo("Hello World!");
        assertThat(r.contentFormat()).hasValue(ContentFormat.TEXT_PLAIN);
    }

    @Test
    void timeIsIsoUtc() {
        Response r = call(router, req(Method.GET, "/time").build());
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.payloadString()).isEqualTo("2025-03-04T05:06:07.123Z");
        assertThat(r.contentFormat()).hasValue(ContentFormat.TEXT_PLAIN);
    }

    @Test
    void timeIsObservableAndNotifiesEverySecond() {
        ManualTicker ticker = new ManualTicker();
        Router r = DemoResources.router(Clock.systemUTC(), ResourceLimits.DEFAULT, ticker);
        assertThat(ticker.periods).containsExactly(Duration.ofSeconds(1));
        java.util.concurrent.atomic.AtomicReference<ObservableResource> source = new java.util.concurrent.atomic.AtomicReference<>();
        Response first = call(r, ApiAccess.get().actions(req(Method.GET, "/time").observe(), () -> { }, o -> {
            source.set(o);
            return true;
        }).build());
        assertThat(first.code()).isEqualTo(Code.CONTENT);
        java.util.concurrent.atomic.AtomicInteger changes = new java.util.concurrent.atomic.AtomicInteger();
        ApiAccess.get().addObserver(source.get(), new ApiAccess.Observer() {
            @Override
            public void changed() {
                changes.incrementAndGet();
            }

            @Override
            public void terminate(Response response) {
            }
        });
        ticker.tick();
        ticker.tick();
        assertThat(changes).hasValue(2);
        assertThat(call(r, req(Method.GET, "/.well-known/core").build()).payloadString())
                .contains("</time>;title=\"Current UTC time\";ct=0;obs");
    }

    @Test
    void timeWithSystemClockParses() {
        Response r = call(DemoResources.router(), req(Method.GET, "/time").build());
        assertThat(Instant.parse(r.payloadString())).isNotNull();
    }

    @Test
    void echoReturnsAndKeepsPayloadAndFormat() {
        Response empty = call(router, req(Method.GET, "/echo").build());
        assertThat(empty.code()).isEqualTo(Code.CONTENT);
        assertThat(empty.payload().isEmpty()).isTrue();

        Response post = call(router, req(Method.POST, "/echo").payload("{\"a\":1}").contentFormat(ContentFormat.JSON).build());
        assertThat(post.code()).isEqualTo(Code.CHANGED);
        assertThat(post.payloadString()).isEqualTo("{\"a\":1}");
        assertThat(post.contentFormat()).hasValue(ContentFormat.JSON);

        Response get = call(router, req(Method.GET, "/echo").build());
        assertThat(get.code()).isEqualTo(Code.CONTENT);
        assertThat(get.payloadString()).isEqualTo("{\"a\":1}");
        assertThat(get.contentFormat()).hasValue(ContentFormat.JSON);

        Response put = call(router, req(Method.PUT, "/echo").payload("plain").build());
        assertThat(put.code()).isEqualTo(Code.CHANGED);
        assertThat(put.payloadString()).isEqualTo("plain");
        assertThat(put.contentFormat()).isEmpty();
        assertThat(call(router, req(Method.GET, "/echo").build()).payloadString()).isEqualTo("plain");
    }

    @Test
    void counterCountsPosts() {
        assertThat(call(router, req(Method.GET, "/counter").build()).payloadString()).isEqualTo("0");
        Response first = call(router, req(Method.POST, "/counter").build());
        assertThat(first.code()).isEqualTo(Code.CHANGED);
        assertThat(first.payloadString()).isEqualTo("1");
        assertThat(call(router, req(Method.POST, "/counter").build()).payloadString()).isEqualTo("2");
        Response get = call(router, req(Method.GET, "/counter").build());
        assertThat(get.code()).isEqualTo(Code.CONTENT);
        assertThat(get.payloadString()).isEqualTo("2");
    }

    @Test
    void counterIsObservableAndNotifiesOnEveryPost() {
        java.util.concurrent.atomic.AtomicReference<ObservableResource> source = new java.util.concurrent.atomic.AtomicReference<>();
        Response first = call(router, ApiAccess.get().actions(req(Method.GET, "/counter").observe(), () -> { }, o -> {
            source.set(o);
            return true;
        }).build());
        assertThat(first.payloadString()).isEqualTo("0");
        java.util.concurrent.atomic.AtomicInteger changes = new java.util.concurrent.atomic.AtomicInteger();
        ApiAccess.get().addObserver(source.get(), new ApiAccess.Observer() {
            @Override
            public void changed() {
                changes.incrementAndGet();
            }

            @Override
            public void terminate(Response response) {
            }
        });
        call(router, req(Method.POST, "/counter").build());
        call(router, req(Method.POST, "/counter").build());
        assertThat(changes).hasValue(2);
        assertThat(call(router, req(Method.GET, "/.well-known/core").build()).payloadString())
                .contains("</counter>;title=\"GET the count, POST to increment\";ct=0;obs");
    }

    @Test
    void eachRouterHasItsOwnState() {
        call(router, req(Method.POST, "/counter").build());
        assertThat(call(DemoResources.router(), req(Method.GET, "/counter").build()).payloadString()).isEqualTo("0");
    }

    @Test
    void wellKnownCoreListsTheResources() {
        Response r = call(router, req(Method.GET, "/.well-known/core").build());
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.contentFormat()).hasValue(ContentFormat.LINK_FORMAT);
        assertThat(Pretty.links(r.payloadString())).hasSize(5)
                .allSatisfy(l -> assertThat(l).startsWith("</"));
        assertThat(r.payloadString()).startsWith("</hello>;title=\"Hello World\";ct=0,</time>;");
    }

    @Test
    void unknownPathIsNotFoundAndWrongMethodNotAllowed() {
        assertThat(call(router, req(Method.GET, "/nope").build()).code()).isEqualTo(Code.NOT_FOUND);
        assertThat(call(router, req(Method.DELETE, "/hello").build()).code()).isEqualTo(Code.METHOD_NOT_ALLOWED);
        assertThat(call(router, req(Method.PUT, "/counter").build()).code()).isEqualTo(Code.METHOD_NOT_ALLOWED);
    }
}
