package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The library examples of README.md, compiled and run. Keep the two in step. */
class ReadmeExamplesTest {
    @Test
    void serverAndClientQuickStart() {
        // --- README: server ---
        Router router = Router.builder()
                .get("/hello", req -> Response.content("Hello World!"))
                .put("/sensors/{id}", req -> {
                    String id = req.pathParam("id").orElseThrow();
                    return Response.of(Code.CHANGED, "sensor " + id + " = " + req.payloadString());
                })
                .route(Method.GET, "/slow", req -> CompletableFuture.supplyAsync(() -> Response.content("done")))
                .build();

        CoapServer server = CoapServer.builder()
                .port(0)                      // 5683 by default
                .service(router)
                .build()
                .start();
        // --- end ---
        int port = server.port();

        // --- README: client ---
        try (CoapClient client = CoapClient.create()) {
            Response hello = client.get("coap://localhost:" + port + "/hello");
            System.out.println(hello.code() + " " + hello.payloadString());   // 2.05 Hello World!

            Request put = Request.put("coap://localhost:" + port + "/sensors/7")
                    .payload("21.5")
                    .contentFormat(ContentFormat.TEXT_PLAIN)
                    .timeout(Duration.ofSeconds(5))
                    .build();
            CompletableFuture<Response> async = client.send(put);           // no thread per request
            Response changed = async.join();
            // --- end ---
            assertThat(hello.payloadString()).isEqualTo("Hello World!");
            assertThat(changed.code()).isEqualTo(Code.CHANGED);
            assertThat(changed.payloadString()).isEqualTo("sensor 7 = 21.5");
            assertThat(client.get("coap://localhost:" + port + "/slow").payloadString()).isEqualTo("done");
        } finally {
            server.close();
        }
    }

    @Test
    void clientShortcuts() {
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Router router = Router.builder()
                .get("/hello", req -> Response.content("Hello World!"))
                .put("/sensors/{id}", req -> {
                    seen.add("PUT " + req.payloadString());
                    return Response.of(Code.CHANGED);
                })
                .delete("/sensors/{id}", req -> {
                    seen.add("DELETE");
                    return Response.of(Code.DELETED);
                })
                .post("/echo", req -> {
                    seen.add("POST " + req.payload().length());
                    return Response.content(req.payload(), ContentFormat.OCTET_STREAM);
                })
                .build();
        CoapServer server = CoapServer.builder().port(0).service(router).build().start();
        int port = server.port();
        try {
            // --- README: client shortcuts ---
            try (CoapClient client = CoapClient.create()) {
                String base = "coap://localhost:" + port;
                Response r = client.get(base + "/hello", Duration.ofSeconds(5));       // CoapTimeoutException after 5 s
                if (r.code() == Code.NOT_FOUND) {                                   // codes are canonical: == works
                    System.out.println("no such resource");
                } else if (r.isSuccess()) {                                         // any 2.xx
                    System.out.println(r.payloadString());
                }
                client.put(base + "/sensors/7", Bytes.utf8("21.5"), ContentFormat.TEXT_PLAIN);
                client.post(base + "/echo", Bytes.wrap(new byte[] {1, 2, 3}), ContentFormat.OCTET_STREAM);
                client.delete(base + "/sensors/7");
            }
            // --- end ---
            assertThat(seen).containsExactly("PUT 21.5", "POST 3", "DELETE");
        } finally {
            server.close();
        }
    }

    /** Stands in for a device driver in the README's observe example. */
    private static final class Sensor {
        private double value = 20.0;

        double read() {
            return value;
        }
    }

    @Test
    void observeExample() {
        Sensor sensor = new Sensor();
        // --- README: observe ---
        ObservableResource temperature = ObservableResource.create();    // NON notifications, a CON every 20th
        Router router = Router.builder()
                .get("/temp", temperature.handler(req -> Response.content(Double.toString(sensor.read()))),
                        RouteOptions.create().observable())
                .build();
        // --- end ---
        CoapServer server = CoapServer.builder().port(0).service(router).build().start();
        int port = server.port();
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (CoapClient client = CoapClient.create()) {
            Observation obs = client.observe(Request.get("coap://localhost:" + port + "/temp").build(),
                    notification -> seen.add(notification.payloadString()));
            obs.registered().join();                                     // the first response
            sensor.value = 21.5;
            temperature.changed();                                       // every observer gets the new GET response
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 2);
            obs.cancel();                                                // GET with Observe=1
            assertThat(seen).containsExactly("20.0", "21.5");
        } finally {
            server.close();
        }
    }

    @Test
    void filtersAndConfig() {
        // --- README: filters and configuration ---
        Filter logging = (request, next) -> {
            long start = System.nanoTime();
            return next.handle(request).whenComplete((response, error) ->
                    System.out.printf("%s %s -> %s in %d us%n", request.method(), request.path(),
                            response == null ? error : response.code(), (System.nanoTime() - start) / 1000));
        };
        EndpointConfig config = EndpointConfig.builder()
                .ackTimeout(Duration.ofSeconds(3))                 // RFC 7252 §4.8 ACK_TIMEOUT
                .maxRetransmit(2)                                  // MAX_RETRANSMIT
                .nstart(8)                                         // outstanding requests per server
                .maxDeduplicationEntries(50_000)
                .build();
        CoapServer server = CoapServer.builder()
                .port(0)
                .config(config)
                .service(logging.then(Router.builder().get("/hello", r -> Response.content("hi")).build()))
                .build()
                .start();
        // --- end ---
        try (CoapClient client = CoapClient.builder().config(config).build()) {
            assertThat(client.get("coap://127.0.0.1:" + server.port() + "/hello").payloadString()).isEqualTo("hi");
            assertThat(config.exchangeLifetime()).isEqualTo(Duration.ofMillis(13_500 + 2 * 100_000 + 3_000)); // §4.8.2: span + 2 x MAX_LATENCY + PROCESSING_DELAY
            assertThat(config.maxTransmitSpan()).isEqualTo(Duration.ofMillis(13_500));
        } finally {
            server.close();
        }
    }

    private final java.util.List<java.net.InetSocketAddress> readBack = new java.util.concurrent.CopyOnWriteArrayList<>();

    private void readDevice(java.net.InetSocketAddress device) {
        readBack.add(device);
    }

    @Test
    void whenSentExample() {
        java.util.concurrent.ExecutorService followUps = java.util.concurrent.Executors.newSingleThreadExecutor();
        // --- README: whenSent ---
        java.util.concurrent.atomic.AtomicInteger ids = new java.util.concurrent.atomic.AtomicInteger();
        Router rd = Router.builder()
                .post("/rd", req -> Response.builder(Code.CREATED)
                        .locationPath("/rd/" + ids.incrementAndGet())
                        .whenSent(() -> followUps.execute(() -> readDevice(req.peer())))  // after the 2.01 left
                        .build())
                .build();
        // --- end ---
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(rd).build().start();
             CoapClient client = CoapClient.create()) {
            Response created = client.call(Request.post("coap://127.0.0.1:" + server.port() + "/rd").build());
            assertThat(created.code()).isEqualTo(Code.CREATED);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> readBack.size() == 1);
        } finally {
            followUps.shutdownNow();
        }
    }
}
