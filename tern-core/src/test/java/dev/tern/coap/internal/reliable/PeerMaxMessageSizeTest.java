package dev.tern.coap.internal.reliable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapTransportException;
import dev.tern.coap.Code;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.ReliableFraming;
import dev.tern.coap.internal.engine.CoapEndpoint;
import dev.tern.coap.spi.EndpointMetrics;
import dev.tern.coap.spi.ReliableSettings;
import dev.tern.coap.testkit.ManualScheduler;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The peer's Max-Message-Size (RFC 8323 §5.3.1) holds for what this side sends. */
class PeerMaxMessageSizeTest {
    static final InetSocketAddress SERVER = new InetSocketAddress("192.0.2.9", 5683);
    final ManualScheduler scheduler = new ManualScheduler();
    RawConnections transport;
    CoapEndpoint endpoint;

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    void start(Router router) {
        transport = new RawConnections(ReliableSettings.defaults());
        endpoint = CoapEndpoint.assembleReliable(transport, scheduler,
                router == null ? EndpointConfig.clientDefaults() : EndpointConfig.defaults(), router,
                Runnable::run, null, null, new Random(1), EndpointMetrics.NONE);
    }

    @Test
    void requestLargerThanThePeersMaxMessageSizeIsNeverSent() {
        start(null);
        CompletableFuture<Response> warm = endpoint.send(Request.get("coap+tcp://192.0.2.9/x").build(), SERVER);
        scheduler.runPending();
        RawConnections.Raw c = transport.open(SERVER);
        scheduler.runPending();
        c.write(BertServerTest.csm(1152, true));
        c.write(ReliableClientTest.answer(c.last(), "ok"));
        scheduler.runPending();
        assertThat(warm.join().payloadString()).isEqualTo("ok");
        int before = c.sent.size();
        // the body is cut into blocks, but 1200 bytes of Uri-Query cannot be
        CompletableFuture<Response> f = endpoint.send(Request.get("coap+tcp://192.0.2.9/x").options(o -> {
            for (int i = 0; i < 6; i++) {
                o.add(OptionNumber.URI_QUERY, "a".repeat(200));
            }
        }).build(), SERVER);
        scheduler.runPending();
        assertThat(f).isCompletedExceptionally();
        assertThat(ReliableClientTest.failure(f)).isInstanceOf(CoapTransportException.class)
                .hasMessageContaining("Max-Message-Size 1152");
        assertThat(c.sent).hasSize(before);
        // a large body still goes, in blocks that fit
        CompletableFuture<Response> put = endpoint.send(Request.put("coap+tcp://192.0.2.9/x")
                .payload(BertServerTest.pattern(3000)).build(), SERVER);
        scheduler.runPending();
        assertThat(c.sent).hasSize(before + 1);
        assertThat(c.sent.get(before).length).isLessThanOrEqualTo(1152);
        assertThat(put).isNotDone();
    }

    @Test
    void responseLargerThanThePeersMaxMessageSizeBecomes500() {
        start(Router.builder().get("/loc", req -> Response.builder(Code.CONTENT)
                .option(dev.tern.coap.Option.ofString(OptionNumber.LOCATION_QUERY, "b".repeat(1200))).build()).build());
        RawConnections.Raw c = transport.accept(new InetSocketAddress("192.0.2.7", 40000));
        scheduler.runPending();
        c.write(BertServerTest.csm(1152, true));
        c.write(ReliableServerTest.get("loc", 5));
        scheduler.runPending();
        byte[] frame = c.sent.get(c.sent.size() - 1);
        Message r = (Message) ReliableFraming.decode(frame, 0, frame.length, false);
        assertThat(r.code()).isEqualTo(Code.INTERNAL_SERVER_ERROR);
        assertThat(r.payload().utf8()).isEqualTo("response of 1209 bytes exceeds the client's Max-Message-Size 1152"
                + " (RFC 8323 §5.3.1)");
        // Len 13 (extended), TKL 1 | length - 13 | 5.00 | token 05 | payload marker
        assertThat(HexFormat.of().formatHex(frame, 0, 5)).isEqualTo("d1" + String.format("%02x",
                1 + r.payload().length() - 13) + "a005ff");
        assertThat(Bytes.wrap(frame).length()).isLessThanOrEqualTo(1152);
    }
}
