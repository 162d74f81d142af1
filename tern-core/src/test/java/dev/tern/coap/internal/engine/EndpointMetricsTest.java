package dev.tern.coap.internal.engine;

import static dev.tern.coap.MessageType.ACK;
import static dev.tern.coap.MessageType.CON;
import static dev.tern.coap.MessageType.NON;
import static dev.tern.coap.MessageType.RST;
import static dev.tern.coap.testkit.Messages.empty;
import static dev.tern.coap.testkit.Messages.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Option;
import dev.tern.coap.Options;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.testkit.Harness;
import dev.tern.coap.testkit.InMemoryTransport;
import dev.tern.coap.testkit.ManualScheduler;
import dev.tern.coap.testkit.MessagePeer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

/** What the engine tells its {@link EndpointMetrics}, datagram by datagram on a manual clock. */
class EndpointMetricsTest {
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final EndpointMetrics recorder = new EndpointMetrics() {
        @Override
        public void requestHandled(Code method, Code response, String route, long handlerNanos) {
            events.add("request " + method + " " + response + " '" + route + "' " + (handlerNanos >= 0 ? "timed" : "-1"));
        }

        @Override
        public void executorRejected() {
            events.add("rejected");
        }

        @Override
        public void retransmission() {
            events.add("retransmission");
        }

        @Override
        public void duplicate() {
            events.add("duplicate");
        }

        @Override
        public void clientTimeout() {
            events.add("timeout");
        }

        @Override
        public void datagramDropped(DropReason reason) {
            events.add("dropped " + reason);
        }
    };
    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemoryTransport transport = new InMemoryTransport(Harness.LOCAL, scheduler);
    private final Router router = Router.builder()
            .get("/sensors/{id}", r -> Response.content(r.pathParam("id").orElseThrow()))
            .build();

    private MessagePeer serve(Executor executor) {
        CoapEndpoint.assemble(transport, scheduler, EndpointConfig.defaults(), router, executor, "coap", null,
                new Random(1), recorder, null);
        return new MessagePeer(Harness.address(192, 0, 2, 1, 5683), transport, scheduler);
    }

    @Test
    void requestsCarryMethodCodeRouteTemplateAndLatency() {
        MessagePeer peer = serve(Runnable::run);
        peer.send(get(CON, 1, "01", "/sensors/42"));
        assertThat(peer.expect().code()).isEqualTo(Code.CONTENT);
        peer.send(get(CON, 2, "02", "/nope"));
        assertThat(peer.expect().code()).isEqualTo(Code.NOT_FOUND);
        assertThat(events).containsExactly("request 0.01 2.05 '/sensors/{id}' timed", "request 0.01 4.04 '' timed");
    }

    @Test
    void engineAnswersWithoutTheServiceHaveNoLatency() {
        MessagePeer peer = serve(Runnable::run);
        Options badCritical = Options.of(new Option(65001, Bytes.EMPTY)); // odd: critical, unknown (§5.4.1)
        peer.send(new Message(CON, Code.GET, 3, Bytes.EMPTY, badCritical, Bytes.EMPTY));
        assertThat(peer.expect().code()).isEqualTo(Code.BAD_OPTION);
        peer.send(new Message(NON, Code.GET, 4, Bytes.EMPTY, badCritical, Bytes.EMPTY));
        peer.expectNothing();
        assertThat(events).containsExactly("request 0.01 4.02 '' -1", "dropped BAD_OPTION");
    }

    @Test
    void saturatedExecutorIsCounted() {
        MessagePeer peer = serve(task -> {
            throw new RejectedExecutionException("full (expected by the test)");
        });
        peer.send(get(CON, 5, "05", "/sensors/1"));
        assertThat(peer.expect().code()).isEqualTo(Code.SERVICE_UNAVAILABLE);
        assertThat(events).containsExactly("rejected", "request 0.01 5.03 '' -1");
    }

    @Test
    void duplicatesAndDropsByReason() {
        MessagePeer peer = serve(Runnable::run);
        peer.send(get(CON, 6, "06", "/sensors/1"));
        peer.send(get(CON, 6, "06", "/sensors/1"));
        peer.sendHex("40"); // too short for a header (§3)
        peer.send(empty(ACK, 999)); // acknowledges nothing
        peer.send(new Message(RST, Code.CONTENT, 7, Bytes.EMPTY, Options.EMPTY, Bytes.EMPTY)); // §4.2: RST must be empty
        peer.send(empty(NON, 8)); // §4.3: an empty NON
        peer.send(new Message(CON, Code.valueOf(1, 0), 9, Bytes.EMPTY, Options.EMPTY, Bytes.EMPTY)); // reserved class
        assertThat(events).containsExactly("request 0.01 2.05 '/sensors/{id}' timed", "duplicate",
                "dropped MALFORMED", "dropped UNMATCHED", "dropped UNEXPECTED", "dropped UNEXPECTED",
                "dropped UNEXPECTED");
    }

    @Test
    void clientRetransmissionsAndTimeout() {
        EndpointConfig config = EndpointConfig.builder().maxRetransmit(2).build();
        CoapEndpoint client = CoapEndpoint.assemble(transport, scheduler, config, null, Runnable::run, "coap", null,
                new Random(1), recorder, null);
        CompletableFuture<Response> f = client.send(Request.get("coap://192.0.2.1/x").build(),
                Harness.address(192, 0, 2, 1, 5683));
        scheduler.advance(Duration.ofSeconds(100));
        assertThat(f).isCompletedExceptionally();
        assertThat(events).containsExactly("retransmission", "retransmission", "timeout");
    }

    @Test
    void noListenerIsTheNoOpSingleton() {
        assertThat(EndpointMetrics.NONE).isNotNull();
        EndpointMetrics.NONE.requestHandled(Code.GET, Code.CONTENT, EndpointMetrics.NO_ROUTE, -1);
        EndpointMetrics.NONE.datagramDropped(EndpointMetrics.DropReason.MALFORMED);
    }
}
