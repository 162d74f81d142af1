package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A hostile client against the in-place full PSK handshake ({@code QuickPsk}), byte by byte
 * ({@link RawDtls}): a malformed or fragmented ClientKeyExchange, an unknown identity, a Finished
 * under other keys, and a ClientHello retransmitted without end. Each ends in the RFC's alert (a
 * plaintext epoch-0 record: the server has not changed its cipher yet) or a bounded answer, and
 * leaves no session behind (FAULTS.md S22-S26).
 */
class QuickPskFaultTest {
    private static final int CLIENT_KEY_EXCHANGE = 16;
    private HelloServer server;
    private DtlsLayer layer;
    private RawDtls peer;

    @BeforeEach
    void start() throws IOException {
        server = new HelloServer(HelloServer.psk().build());
        layer = server.layer;
        peer = new RawDtls(server.address());
    }

    @AfterEach
    void stop() {
        peer.close();
        server.close();
    }

    /** The cookie exchange and the server's first flight for a hello the in-place handshake takes. */
    private byte[] serverHelloFlight(byte[] random) throws IOException {
        peer.send(peer.resumptionHello(random, new byte[0], new byte[0])); // no session ID: a full handshake, with EMS
        byte[] cookie = RawDtls.cookieOf(peer.receive(2000));
        assertThat(cookie).isNotNull();
        peer.send(peer.resumptionHello(random, new byte[0], cookie));
        byte[] flight = peer.receive(2000);
        assertThat(RawDtls.firstHandshakeType(flight)).isEqualTo(RawDtls.SERVER_HELLO);
        return flight;
    }

    /** A ClientKeyExchange record (message_seq 2) of {@code length} bytes carrying {@code fragment}. */
    private byte[] clientKeyExchange(int length, byte[] fragment) {
        return peer.record(RawDtls.HANDSHAKE, 0, RawDtls.handshake(CLIENT_KEY_EXCHANGE, length, 2, 0, fragment));
    }

    private static byte[] identity(String name, int declared) {
        byte[] id = name.getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[2 + id.length];
        body[0] = (byte) (declared >> 8);
        body[1] = (byte) declared;
        System.arraycopy(id, 0, body, 2, id.length);
        return body;
    }

    /** The server's next datagram is one plaintext fatal alert of {@code description}, and the handshake failed. */
    private void expectAlert(int description) throws IOException {
        byte[] alert = peer.receive(2000);
        assertThat(alert).isNotNull();
        assertThat(alert[0]).as("an alert record").isEqualTo((byte) RawDtls.ALERT);
        assertThat(alert[3] << 8 | alert[4]).as("epoch 0").isZero();
        assertThat(Arrays.copyOfRange(alert, 13, alert.length)).containsExactly(2, description);
        await().atMost(Duration.ofSeconds(2)).until(() -> layer.statistics().handshakesFailed() == 1);
        assertThat(layer.statistics().handshakesCompleted()).isZero();
        assertThat(layer.sessions()).isEmpty();
    }

    /** An identity whose declared length overruns the message: decode_error (50); one the store does not know: unknown_psk_identity (115). */
    @ParameterizedTest
    @CsvSource({"dev1, 9, 50", "mallory, 7, 115"})
    void aClientKeyExchangeWithABadIdentityEndsWithItsAlert(String name, int declared, int alert) throws IOException {
        serverHelloFlight(RawDtls.random());
        byte[] cke = identity(name, declared);
        peer.send(clientKeyExchange(cke.length, cke));
        expectAlert(alert);
    }

    @Test
    void aFragmentedClientKeyExchangeEndsWithDecodeError() throws IOException {
        serverHelloFlight(RawDtls.random());
        byte[] cke = identity("dev1", 4);
        peer.send(clientKeyExchange(cke.length, Arrays.copyOf(cke, 3)));
        expectAlert(50);
    }

    @Test
    void aFinishedUnderOtherKeysEndsWithDecryptError() throws IOException {
        serverHelloFlight(RawDtls.random());
        byte[] cke = identity("dev1", 4);
        byte[] garbage = new byte[8 + 24 + 8]; // explicit nonce, a Finished, a CCM_8 tag: none of it under the real keys
        new java.util.Random(7).nextBytes(garbage);
        byte[] flight = concat(clientKeyExchange(cke.length, cke),
                peer.record(RawDtls.CHANGE_CIPHER_SPEC, 0, new byte[] {1}), peer.record(RawDtls.HANDSHAKE, 1, garbage));
        peer.send(flight);
        expectAlert(51); // decrypt_error
    }

    @Test
    void aClientHelloRepeatedWithoutEndGetsTheFlightAtMostSixTimes() throws IOException {
        byte[] random = RawDtls.random();
        peer.send(peer.resumptionHello(random, new byte[0], new byte[0]));
        byte[] cookie = RawDtls.cookieOf(peer.receive(2000));
        int flights = 0;
        // the cookie-bearing hello again and again: each after the first says our flight was lost (RFC 6347 §4.2.4)
        for (int i = 0; i < 20; i++) {
            peer.send(peer.resumptionHello(random, new byte[0], cookie));
            byte[] d = peer.receive(300);
            if (d != null && RawDtls.firstHandshakeType(d) == RawDtls.SERVER_HELLO) {
                flights++;
            }
        }
        while (true) {
            byte[] d = peer.receive(500);
            if (d == null) {
                break;
            }
            if (RawDtls.firstHandshakeType(d) == RawDtls.SERVER_HELLO) {
                flights++;
            }
        }
        assertThat(flights).isEqualTo(6);
        assertThat(layer.sessions()).isEmpty();
    }

    @Test
    void theServersFinishedNeverLeavesBeforeTheClientsHasVerified() throws IOException {
        byte[] random = RawDtls.random();
        peer.send(peer.resumptionHello(random, new byte[0], new byte[0]));
        byte[] cookie = RawDtls.cookieOf(peer.receive(2000));
        peer.send(peer.resumptionHello(random, new byte[0], cookie));
        assertThat(RawDtls.firstHandshakeType(peer.receive(2000))).isEqualTo(RawDtls.SERVER_HELLO);
        byte[] cke = identity("dev1", 4);
        peer.send(clientKeyExchange(cke.length, cke)); // the server knows the keys now; no Finished follows
        peer.send(peer.resumptionHello(random, new byte[0], cookie)); // a stale or replayed hello
        // neither the first flight again nor a ChangeCipherSpec and Finished ahead of the client's Finished
        assertThat(peer.receive(1500)).isNull();
        assertThat(layer.sessions()).isEmpty();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
