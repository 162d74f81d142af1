package dev.tern.coap.cli;

import static dev.tern.coap.cli.Services.call;
import static dev.tern.coap.cli.Services.req;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Method;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 17 point 3: what peers store in the demo and plugtest resources is bounded and expires. */
class ResourceStateTest {
    private static final Duration LIFETIME = Duration.ofMinutes(10);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ResourceLimits limits = new ResourceLimits(8, 4096, LIFETIME);
    private final Router plugtest = PlugtestResources.router(Duration.ofMillis(10), limits, clock, new ManualTicker());
    private final Router demo = DemoResources.router(clock, limits, new ManualTicker());

    private static int id(Response created) {
        assertThat(created.code()).isEqualTo(Code.CREATED);
        List<String> path = created.options().locationPath();
        return Integer.parseInt(path.get(path.size() - 1));
    }

    @Test
    void largeCreateKeepsTheNewestWithinEntriesAndBytes() {
        int last = 0;
        for (int i = 0; i < 100; i++) {
            last = id(call(plugtest, req(Method.POST, "/large-create").payload(Bytes.wrap(new byte[700])).build()));
        }
        int entries = 0;
        long bytes = 0;
        for (int n = 1; n <= last; n++) {
            Response r = call(plugtest, req(Method.GET, "/large-create/" + n).build());
            if (r.code().equals(Code.CONTENT)) {
                entries++;
                bytes += r.payload().length();
            }
        }
        assertThat(bytes).isLessThanOrEqualTo(4096);
        assertThat(entries).isEqualTo(5); // 5 x 700 bytes fit in 4096, 6 do not
        assertThat(call(plugtest, req(Method.GET, "/large-create/" + last).build()).code()).isEqualTo(Code.CONTENT);
    }

    @Test
    void largeCreateRefusesABodyLargerThanAllTheBytesWith413() {
        Response r = call(plugtest, req(Method.POST, "/large-create").payload(Bytes.wrap(new byte[4097])).build());
        assertThat(r.code()).isEqualTo(Code.REQUEST_ENTITY_TOO_LARGE);
    }

    @Test
    void largeCreateExpires() {
        int id = id(call(plugtest, req(Method.POST, "/large-create").payload("x").build()));
        clock.advance(LIFETIME.minusSeconds(1));
        assertThat(call(plugtest, req(Method.GET, "/large-create/" + id).build()).payloadString()).isEqualTo("x");
        clock.advance(Duration.ofSeconds(1));
        assertThat(call(plugtest, req(Method.GET, "/large-create/" + id).build()).code()).isEqualTo(Code.NOT_FOUND);
    }

    @Test
    void largeUpdateRevertsAfterTheLifetime() {
        call(plugtest, req(Method.PUT, "/large-update").payload("mine").build());
        assertThat(call(plugtest, req(Method.GET, "/large-update").build()).payloadString()).isEqualTo("mine");
        clock.advance(LIFETIME);
        assertThat(call(plugtest, req(Method.GET, "/large-update").build()).payloadString()).isEqualTo(LargePlugtest.LARGE);
    }

    @Test
    void create1AndValidateForgetWhatWasPut() {
        call(plugtest, req(Method.PUT, "/create1").payload("new").build());
        call(plugtest, req(Method.PUT, "/validate").payload("v2").build());
        assertThat(call(plugtest, req(Method.GET, "/create1").build()).payloadString()).isEqualTo("new");
        assertThat(call(plugtest, req(Method.GET, "/validate").build()).payloadString()).isEqualTo("v2");
        clock.advance(LIFETIME);
        assertThat(call(plugtest, req(Method.GET, "/create1").build()).code()).isEqualTo(Code.NOT_FOUND);
        assertThat(call(plugtest, req(Method.GET, "/validate").build()).payloadString())
                .isEqualTo("Validate resource, version 1");
    }

    @Test
    void echoForgetsThePayloadAfterTheLifetime() {
        call(demo, req(Method.POST, "/echo").payload("{}").contentFormat(ContentFormat.JSON).build());
        clock.advance(LIFETIME.minusSeconds(1));
        assertThat(call(demo, req(Method.GET, "/echo").build()).contentFormat()).hasValue(ContentFormat.JSON);
        clock.advance(Duration.ofSeconds(1));
        Response gone = call(demo, req(Method.GET, "/echo").build());
        assertThat(gone.code()).isEqualTo(Code.CONTENT);
        assertThat(gone.payload().isEmpty()).isTrue();
        assertThat(gone.contentFormat()).isEmpty();
    }
}
