package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapSecurityException;
import dev.tern.coap.PeerIdentity;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Full PSK handshakes run on the server's I/O thread ({@code QuickPsk}): which handshakes take that
 * path, the server's flights on the wire (RFC 6347 §4.2: ServerHello and ServerHelloDone in one
 * datagram after the cookie exchange, then ChangeCipherSpec and Finished), interoperation with
 * BouncyCastle's client (Tern's and a bare one), the session kept for resumption, Connection IDs,
 * lost flights both ways, and the alerts of an unknown identity and a wrong key.
 */
class QuickPskTest {
    private HelloServer server;
    private DtlsLayer layer;
    private final List<String> failures = new CopyOnWriteArrayList<>();

    private void start(DtlsConfig.ServerBuilder config) {
        server = new HelloServer(config.onHandshakeFailure((a, reason) -> failures.add(reason)).build());
        layer = server.layer;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_PSK_WITH_AES_128_CCM_8", "TLS_PSK_WITH_AES_128_CCM", "TLS_PSK_WITH_AES_128_GCM_SHA256",
        "TLS_PSK_WITH_AES_256_CCM_8", "TLS_PSK_WITH_AES_256_GCM_SHA384"})
    void aeadPskSuitesHandshakeOnTheIoThreadAndTheSessionResumes(String suite) {
        start(HelloServer.psk());
        DtlsLayer clientLayer = Dtls.client(DtlsConfig.client().psk("dev1", "secret").cipherSuites(List.of(suite)).build());
        for (int i = 0; i < 2; i++) {
            try (CoapClient c = CoapClient.builder().security(clientLayer).build()) {
                assertThat(c.get(server.uri()).payloadString()).isEqualTo("Hello World!");
                boolean resumed = i == 1;
                assertThat(layer.sessions()).anyMatch(s -> s.cipherSuite().equals(suite) && s.resumed() == resumed
                        && s.peerIdentity().equals(PeerIdentity.preSharedKey("dev1", suite)));
            }
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> layer.statistics().handshakesCompleted() == 2);
        assertThat(layer.statistics().fullInPlace()).isEqualTo(1);
        // the session the full handshake kept resumes, in place too
        assertThat(layer.statistics().resumedInPlace()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_PSK_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256"})
    void otherPskSuitesRunBouncyCastlesHandshake(String suite) {
        start(HelloServer.psk());
        DtlsLayer clientLayer = Dtls.client(DtlsConfig.client().psk("dev1", "secret").cipherSuites(List.of(suite)).build());
        try (CoapClient c = CoapClient.builder().security(clientLayer).build()) {
            assertThat(c.get(server.uri()).payloadString()).isEqualTo("Hello World!");
        }
        assertThat(layer.statistics().handshakesCompleted()).isEqualTo(1);
        assertThat(layer.statistics().fullInPlace()).isZero();
    }

    @Test
    void theServersFlightsAreOneDatagramEach() throws Exception {
        start(HelloServer.psk());
        try (BcTestClient c = new BcTestClient(server.address())) {
            c.connect("dev1", "secret", false);
            c.send(BcTestClient.coapGet("hello", 1));
            assertThat(new String(c.receive(2000), StandardCharsets.UTF_8)).endsWith("Hello World!");
            // HelloVerifyRequest; ServerHello + ServerHelloDone; ChangeCipherSpec + Finished; the response
            assertThat(c.received).hasSize(4);
            assertThat(records(c.received.get(0))).containsExactly("22/0:3@0");
            assertThat(records(c.received.get(1))).containsExactly("22/0:2@1", "22/0:14@2");
            assertThat(records(c.received.get(2))).containsExactly("20/0", "22/1");
            assertThat(records(c.received.get(3))).containsExactly("23/1");
        }
        assertThat(layer.statistics().fullInPlace()).isEqualTo(1);
    }

    /** Each record as type/epoch, with :handshake type@message_seq for epoch-0 handshake records. */
    private static List<String> records(byte[] d) {
        List<String> out = new ArrayList<>();
        int pos = 0;
        while (pos + 13 <= d.length) {
            int type = d[pos] & 0xFF;
            int epoch = (d[pos + 3] & 0xFF) << 8 | d[pos + 4] & 0xFF;
            int len = (d[pos + 11] & 0xFF) << 8 | d[pos + 12] & 0xFF;
            String r = type + "/" + epoch;
            if (type == 22 && epoch == 0) {
                r += ":" + (d[pos + 13] & 0xFF) + "@" + ((d[pos + 17] & 0xFF) << 8 | d[pos + 18] & 0xFF);
            }
            out.add(r);
            pos += 13 + len;
        }
        return out;
    }

    @Test
    void aConnectionIdIsIssuedAndTheSessionFollowsANatRebinding() throws Exception {
        start(HelloServer.psk());
        try (BcTestClient c = new BcTestClient(server.address())) {
            c.connect("dev1", "secret", true);
            c.send(BcTestClient.coapGet("hello", 1));
            assertThat(new String(c.receive(2000), StandardCharsets.UTF_8)).endsWith("Hello World!");
            assertThat(layer.sessions().get(0).connectionId()).hasSize(12);
            c.rebind();
            // the first record from the new address is a hint (RFC 9146 §6); the retransmission confirms it
            c.send(BcTestClient.coapGet("hello", 2));
            c.send(BcTestClient.coapGet("hello", 2));
            assertThat(new String(c.receive(2000), StandardCharsets.UTF_8)).endsWith("Hello World!");
        }
        assertThat(layer.statistics().fullInPlace()).isEqualTo(1);
    }

    @Test
    void lostFlightsBothWaysAreSentAgainAndTheHandshakeCompletes() throws Exception {
        start(HelloServer.psk());
        // the first copy of every handshake message is lost both ways: the server's first flight, the
        // client's flight, and the server's last flight (sent again when the client's flight comes again)
        try (HandshakeRelay relay = new HandshakeRelay(server.address(), new HandshakeRelay.Faults(true, false, false, false));
             BcTestClient c = new BcTestClient(new InetSocketAddress("127.0.0.1", relay.port()))) {
            c.connect("dev1", "secret", false);
            c.send(BcTestClient.coapGet("hello", 1));
            assertThat(new String(c.receive(3000), StandardCharsets.UTF_8)).endsWith("Hello World!");
            assertThat(relay.lost.get()).isGreaterThanOrEqualTo(4);
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> layer.statistics().fullInPlace() == 1);
        assertThat(layer.statistics().handshakesFailed()).isZero();
    }

    @Test
    void anUnknownIdentityEndsTheHandshakeWithUnknownPskIdentity() {
        start(HelloServer.psk());
        DtlsLayer stranger = Dtls.client(DtlsConfig.client().psk("stranger", "secret").build());
        try (CoapClient c = CoapClient.builder().security(stranger).build()) {
            assertThatThrownBy(() -> c.get(server.uri())).isInstanceOf(CoapSecurityException.class)
                    .hasMessageContaining("does not know this PSK identity");
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> !failures.isEmpty());
        assertThat(failures.get(0)).contains("unknown_psk_identity");
        assertThat(layer.statistics().handshakesCompleted()).isZero();
        assertThat(layer.sessions()).isEmpty();
    }

    @Test
    void aWrongKeyEndsTheHandshakeAtOnceWithDecryptError() {
        start(HelloServer.psk().handshakeTimeout(Duration.ofSeconds(30)));
        DtlsLayer wrong = Dtls.client(DtlsConfig.client().psk("dev1", "wrong").build());
        long t0 = System.nanoTime();
        try (CoapClient c = CoapClient.builder().security(wrong).build()) {
            assertThatThrownBy(() -> c.get(server.uri())).isInstanceOf(CoapSecurityException.class)
                    .hasMessageContaining("decrypt_error");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(2)).until(() -> !failures.isEmpty());
        assertThat(failures.get(0)).contains("decrypt_error");
        assertThat(layer.statistics().handshakesFailed()).isEqualTo(1);
        assertThat(layer.sessions()).isEmpty();
    }
}
