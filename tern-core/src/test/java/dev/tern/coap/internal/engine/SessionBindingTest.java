package dev.tern.coap.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.EndpointConfig;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.spi.Transport;
import dev.tern.coap.testkit.InMemoryTransport;
import dev.tern.coap.testkit.ManualScheduler;
import dev.tern.coap.testkit.MessagePeer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * CoAP state bound to the transport's security association (RFC 7252 §9.1), through the
 * {@link Transport#association} SPI: responses and notifications go out under the association of
 * their request, and relations end with it, even when another association holds the address now.
 */
class SessionBindingTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemoryTransport network = new InMemoryTransport(
            new InetSocketAddress("198.51.100.1", 5684), scheduler);
    private final Associating transport = new Associating(network);
    private final ObservableResource observable = ObservableResource.create();

    /** A secure transport stand-in: an association per peer, and the association of every send. */
    private static final class Associating implements Transport {
        final Transport delegate;
        final Map<InetSocketAddress, Object> current = new HashMap<>();
        final List<Object> sentUnder = new ArrayList<>();
        Receiver receiver;

        Associating(Transport delegate) {
            this.delegate = delegate;
        }

        @Override
        public void start(Receiver r) {
            receiver = r;
            delegate.start(r);
        }

        @Override
        public void send(byte[] data, int length, InetSocketAddress destination) {
            send(data, length, destination, null);
        }

        @Override
        public void send(byte[] data, int length, InetSocketAddress destination, Object association) {
            sentUnder.add(association);
            delegate.send(data, length, destination);
        }

        @Override
        public Object association(InetSocketAddress peer) {
            return current.get(peer);
        }

        @Override
        public InetSocketAddress localAddress() {
            return delegate.localAddress();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    @Test
    void notificationsGoUnderTheRegistrationsAssociationAndEndWithIt() {
        CoapEndpoint endpoint = CoapEndpoint.assemble(transport, scheduler, EndpointConfig.defaults(),
                Router.builder().get("/obs", observable.handler(r -> Response.content("v")),
                        RouteOptions.create().observable()).build(), Runnable::run, "coaps", null, new Random(1));
        MessagePeer peer = new MessagePeer(new InetSocketAddress("192.0.2.7", 40000), network, scheduler);
        Object first = new Object();
        transport.current.put(peer.address(), first);
        peer.sendHex("41 01 0001 77 60 53 6f6273"); // CON GET /obs, Observe: 0, token 77
        peer.expect();
        assertThat(transport.sentUnder).containsExactly(first);
        observable.changed();
        scheduler.runPending();
        peer.expect();
        assertThat(transport.sentUnder).containsExactly(first, first);

        // the session ended and a new one holds the address: the relation ends, nothing goes to the new one
        Object second = new Object();
        transport.current.put(peer.address(), second);
        scheduler.execute(() -> transport.receiver.onAssociationEnded(first));
        scheduler.runPending();
        assertThat(endpoint.observers()).isZero();
        observable.changed();
        scheduler.runPending();
        peer.expectNothing();
        endpoint.close();
    }
}
