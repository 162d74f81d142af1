package dev.tern.coap.rd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Link;
import dev.tern.coap.LinkFormat;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import java.time.Duration;
import java.util.List;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registrant against a Tern directory over loopback, both on one manual clock: registration
 * (RFC 9176 §5), updates before the lifetime ends (§5.3.1), registering again after a 4.04, and
 * removal on close (§5.3.2).
 */
class RdRegistrantTest {
    private final ManualClock clock = new ManualClock();
    private final ResourceDirectory rd = ResourceDirectory.builder().scheduler(clock).build();
    private final CoapServer rdServer = CoapServer.builder().port(0).bind("127.0.0.1").service(rd.router())
            .build().start();
    private final Router device = Router.builder()
            .get("/light", r -> Response.content("on"), RouteOptions.create().resourceType("light-lux"))
            .build();
    private final CoapServer deviceServer = CoapServer.builder().port(0).bind("127.0.0.1").service(device)
            .build().start();
    private final CoapClient client = CoapClient.create();

    @AfterEach
    void stop() {
        client.close();
        deviceServer.close();
        rdServer.close();
        rd.close();
    }

    private static ConditionFactory soon() {
        return await().atMost(Duration.ofSeconds(15));
    }

    private List<Link> resources() {
        Response r = client.call(Request.get("coap://127.0.0.1:" + rdServer.port() + "/rd-lookup/res").build());
        return LinkFormat.parse(r.payloadString());
    }

    @Test
    void registersUpdatesReRegistersAndRemoves() {
        RdRegistrant registrant = RdRegistrant.builder().directory("coap://127.0.0.1:" + rdServer.port())
                .endpoint("lamp-1").lifetime(Duration.ofSeconds(60)).links(device).server(deviceServer)
                .scheduler(clock).build().start();
        try {
            soon().until(() -> registrant.registrations() == 1);
            assertThat(resources()).extracting(Link::target)
                    .containsExactly("coap://127.0.0.1:" + deviceServer.port() + "/light");

            clock.advance(Duration.ofSeconds(30));                  // lt/2: update
            soon().until(() -> registrant.updates() == 1);
            clock.advance(Duration.ofSeconds(40));                  // past the first lifetime
            soon().until(() -> registrant.updates() == 2);
            assertThat(rd.registrationCount()).isEqualTo(1);

            // the directory forgets the registration: the next update gets 4.04 and registers again
            String loc = registrant.location().orElseThrow();
            assertThat(client.call(Request.delete("coap://127.0.0.1:" + rdServer.port() + loc).build()).code())
                    .isEqualTo(Code.DELETED);
            clock.advance(Duration.ofSeconds(30));
            soon().until(() -> registrant.registrations() == 2);
            assertThat(rd.registrationCount()).isEqualTo(1);
            assertThat(resources()).hasSize(1);
        } finally {
            registrant.close();
        }
        assertThat(rd.registrationCount()).isZero();
    }

    /** A registration that fails (the directory is down) is retried with back-off until it succeeds. */
    @Test
    void retriesUntilTheDirectoryAnswers() {
        RdRegistrant registrant = RdRegistrant.builder().directory("coap://127.0.0.1:" + rdServer.port() + "/rd")
                .endpoint("x".repeat(64)) // refused with 4.00
                .lifetime(Duration.ofSeconds(600)).links(() -> List.of(Link.of("/a"))).scheduler(clock).build().start();
        try {
            soon().until(() -> clock.activeTimers() >= 1);
            assertThat(registrant.registrations()).isZero();
            assertThat(registrant.location()).isEmpty();
        } finally {
            registrant.close();
        }
    }
}
