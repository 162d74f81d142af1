package dev.tern.coap.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.CoapTransportException;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.spi.ConnectionTransport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** coaps+tcp and coaps+ws end to end on loopback with X.509 (RFC 8323 §8.2, §8.4, §9.1). */
@Timeout(60)
class TlsLoopbackTest {
    private static final TlsConfig SERVER = TlsConfig.builder()
            .identity(TestPki.key("server"), List.of(TestPki.certificate("server")))
            .trust(List.of(TestPki.certificate("ca"))).build();
    private CoapServer server;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .get("/hello", req -> Response.content("Hello TLS"))
                .get("/whoami", req -> {
                    return Response.content(req.peerIdentity().map(id -> id.kind() + " " + id.name())
                            .orElse("anonymous"));
                })
                .build();
        server = CoapServer.builder().port(0).service(router)
                .listener(TlsTransports.builder().config(SERVER).port(0).handshakeTimeout(Duration.ofMillis(500))
                        .buildServer())
                .listener(WebSocketTransports.builder().tls(SERVER).port(0).buildServer())
                .build().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String base() {
        return "coaps+tcp://127.0.0.1:" + server.localAddress("coaps+tcp").getPort();
    }

    private static TlsConfig.Builder trustingClient() {
        return TlsConfig.builder().trust(List.of(TestPki.certificate("ca")));
    }

    @Test
    void getOverTlsWithoutClientCertificate() {
        try (CoapClient client = CoapClient.builder()
                .transport(TlsTransports.builder().config(trustingClient().build()).buildClient()).build()) {
            assertThat(client.get(base() + "/hello", Duration.ofSeconds(10)).payloadString()).isEqualTo("Hello TLS");
            assertThat(client.get(base() + "/whoami", Duration.ofSeconds(10)).payloadString()).isEqualTo("anonymous");
            assertThat(client.ping(base()).join()).isPositive();
        }
    }

    @Test
    void clientCertificateIsThePeerIdentity() {
        TlsConfig config = trustingClient()
                .identity(TestPki.key("client"), List.of(TestPki.certificate("client"))).build();
        try (CoapClient client = CoapClient.builder()
                .transport(TlsTransports.builder().config(config).buildClient()).build()) {
            assertThat(client.get(base() + "/whoami", Duration.ofSeconds(10)).payloadString())
                    .isEqualTo("X509 CN=tern-test-client");
        }
    }

    @Test
    void getOverSecureWebSocket() {
        String uri = "coaps+ws://127.0.0.1:" + server.localAddress("coaps+ws").getPort() + "/hello";
        try (CoapClient client = CoapClient.builder()
                .transport(WebSocketTransports.builder().tls(trustingClient().build()).buildClient()).build()) {
            assertThat(client.get(uri, Duration.ofSeconds(10)).payloadString()).isEqualTo("Hello TLS");
        }
    }

    @Test
    void untrustedServerIsRefused() {
        ConnectionTransport trustsNothing = TlsTransports.builder()
                .config(TlsConfig.builder().trust(List.of(TestPki.certificate("client"))).build()).buildClient();
        try (CoapClient client = CoapClient.builder().transport(trustsNothing).build()) {
            assertThatThrownBy(() -> client.get(base() + "/hello", Duration.ofSeconds(10)))
                    .isInstanceOf(CoapTransportException.class);
        }
    }

    @Test
    void serverNameIsVerified() {
        // the certificate names 127.0.0.1 and localhost, not 127.0.0.2 (also loopback)
        String other = "coaps+tcp://127.0.0.2:" + server.localAddress("coaps+tcp").getPort() + "/hello";
        try (CoapClient client = CoapClient.builder()
                .transport(TlsTransports.builder().config(trustingClient().build()).buildClient()).build()) {
            assertThatThrownBy(() -> client.get(other, Duration.ofSeconds(10)))
                    .isInstanceOf(CoapTransportException.class);
        }
    }

    @Test
    void silentPeerIsCutOffAfterTheHandshakeTimeout() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.localAddress("coaps+tcp").getPort())) {
            s.setSoTimeout(15_000);
            long start = System.nanoTime();
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // the server says nothing until the ClientHello; then closes
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }
}
