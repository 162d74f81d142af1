package dev.tern.coap.rd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Code;
import dev.tern.coap.Observable;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Attack: a registration flood while lookups are observed. Each notification re-runs the observer's
 * lookup over every registration, so one notification per registration would cost
 * registrations × observers × directory size. Changes are coalesced: at most one notification per
 * {@code lookupNotificationInterval} (RFC 7641 §4.5: a server may skip intermediate states).
 */
class LookupNotificationFloodTest {
    @Test
    void aRegistrationFloodGivesOneNotificationPerInterval() {
        Rd rd = new Rd(ResourceDirectory.builder().lookupNotificationInterval(Duration.ofMillis(500)));
        AtomicReference<Observable> source = new AtomicReference<>();
        Request observe = Request.get("coap://rd.example/rd-lookup/res").observe()
                .observeHandler(o -> {
                    source.set(o);
                    return true;
                }).peer(Rd.address(7)).scheme("coap").build();
        assertThat(rd.router.handle(observe).join().code()).isEqualTo(Code.CONTENT);
        AtomicInteger notifications = new AtomicInteger();
        source.get().addListener(new Observable.Listener() {
            @Override
            public void changed() {
                notifications.incrementAndGet();
            }

            @Override
            public void terminate(Response response) {
            }
        });
        for (int i = 0; i < 1000; i++) {
            rd.post("/rd?ep=flood-" + i, "</a>", i % 200 + 1);
        }
        assertThat(rd.directory.registrationCount()).isEqualTo(1000);
        assertThat(notifications).hasValueLessThanOrEqualTo(1);
        rd.clock.advance(Duration.ofMillis(500));
        assertThat(notifications).hasValue(1);
        rd.clock.advance(Duration.ofSeconds(10));
        assertThat(notifications).hasValue(1); // nothing changed since
        rd.post("/rd?ep=late", "</b>", 250);
        rd.clock.advance(Duration.ofMillis(500));
        assertThat(notifications).hasValue(2);
    }
}
