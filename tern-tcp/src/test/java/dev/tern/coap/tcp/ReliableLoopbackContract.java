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

/**
 * One reliable scheme end to end on loopback, Tern client against Tern server (RFC 8323): a GET,
 * pipelined requests on one connection, block-wise both ways, Observe (§7) and Ping (§5.4). A
 * subclass names the transports.
 */
abstract class ReliableLoopbackContract {
    private final ObservableResource counter = ObservableResource.create();
    private final AtomicInteger count = new AtomicInteger();
    private final byte[] big = new byte[5000];
    CoapServer server;
    CoapClient client;
    String base;

    /** The scheme, e.g. {@code coap+tcp}. */
    abstract String scheme();

    /** The server's listener on a free port. */
    abstract dev.tern.coap.spi.ConnectionTransport serverTransport();

    /** The client's transport. */
    abstract dev.tern.coap.spi.ConnectionTransport clientTransport();

    @BeforeEach
    void start() {
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        Router router = Router.builder()
                .get("/hello", req -> Response.content("Hello " + scheme()))
                .get("/big", req -> Response.content(Bytes.wrap(big), ContentFormat.OCTET_STREAM))
                .put("/echo", req -> Response.builder(Code.CHANGED).payload(req.payload()).build())
                .get("/counter", counter.handler(req -> Response.content(Integer.toString(count.get()))))
                .build();
        server = CoapServer.builder().port(0).service(router).listener(serverTransport()).build().start();
        base = scheme() + "://127.0.0.1:" + server.localAddress(scheme()).getPort();
        client = CoapClient.builder().transport(clientTransport()).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void get() {
        Response r = client.get(base + "/hello", Duration.ofSeconds(10));
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.payloadString()).isEqualTo("Hello " + scheme());
    }

    @Test
    void pipelinedRequestsOnOneConnection() {
        List<CompletableFuture<Response>> futures = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            futures.add(client.send(Request.get(base + "/hello").build()));
        }
        for (CompletableFuture<Response> f : futures) {
            assertThat(f.join().payloadString()).isEqualTo("Hello " + scheme());
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
    void observe() {
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
        Duration rtt = client.ping(base).join();
        assertThat(rtt).isPositive();
    }
}
