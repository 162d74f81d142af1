package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapSecurityException;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DtlsPskLoopbackTest {
    private CoapServer server;
    private DtlsLayer serverLayer;

    @BeforeEach
    void start() {
        serverLayer = Dtls.server(DtlsConfig.server().pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8))
                .build());
        server = CoapServer.builder().port(0).bind("127.0.0.1").security(serverLayer)
                .service(Router.builder()
                        .get("/hello", r -> Response.content("Hello World!"))
                        .get("/whoami", r -> Response.content(r.peerIdentity().map(PeerIdentity::name).orElse("nobody")))
                        .build())
                .build().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String uri(String path) {
        return "coaps://127.0.0.1:" + server.port() + path;
    }

    @Test
    void getOverPsk() {
        DtlsLayer layer = Dtls.client(DtlsConfig.client().psk("dev1", "secret").build());
        try (CoapClient client = CoapClient.builder().security(layer).build()) {
            Response r = client.get(uri("/hello"));
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isEqualTo("Hello World!");
            assertThat(client.get(uri("/whoami")).payloadString()).isEqualTo("dev1");
            DtlsSession s = layer.sessions().get(0);
            assertThat(s.cipherSuite()).isEqualTo("TLS_PSK_WITH_AES_128_CCM_8");
            assertThat(serverLayer.sessions()).hasSize(1);
            assertThat(serverLayer.sessions().get(0).peerIdentity().name()).isEqualTo("dev1");
        }
    }

    /** The server picks by its own order (CCM_8 first), not by the client's (GnuTLS lists CBC first). */
    @Test
    void serverPrefersItsOwnCipherSuiteOrder() {
        DtlsLayer layer = Dtls.client(DtlsConfig.client().psk("dev1", "secret")
                .cipherSuites(java.util.List.of("TLS_PSK_WITH_AES_128_CBC_SHA256", "TLS_PSK_WITH_AES_128_GCM_SHA256",
                        "TLS_PSK_WITH_AES_128_CCM_8"))
                .build());
        try (CoapClient client = CoapClient.builder().security(layer).build()) {
            assertThat(client.get(uri("/whoami")).payloadString()).isEqualTo("dev1");
            assertThat(layer.sessions().get(0).cipherSuite()).isEqualTo("TLS_PSK_WITH_AES_128_CCM_8");
        }
    }

    @Test
    void wrongKeyFailsWithASecurityException() {
        DtlsLayer layer = Dtls.client(DtlsConfig.client().psk("dev1", "wrong").build());
        try (CoapClient client = CoapClient.builder().security(layer).build()) {
            assertThatThrownBy(() -> client.get(uri("/hello")))
                    .isInstanceOf(CoapSecurityException.class)
                    .hasMessageContaining("DTLS handshake with 127.0.0.1");
        }
    }

    @Test
    void plainClientRefusesCoaps() {
        try (CoapClient client = CoapClient.create()) {
            assertThatThrownBy(() -> client.call(Request.get(uri("/hello")).build()))
                    .isInstanceOf(CoapSecurityException.class).hasMessageContaining("coaps");
        }
    }
}
