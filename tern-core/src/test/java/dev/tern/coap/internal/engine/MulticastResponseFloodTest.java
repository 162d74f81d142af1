package dev.tern.coap.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageType;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.testkit.Harness;
import dev.tern.coap.testkit.MessagePeer;
import dev.tern.coap.testkit.Messages;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A group request's responses are bounded (RFC 7252 §8.1 lets any number of servers answer, and over
 * plain {@code coap} anyone on the path can forge answers): a client keeps at most
 * {@code maxMulticastResponses} per request and one per responding source, so a flood of forged
 * answers costs a bounded amount of memory until the deadline (FAULTS.md A2.7).
 */
class MulticastResponseFloodTest {
    static final InetSocketAddress GROUP = Harness.address(224, 0, 1, 187, 5683);

    @Test
    void aFloodOfAnswersFromManySourcesKeepsAtMostTheBound() {
        Harness h = Harness.client(EndpointConfig.builder().maxMulticastResponses(100).build());
        CompletableFuture<List<Response>> answers = h.endpoint.multicast(Request.builder(dev.tern.coap.Method.GET).path("/hello").build(), GROUP,
                Duration.ofSeconds(2));
        h.scheduler.runPending();
        Message request = MessagePeer.decode(h.transport.sentTo(GROUP).get(0).data());

        for (int i = 0; i < 1000; i++) {
            MessagePeer forger = h.peer(1 + i % 250, 20_000 + i);
            forger.send(Messages.response(MessageType.NON, Code.CONTENT, 1000 + i, request.token(), "answer " + i));
        }
        h.scheduler.advance(Duration.ofSeconds(3));

        assertThat(answers).isDone();
        assertThat(answers.join()).hasSize(100);
        assertThat(answers.join().get(0).payloadString()).isEqualTo("answer 0");
    }

    @Test
    void oneSourceCountsOnce() {
        Harness h = Harness.client(EndpointConfig.builder().build());
        CompletableFuture<List<Response>> answers = h.endpoint.multicast(Request.builder(dev.tern.coap.Method.GET).path("/hello").build(), GROUP,
                Duration.ofSeconds(2));
        h.scheduler.runPending();
        Bytes token = MessagePeer.decode(h.transport.sentTo(GROUP).get(0).data()).token();
        MessagePeer server = h.peer(9);
        for (int i = 0; i < 50; i++) {
            server.send(Messages.response(MessageType.NON, Code.CONTENT, 2000 + i, token, "again " + i));
        }
        h.peer(10).send(Messages.response(MessageType.NON, Code.CONTENT, 3000, token, "other"));
        h.scheduler.advance(Duration.ofSeconds(3));

        assertThat(answers.join()).extracting(Response::payloadString).containsExactly("again 0", "other");
    }
}
