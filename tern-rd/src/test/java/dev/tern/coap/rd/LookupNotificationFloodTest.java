package dev.tern.coap.rd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.testkit.InMemoryNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Attack: a registration flood while lookups are observed. Each notification re-runs the observer's
 * lookup over every registration, so one notification per registration would cost
 * registrations × observers × directory size. Changes are coalesced: at most one notification per
 * {@code lookupNotificationInterval} (RFC 7641 §4.5: a server may skip intermediate states).
 *
 * <p>The observer is a real client observing the directory's server on an in-memory network, and
 * the directory's timers run on that network's virtual clock.
 */
class LookupNotificationFloodTest {
    @Test
    void aRegistrationFloodGivesOneNotificationPerInterval() {
        try (InMemoryNetwork network = new InMemoryNetwork()) {
            ResourceDirectory directory = ResourceDirectory.builder().scheduler(network.scheduler())
                    .lookupNotificationInterval(Duration.ofMillis(500)).build();
            Router router = directory.router();
            CoapServer server = network.server(router);
            CoapClient client = network.client();
            List<Response> seen = new ArrayList<>();
            Observation observation = client.observe(
                    Request.get(InMemoryNetwork.uri(server, "/rd-lookup/res")).build(), seen::add);
            Response first = network.await(observation.registered());
            assertThat(first.code()).isEqualTo(Code.CONTENT);
            assertThat(first.options().observe()).isPresent();
            network.runPending();
            AtomicInteger notifications = new AtomicInteger();
            Runnable count = () -> notifications.set(seen.size() - 1); // all but the registration's answer

            for (int i = 0; i < 1000; i++) {
                register(router, "flood-" + i, i % 200 + 1);
            }
            network.runPending();
            count.run();
            assertThat(directory.registrationCount()).isEqualTo(1000);
            assertThat(notifications).hasValueLessThanOrEqualTo(1);
            network.advance(Duration.ofMillis(500));
            count.run();
            assertThat(notifications).hasValue(1);
            network.advance(Duration.ofSeconds(10));
            count.run();
            assertThat(notifications).hasValue(1); // nothing changed since
            register(router, "late", 250);
            network.advance(Duration.ofMillis(500));
            count.run();
            assertThat(notifications).hasValue(2);

            observation.cancel();
            network.runPending();
            directory.close();
        }
    }

    /** A registration of {@code ep} from 192.0.2.{host}, through the directory's routes (RFC 9176 §5.3). */
    private static void register(Router router, String ep, int host) {
        Response r = router.handle(Request.post("coap://rd.example/rd?ep=" + ep).payload("</a>").contentFormat(40)
                .peer(Rd.address(host)).build()).join();
        assertThat(r.code()).isEqualTo(Code.CREATED);
    }
}
