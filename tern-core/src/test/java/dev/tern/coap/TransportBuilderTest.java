package dev.tern.coap;

import static dev.tern.coap.MessageType.ACK;
import static dev.tern.coap.MessageType.CON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.testkit.Harness;
import dev.tern.coap.testkit.InMemoryTransport;
import dev.tern.coap.testkit.ManualScheduler;
import dev.tern.coap.testkit.MessagePeer;
import dev.tern.coap.testkit.Messages;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@code CoapServer.Builder.transport} and {@code CoapClient.Builder.transport}: the public facades run on a
 * given transport and scheduler (here in memory, on a manual clock) instead of a UDP socket and a thread.
 */
class TransportBuilderTest {
    private static final InetSocketAddress SERVER = Harness.address(198, 51, 100, 1, 5683);
    private static final InetSocketAddress PEER = Harness.address(192, 0, 2, 7, 40_000);

    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemoryTransport transport = new InMemoryTransport(SERVER, scheduler);

    @Test
    void aServerOnAGivenTransportAnswersOnItsSchedulerThread() {
        Router router = Router.builder().get("/hello", req -> Response.content("Hello World!")).build();
        try (CoapServer server = CoapServer.builder().service(router).transport(transport, scheduler).build()
                .start()) {
            assertThat(server.localAddress()).isEqualTo(SERVER);
            MessagePeer peer = new MessagePeer(PEER, transport, scheduler);
            peer.send(Messages.get(CON, 0x1234, "0a0b", "/hello"));
            Message reply = peer.expect();
            assertThat(reply.type()).isEqualTo(ACK);
            assertThat(reply.messageId()).isEqualTo(0x1234);
            assertThat(reply.code()).isEqualTo(Code.CONTENT);
            assertThat(reply.payload().utf8()).isEqualTo("Hello World!");
            peer.expectNothing();
        }
        assertThat(transport.isClosed()).isTrue();
    }

    @Test
    void aClientOnAGivenTransportRetransmitsOnVirtualTime() {
        try (CoapClient client = CoapClient.builder().transport(transport, scheduler).build()) {
            assertThat(client.localAddress()).isEqualTo(SERVER);
            CompletableFuture<Response> f = client.send(Request.get("coap://192.0.2.7:40000/temp").build());
            MessagePeer server = new MessagePeer(PEER, transport, scheduler);
            Message first = server.expect();
            assertThat(first.type()).isEqualTo(CON);
            scheduler.advance(Duration.ofSeconds(3)); // past ACK_TIMEOUT * ACK_RANDOM_FACTOR
            Message again = server.expect();
            assertThat(again.messageId()).isEqualTo(first.messageId());
            server.send(Messages.response(ACK, Code.CONTENT, first.messageId(), first.token(), "22.5"));
            assertThat(f).isCompleted();
            assertThat(f.join().payloadString()).isEqualTo("22.5");
        }
        assertThat(transport.isClosed()).isTrue();
    }

    @Test
    void aServerOnATransportRefusesSeveralIoThreadsAndMulticast() throws Exception {
        CoapServer threads = CoapServer.builder().transport(transport, scheduler).ioThreads(2).build();
        assertThatThrownBy(threads::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ioThreads");
        CoapServer group = CoapServer.builder().transport(transport, scheduler)
                .joinMulticast(InetAddress.getByName(CoapServer.ALL_COAP_NODES_IPV4)).build();
        assertThatThrownBy(group::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("multicast");
        assertThat(transport.isClosed()).isFalse();
    }

    @Test
    void aClientOnATransportRefusesABindAddressAndAMulticastInterface() throws Exception {
        CoapClient.Builder bound = CoapClient.builder().transport(transport, scheduler)
                .bind(new InetSocketAddress(0));
        assertThatThrownBy(bound::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("bind");
        java.net.NetworkInterface nif = java.net.NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        if (nif != null) {
            CoapClient.Builder multicast = CoapClient.builder().transport(transport, scheduler).multicastInterface(nif);
            assertThatThrownBy(multicast::build).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("multicastInterface");
        }
    }
}
