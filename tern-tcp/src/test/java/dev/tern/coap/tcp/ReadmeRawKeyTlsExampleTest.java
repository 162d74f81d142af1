package dev.tern.coap.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The raw-public-key TLS example of README.md ("CoAP over TCP"), compiled and run. Keep the two in step. */
@Timeout(60)
class ReadmeRawKeyTlsExampleTest {
    @Test
    void rawPublicKeysBothWays() {
        KeyPair serverKeys = RpkTlsLoopbackTest.SERVER;
        KeyPair deviceKeys = RpkTlsLoopbackTest.CLIENT;
        PublicKey serverKey = serverKeys.getPublic();
        PublicKey deviceKey = deviceKeys.getPublic();

        // --- README: raw public keys over TLS ---
        TlsConfig server = TlsConfig.builder().rawPublicKey(serverKeys)          // KeyPair, EC P-256
            .trustedKeys(List.of(deviceKey)).requireClientCertificate(true).build();
        TlsConfig client = TlsConfig.builder().rawPublicKey(deviceKeys)
            .trustedKeys(List.of(serverKey)).build();                            // or .trustAnyServer()
        // --- end ---

        try (CoapServer coaps = CoapServer.builder().port(0)
                .service(Router.builder().get("/whoami", r -> Response.content(
                        r.peerIdentity().map(PeerIdentity::name).orElse("anonymous"))).build())
                .listener(TlsTransports.builder().config(server).port(0).buildServer())
                .build().start();
             CoapClient device = CoapClient.builder().transport(TlsTransports.builder().config(client).buildClient())
                     .build()) {
            String uri = "coaps+tcp://127.0.0.1:" + coaps.localAddress("coaps+tcp").getPort() + "/whoami";
            assertThat(device.get(uri, Duration.ofSeconds(10)).payloadString())
                    .isEqualTo(PeerIdentity.niName(deviceKey));
        }
    }
}
