package dev.tern.coap.rd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.LinkFormat;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile registrants against a running directory on loopback (SECURITY.md threat model): a
 * registration flood stays within the caps and lookups keep being served; oversized payloads,
 * too many links and too long lifetimes are refused with the RFC's codes.
 */
class RegistrationFloodTest {
    private ResourceDirectory rd;
    private CoapServer server;
    private final CoapClient client = CoapClient.create();

    private void start(ResourceDirectory.Builder b) {
        rd = b.build();
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(rd.router()).build().start();
    }

    @AfterEach
    void stop() {
        client.close();
        if (server != null) {
            server.close();
            rd.close();
        }
    }

    private String uri(String pathAndQuery) {
        return "coap://127.0.0.1:" + server.port() + pathAndQuery;
    }

    private List<Response> flood(int n, String prefix) {
        List<CompletableFuture<Response>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            sent.add(client.send(Request.post(uri("/rd?ep=" + prefix + i)).payload("</a>,</b>").contentFormat(40).build()));
        }
        List<Response> out = new ArrayList<>();
        sent.forEach(f -> out.add(f.join()));
        return out;
    }

    @Test
    void floodStopsAtMaxRegistrationsAndLookupsAreServed() {
        start(ResourceDirectory.builder().maxRegistrations(200).maxRegistrationsPerPeer(100_000));
        List<Response> answers = flood(300, "flood-");
        assertThat(answers).filteredOn(r -> r.code().equals(Code.CREATED)).hasSize(200);
        assertThat(answers).filteredOn(r -> r.code().equals(Code.SERVICE_UNAVAILABLE)).hasSize(100);
        assertThat(rd.registrationCount()).isEqualTo(200);
        Response lookup = client.call(Request.get(uri("/rd-lookup/ep?count=5")).build());
        assertThat(lookup.code()).isEqualTo(Code.CONTENT);
        assertThat(LinkFormat.parse(lookup.payloadString())).hasSize(5);
    }

    @Test
    void onePeerCannotTakeTheWholeDirectory() {
        start(ResourceDirectory.builder().maxRegistrations(1000).maxRegistrationsPerPeer(50));
        List<Response> answers = flood(80, "mine-");
        assertThat(answers).filteredOn(r -> r.code().equals(Code.CREATED)).hasSize(50);
        assertThat(rd.registrationCount()).isEqualTo(50);
    }

    @Test
    void oversizedRegistrationsAreRefused() {
        start(ResourceDirectory.builder().maxPayloadBytes(2048).maxLinksPerRegistration(8)
                .maxLifetime(Duration.ofDays(1)));
        Response big = client.call(Request.post(uri("/rd?ep=big")).payload("</" + "x".repeat(3000) + ">")
                .contentFormat(40).build());
        assertThat(big.code()).isEqualTo(Code.REQUEST_ENTITY_TOO_LARGE);
        assertThat(big.options().uint(OptionNumber.SIZE1)).hasValue(2048);
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            many.append(i == 0 ? "" : ",").append("</").append(i).append('>');
        }
        assertThat(client.call(Request.post(uri("/rd?ep=many")).payload(many.toString()).contentFormat(40).build())
                .code()).isEqualTo(Code.REQUEST_ENTITY_TOO_LARGE);
        assertThat(client.call(Request.post(uri("/rd?ep=old&lt=86401")).payload("</a>").contentFormat(40).build())
                .code()).isEqualTo(Code.BAD_REQUEST);
        assertThat(rd.registrationCount()).isZero();
    }
}
