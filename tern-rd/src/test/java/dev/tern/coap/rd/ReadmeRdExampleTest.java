package dev.tern.coap.rd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's Resource Directory example, as written there but on loopback ports. */
class ReadmeRdExampleTest {
    @Test
    void readmeExampleRuns() {
        ResourceDirectory rd = ResourceDirectory.builder()
                .maxRegistrations(10_000).maxRegistrationsPerPeer(100)
                .build();
        Router router = rd.addTo(Router.builder())
                .get("/hello", req -> Response.content("Hello World!"))
                .build();
        CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(router).build().start();

        Router device = Router.builder()
                .get("/light", req -> Response.content("on"), RouteOptions.create().resourceType("light-lux"))
                .build();
        CoapServer deviceServer = CoapServer.builder().port(0).bind("127.0.0.1").service(device).build().start();
        RdRegistrant registrant = RdRegistrant.builder()
                .directory("coap://127.0.0.1:" + server.port()).endpoint("lamp-1").lifetime(Duration.ofHours(1))
                .links(device).server(deviceServer)
                .build().start();
        try (CoapClient client = CoapClient.create()) {
            await().atMost(Duration.ofSeconds(15)).until(() -> registrant.location().isPresent());
            assertThat(client.get("coap://127.0.0.1:" + server.port() + "/rd-lookup/res?rt=light*").payloadString())
                    .isEqualTo("<coap://127.0.0.1:" + deviceServer.port() + "/light>;rt=\"light-lux\";anchor=\"coap://127.0.0.1:"
                            + deviceServer.port() + "\"");
            assertThat(client.get("coap://127.0.0.1:" + server.port() + "/hello").payloadString()).isEqualTo("Hello World!");
        } finally {
            registrant.close();
            deviceServer.close();
            server.close();
            rd.close();
        }
        assertThat(rd.registrationCount()).isZero();
    }
}
