package dev.tern.coap.leshan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Code;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * LW1: a registration flood over plain coap (OMA LwM2M 1.1 Transport §6.2.1) — many made-up
 * endpoint names from one host, then from several — stays within the registration bounds; devices
 * already registered keep being served.
 */
class RegistrationFloodTest {
    private LeshanServer server;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        server.destroy();
    }

    private void start(int max, int perAddress) {
        server = new LeshanServerBuilder().setEndpointsProviders(TernServerEndpointsProvider.builder()
                .coap(new InetSocketAddress("127.0.0.1", 0)).maxRegistrations(max)
                .maxRegistrationsPerAddress(perAddress).build()).build();
        server.start();
    }

    private Response register(CoapClient from, String name) {
        return from.call(Request.post(server.getEndpoints().get(0).getURI() + "/rd?ep=" + name + "&lt=300&lwm2m=1.1&b=U")
                .contentFormat(40).payload("</3/0>").build());
    }

    private CoapClient clientOn(String host) throws Exception {
        CoapClient c = CoapClient.builder().bind(new InetSocketAddress(InetAddress.getByName(host), 0)).build();
        closing.add(c);
        return c;
    }

    private int registrations() {
        int n = 0;
        for (var it = server.getRegistrationStore().getAllRegistrations(); it.hasNext(); it.next()) {
            n++;
        }
        return n;
    }

    @Test
    void lw1_oneHostCannotFillTheServerWithMadeUpNames() throws Exception {
        start(1000, 10);
        // a real device registers first, from its own socket, and answers reads
        CoapServer device = CoapServer.builder().bind("127.0.0.9").port(0)
                .service(req -> java.util.concurrent.CompletableFuture.completedFuture(Response.content("Tern")))
                .build().start();
        closing.add(device);
        assertThat(register(device.client(), "real").code()).isEqualTo(Code.CREATED);

        CoapClient attacker = clientOn("127.0.0.1");
        List<Code> codes = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            codes.add(register(attacker, "fake-" + i).code());
        }
        assertThat(codes.subList(0, 10)).containsOnly(Code.CREATED);
        assertThat(codes.subList(10, 30)).containsOnly(Code.SERVICE_UNAVAILABLE);
        assertThat(registrations()).isEqualTo(11);
        // a name already registered may register again (a reboot), and updates still pass
        assertThat(register(attacker, "fake-3").code()).isEqualTo(Code.CREATED);
        assertThat(registrations()).isEqualTo(11);
        // the real device is still managed
        Registration real = server.getRegistrationStore().getRegistrationByEndpoint("real");
        ReadResponse read = server.send(real, new ReadRequest(org.eclipse.leshan.core.request.ContentFormat.TEXT,
                3, 0, 0), 5000);
        assertThat(read.isSuccess()).as("%s", read).isTrue();
    }

    @Test
    void lw1_manyHostsStopAtTheServersBoundAndADeregistrationFreesASlot() throws Exception {
        start(20, 10);
        List<Code> codes = new ArrayList<>();
        List<Response> created = new ArrayList<>();
        for (String host : List.of("127.0.0.2", "127.0.0.3", "127.0.0.4")) {
            CoapClient from = clientOn(host);
            for (int i = 0; i < 10; i++) {
                Response r = register(from, host + "-" + i);
                codes.add(r.code());
                if (r.code().equals(Code.CREATED)) {
                    created.add(r);
                }
            }
        }
        assertThat(codes.stream().filter(Code.CREATED::equals)).hasSize(20);
        assertThat(registrations()).isEqualTo(20);
        Response refused = register(clientOn("127.0.0.5"), "late");
        assertThat(refused.code()).isEqualTo(Code.SERVICE_UNAVAILABLE);
        assertThat(refused.options().maxAge()).hasValue(60);

        CoapClient first = clientOn("127.0.0.6");
        Response gone = first.call(Request.delete(server.getEndpoints().get(0).getURI() + "/"
                + String.join("/", created.get(0).options().locationPath())).build());
        assertThat(gone.code()).isEqualTo(Code.DELETED);
        assertThat(register(first, "late").code()).isEqualTo(Code.CREATED);
    }
}
