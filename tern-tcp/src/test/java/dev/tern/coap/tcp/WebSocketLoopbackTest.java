package dev.tern.coap.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Observation;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** coap+ws end to end on loopback: Tern client against Tern server (RFC 8323 §4). */
class WebSocketLoopbackTest {
    private final ObservableResource counter = ObservableResource.create();
    private final AtomicInteger count = new AtomicInteger();
    private final byte[] big = new byte[5000];
    private CoapServer server;
    private CoapClient client;
    private String base;

    @BeforeEach
    void start() {
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        Router router = Router.builder()
                .get("/hello", req -> Response.content("Hello WS"))
                .get("/big", req -> Response.content(Bytes.wrap(big), ContentFormat.OCTET_STREAM))
                .put("/echo", req -> Response.builder(Code.CHANGED).payload(req.payload()).build())
                .get("/counter", counter.handler(req -> Response.content(Integer.toString(count.get()))))
                .build();
        server = CoapServer.builder().port(0).service(router).listener(WebSocketTransports.server(0)).build().start();
        base = "coap+ws://127.0.0.1:" + server.localAddress("coap+ws").getPort();
        client = CoapClient.builder().transport(WebSocketTransports.client()).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void getOverWebSocket() {
        Response r = client.get(base + "/hello", Duration.ofSeconds(10));
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.payloadString()).isEqualTo("Hello WS");
    }

    @Test
    void pipelinedRequestsOnOneConnection() {
        List<CompletableFuture<Response>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            futures.add(client.send(Request.get(base + "/hello").build()));
        }
        for (CompletableFuture<Response> f : futures) {
            assertThat(f.join().payloadString()).isEqualTo("Hello WS");
        }
    }

    @Test
    void blockwiseBothWays() {
        Response r = client.get(base + "/big", Duration.ofSeconds(10));
        assertThat(r.payload().toArray()).isEqualTo(big);
        Response echoed = client.call(Request.put(base + "/echo").payload(Bytes.wrap(big)).build());
        assertThat(echoed.payload().toArray()).isEqualTo(big);
    }

    @Test
    void observeOverWebSocket() {
        List<String> seen = new CopyOnWriteArrayList<>();
        Observation o = client.observe(Request.get(base + "/counter").build(), r -> seen.add(r.payloadString()));
        o.registered().join();
        count.set(1);
        counter.changed();
        count.set(2);
        counter.changed();
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains("2"));
        o.cancel();
    }

    @Test
    void pingIsPong() {
        assertThat(client.ping(base).join()).isPositive();
    }
}
