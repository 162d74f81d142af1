package dev.tern.coap.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.CoapTransportException;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * coaps+tcp with pre-shared keys through BouncyCastle (RFC 8323 §9.1): TLS 1.3 external PSK
 * (RFC 8446 §2.2) by default, TLS 1.2 PSK (RFC 4279) with a peer that offers only 1.2; on loopback.
 */
@Timeout(60)
class PskTlsLoopbackTest {
    private static final Map<String, byte[]> KEYS = Map.of("dev1", "secret".getBytes(StandardCharsets.UTF_8));
    private final java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
    private CoapServer server;
    private String base;

    @BeforeEach
    void start() {
        Router router = Router.builder()
                .get("/hello", req -> Response.content("Hello PSK"))
                .get("/whoami", req -> Response.content(req.peerIdentity().map(id -> id.kind() + " " + id.name() + " " + id.cipherSuite())
                        .orElse("anonymous")))
                .build();
        TlsConfig config = TlsConfig.builder().pskStore(id -> {
            lookups.incrementAndGet();
            byte[] k = KEYS.get(id);
            return k == null ? null : k.clone();
        }).build();
        server = CoapServer.builder().port(0).service(router)
                .listener(TlsTransports.builder().config(config).port(0).handshakeTimeout(Duration.ofMillis(500))
                        .buildServer()).build().start();
        base = "coaps+tcp://127.0.0.1:" + server.localAddress("coaps+tcp").getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static CoapClient client(String identity, String key) {
        return client(TlsConfig.builder().psk(identity, key.getBytes(StandardCharsets.UTF_8)));
    }

    private static CoapClient client(TlsConfig.Builder config) {
        return CoapClient.builder().transport(TlsTransports.builder().config(config.build()).buildClient()).build();
    }

    @Test
    void tls13IsNegotiatedWithAnExternalPsk() {
        try (CoapClient client = client("dev1", "secret")) {
            assertThat(client.get(base + "/whoami", Duration.ofSeconds(10)).payloadString())
                    .isEqualTo("PRE_SHARED_KEY dev1 TLS_AES_128_GCM_SHA256");
        }
    }

    @Test
    void tls12OnlyClientGetsATls12PskSuite() {
        try (CoapClient client = client(TlsConfig.builder().psk("dev1", "secret".getBytes(StandardCharsets.UTF_8))
                .tls12Only())) {
            assertThat(client.get(base + "/whoami", Duration.ofSeconds(10)).payloadString())
                    .isEqualTo("PRE_SHARED_KEY dev1 TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256");
        }
    }

    @Test
    void wrongKeyIsRefusedOverTls12Too() {
        try (CoapClient client = client(TlsConfig.builder().psk("dev1", "wrong".getBytes(StandardCharsets.UTF_8))
                .tls12Only())) {
            assertThatThrownBy(() -> client.get(base + "/hello", Duration.ofSeconds(10)))
                    .isInstanceOf(CoapTransportException.class);
        }
    }

    @Test
    void getWithThePreSharedKey() {
        try (CoapClient client = client("dev1", "secret")) {
            assertThat(client.get(base + "/hello", Duration.ofSeconds(10)).payloadString()).isEqualTo("Hello PSK");
            assertThat(client.get(base + "/whoami", Duration.ofSeconds(10)).payloadString())
                    .startsWith("PRE_SHARED_KEY dev1");
            assertThat(client.ping(base).join()).isPositive();
        }
    }

    @Test
    void wrongKeyIsRefused() {
        try (CoapClient client = client("dev1", "wrong")) {
            assertThatThrownBy(() -> client.get(base + "/hello", Duration.ofSeconds(10)))
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
                // nothing until a ClientHello; then the close
            }
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void garbageInsteadOfAClientHelloIsClosed() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.localAddress("coaps+tcp").getPort())) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x03, (byte) 0xFF, (byte) 0xFF, 1, 2, 3});
            s.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // an alert at most, then the close
            }
        }
    }

    /** A ClientHello may list many PSK identities; the server looks up the first 8 only (the 21st is the good one). */
    @Test
    void onlyTheFirstEightOfferedIdentitiesAreLookedUp() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.localAddress("coaps+tcp").getPort())) {
            s.setSoTimeout(15_000);
            org.bouncycastle.tls.TlsClientProtocol protocol =
                    new org.bouncycastle.tls.TlsClientProtocol(s.getInputStream(), s.getOutputStream());
            org.bouncycastle.tls.crypto.TlsCrypto crypto =
                    new org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto(new java.security.SecureRandom());
            org.bouncycastle.tls.DefaultTlsClient many = new org.bouncycastle.tls.DefaultTlsClient(crypto) {
                @Override
                protected org.bouncycastle.tls.ProtocolVersion[] getSupportedVersions() {
                    return org.bouncycastle.tls.ProtocolVersion.TLSv13.only();
                }

                @Override
                public java.util.Vector<org.bouncycastle.tls.TlsPSKExternal> getExternalPSKs() {
                    java.util.Vector<org.bouncycastle.tls.TlsPSKExternal> psks = new java.util.Vector<>();
                    for (int i = 0; i <= 20; i++) {
                        String id = i == 20 ? "dev1" : "nobody" + i;
                        psks.add(new org.bouncycastle.tls.BasicTlsPSKExternal(id.getBytes(StandardCharsets.UTF_8),
                                getCrypto().createSecret("secret".getBytes(StandardCharsets.UTF_8)),
                                org.bouncycastle.tls.PRFAlgorithm.tls13_hkdf_sha256));
                    }
                    return psks;
                }

                @Override
                public org.bouncycastle.tls.TlsAuthentication getAuthentication() {
                    throw new IllegalStateException("no certificate expected");
                }
            };
            assertThatThrownBy(() -> protocol.connect(many)).isInstanceOf(IOException.class);
        }
        assertThat(lookups).hasValue(8);
    }

    @Test
    void unknownIdentityIsRefused() {
        try (CoapClient client = client("nobody", "secret")) {
            assertThatThrownBy(() -> client.get(base + "/hello", Duration.ofSeconds(10)))
                    .isInstanceOf(CoapTransportException.class);
        }
    }
}
