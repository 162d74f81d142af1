package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapSecurityException;
import dev.tern.coap.CoapServer;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rows D1-D15 of the faults table (shared/spec/faults.md, "DTLS (RFC 6347)"), each against a
 * running Tern DTLS server on loopback, from hand-written records ({@link RawDtls}), a client on
 * BouncyCastle with its own socket ({@link BcTestClient}), Tern clients and a relay that mistreats
 * handshake datagrams ({@link HandshakeRelay}).
 */
class DtlsFaultTableTest {
    private static final byte[] SECRET = "secret".getBytes(StandardCharsets.UTF_8);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private CoapServer server;
    private DtlsLayer layer;

    private void start(DtlsConfig.ServerBuilder config) {
        layer = Dtls.server(config.build());
        server = CoapServer.builder().port(0).bind("127.0.0.1").security(layer)
                .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build())
                .build().start();
    }

    private void startPsk() {
        start(DtlsConfig.server().pskStore("dev1", SECRET).maxHandshakes(10).maxHandshakeFragments(40)
                .staleHandshake(Duration.ofMillis(500)).handshakeTimeout(Duration.ofSeconds(10)));
    }

    private InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.port());
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(c);
        return c;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private RawDtls raw() throws Exception {
        return closeLater(new RawDtls(address()));
    }

    /** A Tern PSK client's GET /hello on {@code port} (the server's, or a relay's). */
    private String ternGet(String key, int port) {
        return ternGet(DtlsConfig.client().psk("dev1", key), port);
    }

    private String ternGet(DtlsConfig.ClientBuilder dtls, int port) {
        try (CoapClient c = CoapClient.builder().security(Dtls.client(dtls.build()))
                .config(EndpointConfig.builder().requestTimeout(Duration.ofSeconds(20)).build()).build()) {
            return c.get("coaps://127.0.0.1:" + port + "/hello").payloadString();
        }
    }

    /** A BouncyCastle client on its own socket with a session, after one GET /hello answered. */
    private BcTestClient servedClient() throws Exception {
        BcTestClient client = closeLater(new BcTestClient(address()));
        client.connect("dev1", "secret", false);
        client.send(BcTestClient.coapGet("hello", 1));
        assertThat(hello(client.receive(2000))).endsWith("Hello World!");
        return client;
    }

    private void assertNoState() {
        assertThat(layer.handshakesInProgress()).isZero();
        assertThat(layer.sessions()).isEmpty();
    }

    private static String hello(byte[] coapResponse) {
        assertThat(coapResponse).isNotNull();
        return new String(coapResponse, StandardCharsets.UTF_8);
    }

    @Test
    void d1ClientHelloWithoutCookieGetsAStatelessHelloVerifyRequest() throws Exception {
        startPsk();
        RawDtls peer = raw();
        peer.send(peer.clientHello(RawDtls.random(), new byte[0], new byte[0]));
        byte[] answer = peer.receive(2000);
        assertThat(RawDtls.firstHandshakeType(answer)).isEqualTo(RawDtls.HELLO_VERIFY_REQUEST);
        assertThat(RawDtls.cookieOf(answer)).hasSize(32);
        assertNoState();
        assertThat(layer.statistics().helloVerifyRequests()).isEqualTo(1);
    }

    @Test
    void d2WrongCookieGetsANewHelloVerifyRequestAndNoState() throws Exception {
        startPsk();
        RawDtls peer = raw();
        byte[] random = RawDtls.random();
        byte[] forged = new byte[32];
        Arrays.fill(forged, (byte) 7);
        peer.send(peer.clientHello(random, new byte[0], forged));
        byte[] answer = peer.receive(2000);
        assertThat(RawDtls.firstHandshakeType(answer)).isEqualTo(RawDtls.HELLO_VERIFY_REQUEST);
        assertThat(RawDtls.cookieOf(answer)).isNotEqualTo(forged);
        assertNoState();
    }

    @Test
    void d3ResumptionAttemptsGetTheCookieExchangeAndMismatchedOnesAFullHandshake() throws Exception {
        startPsk();
        byte[] sessionId;
        try (BcTestClient first = new BcTestClient(address())) {
            first.connect("dev1", "secret", false);
            sessionId = first.sessionId;
        }
        assertThat(sessionId).hasSize(32);
        await().atMost(Duration.ofSeconds(2)).until(() -> layer.handshakesInProgress() == 0); // the server's side done
        RawDtls peer = raw();
        byte[] random = RawDtls.random();
        // offering only a suite the session did not use, so it cannot be resumed (RFC 5246 §7.4.1.2)
        int[] suites = {org.bouncycastle.tls.CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256};
        byte[] first = RawDtls.clientHelloBody(random, sessionId, new byte[0], suites, false);
        peer.send(peer.record(RawDtls.HANDSHAKE, 0, RawDtls.handshake(RawDtls.CLIENT_HELLO, first.length, 0, 0, first)));
        byte[] answer = peer.receive(2000);
        assertThat(RawDtls.firstHandshakeType(answer)).as("no resumption before the cookie")
                .isEqualTo(RawDtls.HELLO_VERIFY_REQUEST);
        assertThat(layer.handshakesInProgress()).isZero();
        byte[] body = RawDtls.clientHelloBody(random, sessionId, RawDtls.cookieOf(answer), suites, false);
        peer.send(peer.record(RawDtls.HANDSHAKE, 0, RawDtls.handshake(RawDtls.CLIENT_HELLO, body.length, 1, 0, body)));
        byte[] serverHello = peer.receive(2000);
        assertThat(RawDtls.firstHandshakeType(serverHello)).isEqualTo(RawDtls.SERVER_HELLO);
        int idLength = serverHello[13 + 12 + 2 + 32] & 0xFF;
        byte[] echoed = Arrays.copyOfRange(serverHello, 13 + 12 + 2 + 32 + 1, 13 + 12 + 2 + 32 + 1 + idLength);
        assertThat(echoed).as("a new session, not the old one").isNotEqualTo(sessionId);
    }

    @Test
    void d4HandshakeFragmentDeclaringSixteenMebibytesIsDropped() throws Exception {
        startPsk();
        RawDtls peer = raw();
        byte[] fragment = new byte[40];
        peer.send(peer.record(RawDtls.HANDSHAKE, 0, RawDtls.handshake(RawDtls.CLIENT_HELLO, 16 << 20, 0, 0, fragment)));
        assertThat(peer.receive(300)).isNull();
        assertThat(layer.statistics().datagramsDropped()).isEqualTo(1);
        assertNoState();
        // also inside a handshake in progress
        assertThat(RawDtls.firstHandshakeType(peer.helloWithCookie(RawDtls.random(), new byte[0])))
                .isEqualTo(RawDtls.SERVER_HELLO);
        assertThat(layer.handshakesInProgress()).isEqualTo(1);
        peer.send(peer.record(RawDtls.HANDSHAKE, 0, RawDtls.handshake(16, 16 << 20, 1, 0, fragment)));
        await().atMost(Duration.ofSeconds(2)).until(() -> layer.statistics().datagramsDropped() == 2);
        assertThat(ternGet("secret", server.port())).isEqualTo("Hello World!");
    }

    @Test
    void d5ManyTinyFragmentsAtAlternatingOffsetsAbortTheHandshake() throws Exception {
        startPsk();
        RawDtls peer = raw();
        assertThat(RawDtls.firstHandshakeType(peer.helloWithCookie(RawDtls.random(), new byte[0])))
                .isEqualTo(RawDtls.SERVER_HELLO);
        assertThat(layer.handshakesInProgress()).isEqualTo(1);
        long start = System.nanoTime();
        for (int d = 0; d < 20; d++) {
            java.io.ByteArrayOutputStream datagram = new java.io.ByteArrayOutputStream();
            for (int f = 0; f < 10; f++) {
                int offset = (f % 2 == 0) ? f : 1000 + f;
                datagram.writeBytes(peer.record(RawDtls.HANDSHAKE, 0,
                        RawDtls.handshake(16, 2000, 1, offset, new byte[] {(byte) f})));
            }
            peer.send(datagram.toByteArray());
        }
        await().atMost(Duration.ofSeconds(3)).until(() -> layer.handshakesInProgress() == 0);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(ternGet("secret", server.port())).isEqualTo("Hello World!");
    }

    @Test
    void d6OddCipherSuiteListLengthIsDroppedWithoutALoop() throws Exception {
        startPsk();
        RawDtls peer = raw();
        byte[] body = RawDtls.clientHelloBody(RawDtls.random(), new byte[0], new byte[0],
                new int[] {RawDtls.TLS_PSK_WITH_AES_128_CCM_8}, true);
        peer.send(peer.record(RawDtls.HANDSHAKE, 0, RawDtls.handshake(RawDtls.CLIENT_HELLO, body.length, 0, 0, body)));
        assertThat(peer.receive(300)).isNull();
        assertNoState();
        assertThat(ternGet("secret", server.port())).isEqualTo("Hello World!");
    }

    @Test
    void d7FarFutureEpochIsDropped() throws Exception {
        startPsk();
        try (BcTestClient client = new BcTestClient(address())) {
            client.connect("dev1", "secret", false);
            RawDtls forge = raw();
            byte[] record = forge.record(RawDtls.APPLICATION_DATA, 7, new byte[40]);
            client.sendRaw(record);
            await().atMost(Duration.ofSeconds(2)).until(() -> layer.statistics().datagramsDropped() == 1);
            client.send(BcTestClient.coapGet("hello", 1));
            assertThat(hello(client.receive(2000))).endsWith("Hello World!");
            assertThat(layer.sessions()).hasSize(1);
        }
    }

    @Test
    void d8BadMacIsDiscardedSilently() throws Exception {
        startPsk();
        BcTestClient client = servedClient();
        long delivered = layer.statistics().recordsDelivered();
        byte[] tampered = client.sent.get(client.sent.size() - 1).clone();
        tampered[tampered.length - 1] ^= 0x55;
        tampered[0] = RawDtls.APPLICATION_DATA;
        // a fresh sequence number, so that only the MAC can reject it
        tampered[10] = (byte) 0x7F;
        client.sendRaw(tampered);
        assertThat(client.receive(300)).isNull();
        assertThat(layer.statistics().recordsDelivered()).isEqualTo(delivered);
        client.send(BcTestClient.coapGet("hello", 2));
        assertThat(hello(client.receive(2000))).endsWith("Hello World!");
        assertThat(layer.sessions()).hasSize(1);
    }

    @Test
    void d9ReplayedRecordIsDropped() throws Exception {
        startPsk();
        BcTestClient client = servedClient();
        long delivered = layer.statistics().recordsDelivered();
        client.sendRaw(client.sent.get(client.sent.size() - 1));
        assertThat(client.receive(300)).isNull();
        assertThat(layer.statistics().recordsDelivered()).isEqualTo(delivered);
    }

    @Test
    void d10ServerKeyExchangeWithInvalidSignatureAbortsTheClient() {
        TestPki.Leaf certified = TestPki.selfSigned("server", "127.0.0.1");
        // a server that signs with another key than its certificate's
        start(DtlsConfig.server().certificate(TestPki.ecKeyPair().getPrivate(), certified.chain()));
        try (CoapClient c = CoapClient.builder().security(Dtls.client(DtlsConfig.client()
                .trustedCertificates(certified.chain()).build())).build()) {
            assertThatThrownBy(() -> c.get("coaps://127.0.0.1:" + server.port() + "/hello"))
                    .isInstanceOf(CoapSecurityException.class);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(this::assertNoState);
    }

    @Test
    void d11TenThousandFailingHandshakesThenAValidOneSucceeds() throws Exception {
        startPsk();
        RawDtls peer = raw();
        byte[] badCookie = new byte[32];
        for (int i = 0; i < 9_950; i++) {
            peer.send(peer.clientHello(RawDtls.random(), new byte[0], badCookie));
        }
        for (int i = 0; i < 50; i++) {
            assertThatThrownBy(() -> ternGet("wrong", server.port())).isInstanceOf(CoapSecurityException.class);
        }
        long start = System.nanoTime();
        assertThat(ternGet("secret", server.port())).isEqualTo("Hello World!");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(layer.statistics().handshakesFailed()).isGreaterThanOrEqualTo(50);
    }

    @Test
    void d12HandshakeFloodFromManyPortsIsCappedAndStaleOnesAreReplaced() throws Exception {
        startPsk();
        int maxSeen = 0;
        for (int i = 0; i < 40; i++) {
            RawDtls peer = raw();
            peer.send(peer.clientHello(RawDtls.random(), new byte[0], new byte[0]));
            byte[] cookie = RawDtls.cookieOf(peer.receive(2000));
            peer.send(peer.clientHello(RawDtls.random(), new byte[0], cookie)); // then silence
            maxSeen = Math.max(maxSeen, layer.handshakesInProgress());
        }
        assertThat(maxSeen).isLessThanOrEqualTo(10);
        assertThat(layer.handshakesInProgress()).isLessThanOrEqualTo(10);
        Thread.sleep(600); // beyond staleHandshake: the silent ones may be replaced
        assertThat(ternGet("secret", server.port())).isEqualTo("Hello World!");
    }

    /**
     * Every flight's first copy is lost, both ways. With the RFC's 1 s first wait that costs 8 s of
     * timers (1+2 s for the ClientHello and the stateless HelloVerifyRequest, 1 s each for the
     * ClientHello with the cookie, the server's and the client's key exchange flights, 2 s for the
     * server's last flight, resent when the client's comes again); on loopback both sides start at
     * 100 ms instead, 0.8 s in all.
     */
    @Test
    void d13LostFlightsAreRetransmitted() throws Exception {
        Duration retransmission = Duration.ofMillis(100);
        start(DtlsConfig.server().pskStore("dev1", SECRET).handshakeRetransmission(retransmission));
        try (HandshakeRelay relay = new HandshakeRelay(address(), new HandshakeRelay.Faults(true, false, false, false))) {
            assertThat(ternGet(DtlsConfig.client().psk("dev1", "secret").handshakeRetransmission(retransmission),
                    relay.port())).isEqualTo("Hello World!");
            assertThat(relay.lost.get()).as("at least one record of each of the six flights").isGreaterThanOrEqualTo(6);
        }
    }

    @Test
    void d14DuplicatedReorderedAndMissingChangeCipherSpec() throws Exception {
        startPsk();
        try (HandshakeRelay relay = new HandshakeRelay(address(), new HandshakeRelay.Faults(false, true, true, true))) {
            assertThat(ternGet("secret", relay.port())).isEqualTo("Hello World!");
            assertThat(relay.duplicated.get()).isPositive();
            assertThat(relay.swapped.get()).isPositive();
            assertThat(relay.lost.get()).isEqualTo(2); // the first ChangeCipherSpec each way
        }
    }

    @Test
    void d15WrongIdentityWrongKeyAndUntrustedKeyFailCleanly() throws Exception {
        startPsk();
        assertThatThrownBy(() -> ternGet("wrong", server.port())).isInstanceOf(CoapSecurityException.class)
                .hasMessageContaining("wrong pre-shared key");
        try (CoapClient c = CoapClient.builder().security(Dtls.client(DtlsConfig.client().psk("nobody", "secret")
                .build())).build()) {
            assertThatThrownBy(() -> c.get("coaps://127.0.0.1:" + server.port() + "/hello"))
                    .isInstanceOf(CoapSecurityException.class);
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(this::assertNoState);
        server.close();
        // a raw public key the server does not trust
        start(DtlsConfig.server().rawPublicKey(TestPki.ecKeyPair())
                .trustedKeys(List.of(TestPki.ecKeyPair().getPublic())));
        try (CoapClient c = CoapClient.builder().security(Dtls.client(DtlsConfig.client()
                .rawPublicKey(TestPki.ecKeyPair()).trustAll(true).build())).build()) {
            assertThatThrownBy(() -> c.get("coaps://127.0.0.1:" + server.port() + "/hello"))
                    .isInstanceOf(CoapSecurityException.class).hasMessageContaining("does not trust");
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(this::assertNoState);
    }
}
