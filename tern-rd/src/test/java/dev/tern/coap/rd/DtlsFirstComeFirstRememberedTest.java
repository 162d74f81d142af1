package dev.tern.coap.rd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.LinkFormat;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 9176 §7.5 over real DTLS 1.2 PSK sessions on loopback: the attack is a second device, with
 * its own valid credentials, registering the first device's endpoint name and deleting its
 * registration.
 */
class DtlsFirstComeFirstRememberedTest {
    private final Map<String, byte[]> keys = Map.of(
            "dev1", "secret-1".getBytes(StandardCharsets.UTF_8),
            "mallory", "secret-2".getBytes(StandardCharsets.UTF_8));
    private final ResourceDirectory rd = ResourceDirectory.builder().build();
    private final CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1")
            .security(Dtls.server(DtlsConfig.server().pskStore(keys::get).build()))
            .service(rd.router()).build().start();

    @AfterEach
    void stop() {
        server.close();
        rd.close();
    }

    private CoapClient client(String identity) {
        return CoapClient.builder().security(Dtls.client(DtlsConfig.client().psk(identity, keys.get(identity)).build()))
                .build();
    }

    private String uri(String pathAndQuery) {
        return "coaps://127.0.0.1:" + server.port() + pathAndQuery;
    }

    @Test
    void aSecondIdentityCannotHijackARegisteredName() {
        try (CoapClient dev1 = client("dev1"); CoapClient mallory = client("mallory")) {
            Response reg = dev1.call(Request.post(uri("/rd?ep=lamp-1")).payload("</light>").contentFormat(40).build());
            assertThat(reg.code()).isEqualTo(Code.CREATED);
            String loc = "/" + String.join("/", reg.options().locationPath());

            Response hijack = mallory.call(Request.post(uri("/rd?ep=lamp-1&base=coap://evil.example"))
                    .payload("</light>").contentFormat(40).build());
            assertThat(hijack.code()).isEqualTo(Code.UNAUTHORIZED);
            assertThat(mallory.call(Request.delete(uri(loc)).build()).code()).isEqualTo(Code.UNAUTHORIZED);
            assertThat(mallory.call(Request.post(uri(loc + "?base=coap://evil.example")).build()).code())
                    .isEqualTo(Code.UNAUTHORIZED);

            Response lookup = mallory.call(Request.get(uri("/rd-lookup/res?ep=lamp-1")).build());
            assertThat(LinkFormat.parse(lookup.payloadString()).get(0).target()).startsWith("coaps://127.0.0.1:");
            assertThat(dev1.call(Request.post(uri(loc)).build()).code()).isEqualTo(Code.CHANGED);
            assertThat(dev1.call(Request.delete(uri(loc)).build()).code()).isEqualTo(Code.DELETED);
        }
    }
}
