package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.testkit.InMemoryNetwork;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * RFC 7252 §4.4: a Message ID is not reused with the same endpoint within EXCHANGE_LIFETIME. A client
 * that has used the Message ID space with one server within that time (65536 IDs, less the unused
 * part of the range of 4096 its random first ID fell in) refuses the next request with a clear
 * error instead of reusing an ID (which the server would answer from its duplicate cache with
 * another request's response, so the request would hang until its timeout), and sends again once
 * the oldest IDs are EXCHANGE_LIFETIME old (manual clock).
 */
class MessageIdLifetimeTest {
    @Test
    void aClientUsesNoMessageIdTwiceWithinExchangeLifetimeAndSendsAgainAfterIt() {
        try (InMemoryNetwork net = new InMemoryNetwork()) {
            CoapServer server = net.server(Router.builder().get("/hello", r -> Response.content("hi")).build());
            CoapClient client = net.client();
            Request hello = Request.get(InMemoryNetwork.uri(server, "/hello")).build();
            int sent = 0;
            CoapTransportException refused = null;
            while (refused == null && sent <= 0x10000) {
                try {
                    assertThat(net.call(client, hello).code()).isEqualTo(Code.CONTENT);
                    sent++;
                } catch (CoapTransportException e) {
                    refused = e;
                }
            }
            assertThat(sent).isBetween(0x10000 - 4096, 0x10000); // never more: no ID used twice
            assertThat(refused).isNotNull().hasMessageContaining("no Message ID free").hasMessageContaining("EXCHANGE_LIFETIME");
            net.advance(Duration.ofSeconds(200)); // still within EXCHANGE_LIFETIME (247 s) of the first
            assertThatThrownBy(() -> net.call(client, hello)).isInstanceOf(CoapTransportException.class);
            net.advance(Duration.ofSeconds(48)); // every ID is now 248 s old: usable again
            for (int i = 0; i < 4096; i++) {
                assertThat(net.call(client, hello).code()).isEqualTo(Code.CONTENT);
            }
        }
    }
}
