package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.rd.RdRegistrant;
import dev.tern.coap.rd.ResourceDirectory;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Resource Directory (RFC 9176) interop with libcoap: {@code coap-client-notls} registers with and
 * looks up in Tern's directory; Tern's {@link RdRegistrant} registers, updates and removes its
 * registration at libcoap's {@code coap-rd-notls} (which takes registrations but has no lookup
 * interface, answers an update with 4.05 and a DELETE not at all). Skipped when the binaries are missing unless {@code TERN_INTEROP_REQUIRED=1}.
 */
@Timeout(60)
class LibcoapRdInteropTest {
    private static final String CLIENT = "coap-client-notls";
    private static final String RD = "coap-rd-notls";
    private static final Duration RUN = Duration.ofSeconds(20);

    @BeforeAll
    static void peers() {
        Peers.requirePeer(Peers.onPath(CLIENT).isPresent() && Peers.onPath(RD).isPresent(),
                CLIENT + " and " + RD + " (Debian: libcoap3-bin) are not on the PATH");
    }

    @Test
    void libcoapClientRegistersAndLooksUpInTernsDirectory() {
        try (ResourceDirectory rd = ResourceDirectory.builder().build();
             CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(rd.router()).build().start()) {
            String base = "coap://127.0.0.1:" + server.port();
            Peers.Result reg = Peers.run(RUN, List.of(CLIENT, "-m", "post", "-t", "40", "-e",
                    "</sensors/temp>;rt=temperature-c;if=sensor", base + "/rd?ep=libcoap-1&lt=600&base=coap://127.0.0.1:5999"));
            assertThat(reg.exitCode()).as(reg.toString()).isZero();
            assertThat(rd.registrationCount()).isEqualTo(1);

            Peers.Result res = Peers.run(RUN, List.of(CLIENT, base + "/rd-lookup/res?rt=temperature*"));
            assertThat(res.out().trim()).as(res.toString())
                    .isEqualTo("<coap://127.0.0.1:5999/sensors/temp>;rt=\"temperature-c\";if=\"sensor\";"
                            + "anchor=\"coap://127.0.0.1:5999\"");
            Peers.Result ep = Peers.run(RUN, List.of(CLIENT, base + "/rd-lookup/ep?ep=libcoap-1"));
            assertThat(ep.out()).as(ep.toString()).startsWith("</reg/").contains("ep=\"libcoap-1\"");
            Peers.Result discovery = Peers.run(RUN, List.of(CLIENT, base + "/.well-known/core?rt=core.rd*"));
            assertThat(discovery.out()).as(discovery.toString()).contains("</rd>;rt=\"core.rd\"")
                    .contains("</rd-lookup/ep>").contains("</rd-lookup/res>");
        }
    }

    @Test
    void ternsRegistrantAtLibcoapsDirectory() {
        int port = Peers.freeUdpPort();
        Router device = Router.builder()
                .get("/light", r -> Response.content("on"), RouteOptions.create().resourceType("light-lux"))
                .build();
        try (Peers.Daemon rdProcess = Peers.Daemon.start(null, List.of(RD, "-A", "127.0.0.1", "-p", Integer.toString(port)));
             CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(device).build().start();
             CoapClient client = CoapClient.create()) {
            String rdUri = "coap://127.0.0.1:" + port;
            RdRegistrant registrant = RdRegistrant.builder().directory(rdUri).endpoint("tern-lamp")
                    .lifetime(Duration.ofSeconds(4)).links(device).server(server).build().start();
            try {
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                        .failFast(RD + " exited", () -> !rdProcess.isAlive())
                        .until(() -> registrant.location().isPresent());
                String location = registrant.location().orElseThrow();
                assertThat(location).startsWith("/rd/");
                assertThat(client.get(rdUri + "/.well-known/core").payloadString()).contains("<" + location + ">");
                // lt=4 s: at lt/2 the registrant updates; coap-rd has no update (4.05 Method Not
                // Allowed), so the registrant registers again, which keeps it registered
                await().atMost(Duration.ofSeconds(15)).until(() -> registrant.registrations() >= 2);
                assertThat(registrant.location()).isPresent();
            } finally {
                // coap-rd does not answer DELETE (4.3.1) or stops (4.3.4): close waits at most 10 s
                registrant.close();
            }
        }
    }
}
