package dev.tern.coap.internal.engine;

import static dev.tern.coap.MessageType.ACK;
import static dev.tern.coap.MessageType.CON;
import static dev.tern.coap.testkit.Messages.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Options;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.testkit.Harness;
import dev.tern.coap.testkit.MessagePeer;
import org.junit.jupiter.api.Test;

/**
 * A client registering again with the same token (RFC 7641 §3.3.1, when Max-Age runs out) stays in
 * one relation whose Observe sequence keeps increasing (§4.4), so the client takes the answer as
 * fresh (§3.4) rather than dropping it as a late notification.
 */
class ObserveReregistrationScriptedTest {
    private static Message register(int mid) {
        return request(CON, Code.GET, mid, "0b5e", Options.builder().uriPath("/obs").observe(0).build(), Bytes.EMPTY);
    }

    @Test
    void reRegistrationContinuesTheObserveSequence() {
        ObservableResource obs = ObservableResource.create();
        Router router = Router.builder()
                .get("/obs", obs.handler(req -> Response.content("v")), RouteOptions.create().observable())
                .build();
        Harness h = Harness.server(router, EndpointConfig.defaults());
        MessagePeer peer = h.peer(7);

        peer.send(register(0x100));
        Message first = peer.expect();
        assertThat(first.type()).isEqualTo(ACK);
        obs.changed();
        h.scheduler.runPending();
        Message notification = peer.expect();
        int before = notification.options().observe().getAsInt();
        assertThat(before).isGreaterThan(first.options().observe().getAsInt());

        peer.send(register(0x101));
        Message again = peer.expect();
        assertThat(again.type()).isEqualTo(ACK);
        assertThat(again.options().observe().getAsInt()).as("newer than the last notification (RFC 7641 §4.4)")
                .isGreaterThan(before);
        assertThat(h.endpoint.observers()).isEqualTo(1);
        obs.changed();
        h.scheduler.runPending();
        assertThat(peer.expect().options().observe().getAsInt()).isGreaterThan(again.options().observe().getAsInt());
    }
}
