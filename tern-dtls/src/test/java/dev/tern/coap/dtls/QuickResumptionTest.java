package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.PeerIdentity;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.bouncycastle.tls.SessionParameters;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Abbreviated handshakes run on the server's I/O thread ({@code QuickResumption}): which resumptions
 * take that path, that they interoperate with BouncyCastle's client (Tern's and a bare one), keep the
 * session's identity, issue a fresh Connection ID, survive lost flights, and that a peer offering
 * a session it does not hold costs a bounded number of flights and spoils nothing.
 */
class QuickResumptionTest {
    private HelloServer server;
    private DtlsLayer layer;

    private void start(DtlsConfig.ServerBuilder config) {
        server = new HelloServer(config.build());
        layer = server.layer;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /**
     * Two clients of one layer, one after the other: a full handshake, then a resumption; the
     * server's side of the resumed session (taken while it is open).
     */
    private DtlsSession fullThenResumed(DtlsLayer clientLayer) {
        DtlsSession resumed = null;
        for (int i = 0; i < 2; i++) {
            try (CoapClient c = CoapClient.builder().security(clientLayer).build()) {
                assertThat(c.get(server.uri()).payloadString()).isEqualTo("Hello World!");
                assertThat(clientLayer.sessions().get(0).resumed()).isEqualTo(i == 1);
                if (i == 1) {
                    resumed = layer.sessions().stream().filter(DtlsSession::resumed).findFirst().orElseThrow();
                }
            }
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> layer.statistics().handshakesCompleted() == 2);
        return resumed;
    }

    /** A full handshake from a client of its own: the session it can resume. */
    private TlsSession firstSession() throws java.io.IOException {
        try (BcTestClient first = new BcTestClient(server.address())) {
            first.connect("dev1", "secret", false);
            return first.session;
        }
    }

    /** Starts {@code c}'s handshake on a thread of its own (it blocks until it completes, fails or is closed). */
    private static void connectInBackground(BcTestClient c, String key) {
        Thread t = new Thread(() -> {
            try {
                c.connect("dev1", key, false);
            } catch (Exception expected) {
                // closed by the test, or unable to complete
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_PSK_WITH_AES_128_CCM_8", "TLS_PSK_WITH_AES_128_CCM", "TLS_PSK_WITH_AES_128_GCM_SHA256",
        "TLS_PSK_WITH_AES_256_CCM_8", "TLS_PSK_WITH_AES_256_GCM_SHA384"})
    void aeadSuitesResumeOnTheIoThread(String suite) {
        start(HelloServer.psk());
        DtlsSession s = fullThenResumed(Dtls.client(DtlsConfig.client().psk("dev1", "secret")
                .cipherSuites(List.of(suite)).build()));
        assertThat(layer.statistics().handshakesResumed()).isEqualTo(1);
        assertThat(layer.statistics().resumedInPlace()).isEqualTo(1);
        assertThat(s.cipherSuite()).isEqualTo(suite);
        assertThat(s.peerIdentity()).isEqualTo(PeerIdentity.preSharedKey("dev1", suite));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLS_PSK_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256"})
    void cbcSuitesResumeThroughBouncyCastle(String suite) {
        start(HelloServer.psk());
        fullThenResumed(Dtls.client(DtlsConfig.client().psk("dev1", "secret").cipherSuites(List.of(suite)).build()));
        assertThat(layer.statistics().handshakesResumed()).isEqualTo(1);
        assertThat(layer.statistics().resumedInPlace()).isZero();
    }

    @Test
    void aRawPublicKeySessionResumesWithItsVerifiedKey() {
        KeyPair serverKeys = TestPki.ecKeyPair();
        KeyPair clientKeys = TestPki.ecKeyPair();
        start(DtlsConfig.server().rawPublicKey(serverKeys).trustedKeys(List.of(clientKeys.getPublic())));
        DtlsSession s = fullThenResumed(Dtls.client(DtlsConfig.client().rawPublicKey(clientKeys)
                .trustedKeys(List.of(serverKeys.getPublic())).build()));
        assertThat(layer.statistics().resumedInPlace()).isEqualTo(1);
        PeerIdentity who = s.peerIdentity();
        assertThat(who.kind()).isEqualTo(PeerIdentity.Kind.RAW_PUBLIC_KEY);
        assertThat(who.publicKey()).isEqualTo(clientKeys.getPublic());
    }

    @Test
    void aResumptionGetsAFreshConnectionIdThatFollowsANatRebinding() throws Exception {
        start(HelloServer.psk());
        try (BcTestClient first = new BcTestClient(server.address()); BcTestClient second = new BcTestClient(server.address())) {
            first.connect("dev1", "secret", true);
            first.send(BcTestClient.coapGet("hello", 1));
            assertThat(first.receive(2000)).isNotNull();
            await().atMost(Duration.ofSeconds(2)).until(() -> layer.sessions().size() == 1);
            String firstCid = layer.sessions().get(0).connectionId();
            second.session = first.session;
            second.connect("dev1", "secret", true);
            assertThat(second.resumed).isTrue();
            second.send(BcTestClient.coapGet("hello", 2));
            assertThat(new String(second.receive(2000), StandardCharsets.UTF_8)).endsWith("Hello World!");
            assertThat(layer.statistics().resumedInPlace()).isEqualTo(1);
            DtlsSession resumed = layer.session(new InetSocketAddress("127.0.0.1", second.localPort())).orElseThrow();
            assertThat(resumed.connectionId()).hasSize(12).isNotEqualTo(firstCid);
            second.rebind();
            // the first record from the new address is a hint (RFC 9146 §6); the retransmission confirms it
            second.send(BcTestClient.coapGet("hello", 3));
            second.send(BcTestClient.coapGet("hello", 3));
            assertThat(new String(second.receive(2000), StandardCharsets.UTF_8)).endsWith("Hello World!");
        }
    }

    @Test
    void lostFlightsAreSentAgainAndTheResumptionCompletes() throws Exception {
        start(HelloServer.psk());
        TlsSession kept = firstSession();
        byte[] sessionId = kept.getSessionID();
        // the first copy of every handshake message is lost both ways: the server's flight, the client's Finished
        try (HandshakeRelay relay = new HandshakeRelay(server.address(), new HandshakeRelay.Faults(true, false, false, false));
             BcTestClient second = new BcTestClient(new InetSocketAddress("127.0.0.1", relay.port()))) {
            second.session = kept;
            second.connect("dev1", "secret", false);
            assertThat(second.resumed).isTrue();
            assertThat(second.sessionId).isEqualTo(sessionId);
            second.send(BcTestClient.coapGet("hello", 2));
            assertThat(new String(second.receive(3000), StandardCharsets.UTF_8)).endsWith("Hello World!");
            assertThat(relay.lost.get()).isGreaterThanOrEqualTo(3);
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> layer.statistics().resumedInPlace() == 1);
    }

    @Test
    void aPeerOfferingASessionItDoesNotHoldGetsNoAmplificationAndSpoilsNothing() throws Exception {
        start(HelloServer.psk());
        TlsSession victim = firstSession();
        // the attacker saw the session ID on the wire (it is in clear in the ServerHello), not the master secret
        SessionParameters real = victim.exportSessionParameters();
        SessionParameters forged = new SessionParameters.Builder().setCipherSuite(real.getCipherSuite())
                .setExtendedMasterSecret(true).setNegotiatedVersion(real.getNegotiatedVersion())
                .setPSKIdentity(real.getPSKIdentity())
                .setMasterSecret(new BcTlsCrypto().createSecret(new byte[48])).build();
        try (BcTestClient attacker = new BcTestClient(server.address())) {
            attacker.session = TlsUtils.importSession(victim.getSessionID(), forged);
            connectInBackground(attacker, "unknown"); // it cannot read the server's Finished
            // it retransmits its ClientHello (1 s, 2 s, ...), the server answers within 3x what it received
            await().atMost(Duration.ofSeconds(10)).until(() -> attacker.sent.size() >= 3);
            int in = attacker.sent.stream().mapToInt(d -> d.length).sum();
            int out = attacker.received.stream().mapToInt(d -> d.length).sum();
            assertThat(attacker.received).isNotEmpty();
            assertThat(out).isLessThanOrEqualTo(3 * in);
        }
        assertThat(layer.statistics().handshakesCompleted()).isEqualTo(1);
        assertThat(layer.statistics().helloVerifyRequests()).isEqualTo(1); // the first client's; none since
        // the victim still resumes
        try (BcTestClient again = new BcTestClient(server.address())) {
            again.session = victim;
            again.connect("dev1", "secret", false);
            assertThat(again.resumed).isTrue();
        }
        await().atMost(Duration.ofSeconds(2)).until(() -> layer.statistics().resumedInPlace() == 1);
    }

    @Test
    void aSpoofedResumingHelloGetsAtMostThreeTimesItsSize() throws Exception {
        start(HelloServer.psk());
        TlsSession kept = firstSession();
        // one ClientHello from a "victim" address that never answers: only the first datagram leaves
        try (BcTestClient spoofed = new BcTestClient(server.address())) {
            spoofed.session = kept;
            spoofed.dropOutgoing = d -> spoofed.sent.size() > 1;
            connectInBackground(spoofed, "secret");
            await().atMost(Duration.ofSeconds(2)).until(() -> !spoofed.received.isEmpty());
            await().during(Duration.ofMillis(3500)).atMost(Duration.ofSeconds(5)).until(() -> true);
            int hello = spoofed.sent.get(0).length;
            int out = spoofed.received.stream().mapToInt(d -> d.length).sum();
            assertThat(out).isLessThanOrEqualTo(3 * hello);
            assertThat(spoofed.received.size()).isBetween(1, 2); // the flight, and one timer resend within the budget
        }
    }

    @Test
    void withTheCookieExchangeRequiredAResumptionStillRunsInPlace() {
        start(HelloServer.psk().resumeWithoutCookie(false));
        DtlsSession s = fullThenResumed(Dtls.client(DtlsConfig.client().psk("dev1", "secret").build()));
        assertThat(s.resumed()).isTrue();
        assertThat(layer.statistics().resumedInPlace()).isEqualTo(1);
        assertThat(layer.statistics().helloVerifyRequests()).isEqualTo(2);
    }

    @Test
    void aWithdrawnPskIdentityIsNotResumed() {
        Map<String, byte[]> keys = new ConcurrentHashMap<>(Map.of("dev1", "secret".getBytes(StandardCharsets.UTF_8)));
        start(DtlsConfig.server().pskStore(keys::get));
        DtlsLayer clientLayer = Dtls.client(DtlsConfig.client().psk("dev1", "secret").build());
        try (CoapClient c = CoapClient.builder().security(clientLayer).build()) {
            assertThat(c.get(server.uri()).payloadString()).isEqualTo("Hello World!");
        }
        keys.remove("dev1");
        try (CoapClient c = CoapClient.builder().security(clientLayer).build()) {
            assertThatThrownBy(() -> c.get(server.uri())).hasMessageContaining("DTLS handshake");
        }
        assertThat(layer.statistics().handshakesResumed()).isZero();
        assertThat(layer.statistics().handshakesCompleted()).isEqualTo(1);
    }
}
