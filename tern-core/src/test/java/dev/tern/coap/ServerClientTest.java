package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The hooks a server-side protocol on Tern needs (OMA LwM2M through {@code tern-leshan}):
 * {@link CoapServer#client()} sends from the server's own socket, so a peer that reached the
 * server is answered and asked from the address it knows (RFC 7252 §2.1, §5.3.2), and
 * {@link Observation#deregister()} gives the answer to the GET with Observe=1 (RFC 7641 §3.6).
 */
class ServerClientTest {
    private final ObservableResource clock = ObservableResource.create();
    private final AtomicInteger time = new AtomicInteger();
    private CoapServer device;
    private CoapServer server;

    @AfterEach
    void stop() {
        if (device != null) {
            device.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aServersClientSendsFromTheServersOwnPort() {
        device = CoapServer.builder().bind("127.0.0.1").port(0)
                .service(Router.builder().get("/who", req -> Response.content(Integer.toString(req.peer().getPort())))
                        .build())
                .build().start();
        server = CoapServer.builder().bind("127.0.0.1").port(0)
                .service(Router.builder().get("/x", req -> Response.content("x")).build()).build().start();
        CoapClient client = server.client();
        Response r = client.call(Request.get("coap://127.0.0.1:" + device.port() + "/who").build());
        assertThat(r.payloadString()).isEqualTo(Integer.toString(server.port()));
        assertThat(client.localAddress()).isEqualTo(server.localAddress());
        client.close(); // a view: the server keeps serving
        assertThat(CoapClient.create().get("coap://127.0.0.1:" + server.port() + "/x").payloadString())
                .isEqualTo("x");
        assertThat(client.call(Request.get("coap://127.0.0.1:" + device.port() + "/who").build()).code())
                .isEqualTo(Code.CONTENT);
    }

    @Test
    void aServersClientNeedsAStartedServerWithOneIoThread() {
        CoapServer notStarted = CoapServer.builder().port(0).build();
        assertThatThrownBy(notStarted::client).isInstanceOf(IllegalStateException.class);
        server = CoapServer.builder().bind("127.0.0.1").port(0).ioThreads(2).build().start();
        assertThatThrownBy(server::client).isInstanceOf(IllegalStateException.class).hasMessageContaining("ioThreads");
    }

    @Test
    void deregisterCompletesWithTheServersAnswerToObserveOne() {
        device = CoapServer.builder().bind("127.0.0.1").port(0)
                .service(Router.builder().get("/time", clock.handler(req -> Response.content("t" + time.get())),
                        RouteOptions.create().observable()).build())
                .build().start();
        try (CoapClient client = CoapClient.create()) {
            Observation obs = client.observe(Request.get("coap://127.0.0.1:" + device.port() + "/time").build(),
                    r -> { });
            assertThat(obs.registered().orTimeout(5, TimeUnit.SECONDS).join().options().observe()).isPresent();
            time.set(7);
            Response answer = obs.deregister().orTimeout(5, TimeUnit.SECONDS).join();
            assertThat(answer.code()).isEqualTo(Code.CONTENT);
            assertThat(answer.payloadString()).isEqualTo("t7");
            assertThat(answer.options().observe()).isEmpty();
            await().atMost(Duration.ofSeconds(5)).until(() -> clock.observerCount() == 0);
            assertThat(obs.isActive()).isFalse();
            assertThat(obs.deregister().join()).isSameAs(answer); // the same future again
        }
    }

    @Test
    void deregisterOfAnObservationThatEndedFailsWithoutSendingAnything() {
        device = CoapServer.builder().bind("127.0.0.1").port(0)
                .service(Router.builder().get("/plain", req -> Response.content("p")).build()).build().start();
        try (CoapClient client = CoapClient.create()) {
            Observation obs = client.observe(Request.get("coap://127.0.0.1:" + device.port() + "/plain").build(),
                    r -> { });
            obs.ended().orTimeout(5, TimeUnit.SECONDS).join(); // served as a plain GET (RFC 7641 §4.1)
            assertThatThrownBy(() -> obs.deregister().join()).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(IllegalStateException.class);
        }
    }
}
