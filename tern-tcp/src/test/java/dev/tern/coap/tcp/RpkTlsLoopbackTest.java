package dev.tern.coap.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.CoapTransportException;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** coaps+tcp and coaps+ws with raw public keys (RFC 7250 in TLS 1.3 and 1.2 through BouncyCastle, RFC 8323 §9.1). */
@Timeout(60)
class RpkTlsLoopbackTest {
    static final KeyPair SERVER = keyPair();
    static final KeyPair CLIENT = keyPair();
    private static final KeyPair STRANGER = keyPair();
    private CoapServer server;

    static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private String start(TlsConfig config) {
        Router router = Router.builder()
                .get("/whoami", req -> Response.content(req.peerIdentity()
                        .map(id -> id.kind() + " " + id.name() + " " + id.cipherSuite()).orElse("anonymous")))
                .build();
        server = CoapServer.builder().port(0).service(router)
                .listener(TlsTransports.builder().config(config).port(0).handshakeTimeout(Duration.ofSeconds(3))
                        .buildServer())
                .listener(WebSocketTransports.builder().tls(config).port(0).buildServer())
                .build().start();
        return "coaps+tcp://127.0.0.1:" + server.localAddress("coaps+tcp").getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static TlsConfig.Builder trusting(KeyPair own, PublicKey... trusted) {
        return TlsConfig.builder().rawPublicKey(own).trustedKeys(List.of(trusted));
    }

    private static String get(TlsConfig config, String uri) {
        try (CoapClient client = CoapClient.builder().transport(TlsTransports.builder().config(config).buildClient())
                .build()) {
            return client.get(uri, Duration.ofSeconds(10)).payloadString();
        }
    }

    @Test
    void bothKeysTrustedOverTls13AndTheClientKeyIsThePeerIdentity() {
        String base = start(trusting(SERVER, CLIENT.getPublic()).requireClientCertificate(true).build());
        assertThat(get(trusting(CLIENT, SERVER.getPublic()).build(), base + "/whoami"))
                .isEqualTo("RAW_PUBLIC_KEY " + PeerIdentity.niName(CLIENT.getPublic()) + " TLS_AES_128_GCM_SHA256");
    }

    @Test
    void tls12OnlyClientNegotiatesTls12() {
        String base = start(trusting(SERVER, CLIENT.getPublic()).build());
        assertThat(get(trusting(CLIENT, SERVER.getPublic()).tls12Only().build(), base + "/whoami"))
                .isEqualTo("RAW_PUBLIC_KEY " + PeerIdentity.niName(CLIENT.getPublic())
                        + " TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
    }

    @Test
    void overWebSockets() {
        start(trusting(SERVER, CLIENT.getPublic()).build());
        String uri = "coaps+ws://127.0.0.1:" + server.localAddress("coaps+ws").getPort() + "/whoami";
        try (CoapClient client = CoapClient.builder().transport(WebSocketTransports.builder()
                .tls(trusting(CLIENT, SERVER.getPublic()).build()).buildClient()).build()) {
            assertThat(client.get(uri, Duration.ofSeconds(10)).payloadString())
                    .startsWith("RAW_PUBLIC_KEY " + PeerIdentity.niName(CLIENT.getPublic()));
        }
    }

    @Test
    void clientRefusesAnUnknownServerKey() {
        String base = start(trusting(SERVER, CLIENT.getPublic()).build());
        assertThatThrownBy(() -> get(trusting(CLIENT, STRANGER.getPublic()).build(), base + "/whoami"))
                .isInstanceOf(CoapTransportException.class)
                .hasMessageContaining("raw public key " + PeerIdentity.niName(SERVER.getPublic()) + " is not trusted");
    }

    @Test
    void serverRefusesAnUnknownClientKey() {
        String base = start(trusting(SERVER, CLIENT.getPublic()).build());
        assertThatThrownBy(() -> get(trusting(STRANGER, SERVER.getPublic()).build(), base + "/whoami"))
                .isInstanceOf(CoapTransportException.class).hasMessageContaining("bad_certificate");
    }

    @Test
    void clientWithoutAKeyIsAnonymousUnlessOneIsRequired() {
        String base = start(trusting(SERVER, CLIENT.getPublic()).build());
        TlsConfig anonymous = TlsConfig.builder().trustedKeys(List.of(SERVER.getPublic())).build();
        assertThat(get(anonymous, base + "/whoami")).isEqualTo("anonymous");
        server.close();
        String strict = start(trusting(SERVER, CLIENT.getPublic()).requireClientCertificate(true).build());
        assertThatThrownBy(() -> get(anonymous, strict + "/whoami")).isInstanceOf(CoapTransportException.class)
                .hasMessageContaining("certificate_required");
    }

    @Test
    void keyTrustDecidesAtRunTimeAndAThrowingOneRefuses() {
        AtomicInteger asked = new AtomicInteger();
        String base = start(TlsConfig.builder().rawPublicKey(SERVER).keyTrust(key -> {
            asked.incrementAndGet();
            if (key.equals(STRANGER.getPublic())) {
                throw new IllegalStateException("device store down");
            }
            return key.equals(CLIENT.getPublic());
        }).requireClientCertificate(true).build());
        assertThat(get(trusting(CLIENT, SERVER.getPublic()).build(), base + "/whoami")).startsWith("RAW_PUBLIC_KEY");
        assertThatThrownBy(() -> get(trusting(STRANGER, SERVER.getPublic()).build(), base + "/whoami"))
                .isInstanceOf(CoapTransportException.class);
        assertThat(asked).hasValue(2);
    }

    @Test
    void trustAnyServerAcceptsAnyKey() {
        String base = start(TlsConfig.builder().rawPublicKey(SERVER).build());
        assertThat(get(TlsConfig.builder().rawPublicKey(CLIENT).trustAnyServer().build(), base + "/whoami"))
                .isEqualTo("anonymous");
    }

    @Test
    void anRpkClientRefusesAnX509Server() {
        String base = start(TlsConfig.builder().identity(TestPki.key("server"),
                List.of(TestPki.certificate("server"))).build());
        assertThatThrownBy(() -> get(trusting(CLIENT, SERVER.getPublic()).build(), base + "/whoami"))
                .isInstanceOf(CoapTransportException.class).hasMessageContaining("certificate");
    }

    @Test
    void anX509ClientFindsNoCertificateAtAnRpkServer() {
        String base = start(trusting(SERVER, CLIENT.getPublic()).build());
        assertThatThrownBy(() -> get(TlsConfig.builder().trust(List.of(TestPki.certificate("ca"))).build(),
                base + "/whoami")).isInstanceOf(CoapTransportException.class);
    }

    @Test
    void silentPeerIsCutOffAfterTheHandshakeTimeout() throws IOException {
        start(trusting(SERVER, CLIENT.getPublic()).build());
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.localAddress("coaps+tcp").getPort())) {
            s.setSoTimeout(15_000);
            long begin = System.nanoTime();
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // nothing until a ClientHello; then the close
            }
            assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(8));
        }
    }

    @Test
    void mixingX509AndRawKeysIsRefusedAtBuild() {
        assertThatThrownBy(() -> TlsConfig.builder().identity(TestPki.key("server"),
                List.of(TestPki.certificate("server"))).rawPublicKey(SERVER).build())
                .isInstanceOf(IllegalStateException.class);
    }
}
