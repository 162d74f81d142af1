package dev.tern.coap.testkit.usage;

import static dev.tern.coap.MessageType.ACK;
import static dev.tern.coap.MessageType.CON;
import static dev.tern.coap.MessageType.RST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.testkit.CoapMessage;
import dev.tern.coap.testkit.InMemoryNetwork;
import dev.tern.coap.testkit.ScriptedPeer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A client against a scripted server and a server against a scripted client, message by message (RFC 7252). */
class ScriptedPeerTest {
    private static final InetSocketAddress SCRIPTED = new InetSocketAddress("192.0.2.200", 5683);

    private final InMemoryNetwork network = new InMemoryNetwork();

    @AfterEach
    void close() {
        network.close();
    }

    @Test
    void aClientTakesASeparateResponseAndAcknowledgesIt() {
        CoapClient client = network.client();
        ScriptedPeer server = network.peer(SCRIPTED, client);

        CompletableFuture<Response> f = client.send(Request.get("coap://192.0.2.200/slow").build());
        CoapMessage request = server.expect();
        assertThat(request.type()).isEqualTo(CON);
        assertThat(request.code()).isEqualTo(Code.GET);
        assertThat(request.options().uriPath()).containsExactly("slow");

        server.send(CoapMessage.empty(ACK, request.messageId()));           // RFC 7252 §5.2.2: answer later
        network.advance(Duration.ofSeconds(30));                           // no retransmission after the ACK
        server.expectNothing();
        assertThat(f).isNotDone();

        server.send(CoapMessage.response(CON, Code.CONTENT, 0x7001, request.token(), "done"));
        CoapMessage ack = server.expect();
        assertThat(ack).isEqualTo(CoapMessage.empty(ACK, 0x7001));
        assertThat(f).isCompleted();
        assertThat(f.join().payloadString()).isEqualTo("done");
        server.expectNothing();
    }

    @Test
    void aClientRetransmitsAnUnacknowledgedRequestWithTheSameMessageId() {
        CoapClient client = network.client();
        ScriptedPeer server = network.peer(SCRIPTED, client);
        CompletableFuture<Response> f = client.send(Request.get("coap://192.0.2.200/lossy").build());

        CoapMessage first = server.expect();
        network.advance(Duration.ofSeconds(3));                             // ACK_TIMEOUT x ACK_RANDOM_FACTOR at most
        CoapMessage again = server.expect();
        assertThat(again).isEqualTo(first);
        assertThat(server.sentAt().get(1) - server.sentAt().get(0)).isBetween(2_000_000_000L, 3_000_000_000L);

        server.send(CoapMessage.response(ACK, Code.CONTENT, first.messageId(), first.token(), "22.5"));
        assertThat(f.join().payloadString()).isEqualTo("22.5");
    }

    @Test
    void aServerAnswersPiggybackedAndRepeatsItsAnswerToADuplicate() {
        CoapServer server = network.server(Router.builder().get("/hello", req -> Response.content("hi")).build());
        ScriptedPeer client = network.peer(SCRIPTED, server);

        CoapMessage get = CoapMessage.get(CON, 0x1234, Bytes.fromHex("0a0b"), "/hello");
        client.send(get);
        CoapMessage reply = client.expect();
        assertThat(reply.type()).isEqualTo(ACK);
        assertThat(reply.messageId()).isEqualTo(0x1234);
        assertThat(reply.token()).isEqualTo(Bytes.fromHex("0a0b"));
        assertThat(reply.payload().utf8()).isEqualTo("hi");

        client.send(get);                                                    // a duplicate (RFC 7252 §4.5)
        assertThat(client.expect()).isEqualTo(reply);
        client.expectNothing();
    }

    @Test
    void aServerResetsAMalformedConfirmableMessage() {
        network.server(Router.builder().build());
        ScriptedPeer client = network.peer(SCRIPTED, network.server(Router.builder().build()));
        // CON, TKL 9 (reserved): a message format error (RFC 7252 §3, §4.2) answered with RST
        client.sendHex("49 01 00 42");
        assertThat(client.expect()).isEqualTo(CoapMessage.empty(RST, 0x42));
    }

    @Test
    void failedExpectationsAreAssertionErrors() {
        CoapClient client = network.client();
        ScriptedPeer server = network.peer(SCRIPTED, client);
        assertThatThrownBy(server::expect).isInstanceOf(AssertionError.class).hasMessageContaining("nothing more");
        client.send(Request.get("coap://192.0.2.200/x").build());
        assertThatThrownBy(server::expectNothing).isInstanceOf(AssertionError.class)
                .hasMessageContaining("CON-GET");
        assertThatThrownBy(() -> ScriptedPeer.decode(new byte[] {0x40})).isInstanceOf(AssertionError.class)
                .hasMessageContaining("undecodable");
        assertThatThrownBy(() -> network.peer(client.localAddress(), client))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
