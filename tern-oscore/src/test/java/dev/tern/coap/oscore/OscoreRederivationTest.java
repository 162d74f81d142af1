package dev.tern.coap.oscore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Options;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Context re-derivation (RFC 8613 Appendix B.2): a client without stored sequence numbers gets
 * fresh keys at every start instead of reusing nonces; Request #1 is never processed; the
 * re-derivations a server holds open are bounded.
 */
class OscoreRederivationTest {
    private static SecurityContext.Builder base(String sid, String rid) {
        return SecurityContext.builder().masterSecret(Vectors.SECRET).masterSalt(Vectors.SALT)
                .senderId(Bytes.fromHex(sid)).recipientId(Bytes.fromHex(rid)).rederivable(true);
    }

    @Test
    void clientsRestartedWithoutStoredNumbersGetFreshKeysAndNeverReuseANonce() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        Router router = Router.builder().get("/hello", r -> {
            handled.incrementAndGet();
            return Response.content("hello " + r.peerIdentity().map(p -> p.name()).orElse("?"));
        }).build();
        OscoreContexts contexts = OscoreContexts.of(base("01", "").build());
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .objectSecurity(OscoreLayer.server(contexts)).build().start();
             RecordingRelay relay = new RecordingRelay(server.port())) {
            String uri = "coap://127.0.0.1:" + relay.port() + "/hello";
            for (int start = 0; start < 3; start++) { // three "process starts", sequence numbers from 0 each time
                try (CoapClient client = CoapClient.builder()
                        .objectSecurity(OscoreLayer.client(base("", "01").build())).build()) {
                    Response first = client.get(uri);
                    assertThat(first.code()).isEqualTo(Code.CONTENT);
                    assertThat(first.payloadString()).matches("hello [0-9a-f]{32}:"); // ID Context R1 || R2, kid ""
                    assertThat(client.get(uri).code()).isEqualTo(Code.CONTENT);
                }
            }
            assertThat(handled).hasValue(6); // the three Request #1s were not processed
            assertThat(contexts.rederivations()).isZero();
            assertThat(contexts.size()).isEqualTo(2); // the configured one and the latest derived one
            Set<String> nonces = new HashSet<>(); // a nonce is (key, Partial IV): the key follows the kid context
            String lastKidContext = "";
            for (byte[] d : relay.datagrams) {
                Message m = (Message) MessageDecoder.decode(d, 0, d.length);
                var o = m.options().all(dev.tern.coap.OptionNumber.OSCORE);
                if (o.isEmpty() || o.get(0).value().isEmpty() || !m.code().isRequest()) {
                    continue;
                }
                byte[] v = o.get(0).value().toArray();
                int n = v[0] & 7;
                String piv = Bytes.of(v, 1, n).hex();
                if ((v[0] & 0x10) != 0) {
                    lastKidContext = Bytes.of(v, 2 + n, v[1 + n] & 0xFF).hex();
                }
                assertThat(nonces.add(lastKidContext + "/" + piv)).as("nonce reused").isTrue();
            }
        }
    }

    @Test
    void openRederivationsAreBoundedAndWrongKeysOpenNone() {
        OscoreContexts contexts = OscoreContexts.of(base("01", "").build()).maxRederivations(4);
        SecurityContext client = base("", "01").build();
        OscoreMessage get = new OscoreMessage(Code.GET, Options.builder().uriPath("/hello").build(), Bytes.EMPTY);
        for (int i = 0; i < 100; i++) {
            SecurityContext ctx1 = client.withIdContext(Bytes.fromHex(String.format("%04x010203040506", i)));
            Oscore.VerifiedRequest v = Oscore.unprotectRequest(contexts, Oscore.protectRequest(ctx1, get).message());
            assertThat(v.rederivation().length()).isEqualTo(8);
            assertThat(v.fresh()).isFalse();
            assertThat(contexts.rederivations()).isLessThanOrEqualTo(4);
        }
        SecurityContext wrong = SecurityContext.builder().masterSecret(Bytes.fromHex("ff".repeat(16)))
                .senderId(Bytes.EMPTY).recipientId(Bytes.fromHex("01")).rederivable(true).build();
        for (int i = 0; i < 100; i++) {
            OscoreMessage forged = Oscore.protectRequest(wrong.withIdContext(Bytes.fromHex(String.format("%02x090909", i))), get)
                    .message();
            assertThatThrownBy(() -> Oscore.unprotectRequest(contexts, forged)).isInstanceOf(OscoreException.class)
                    .hasMessageContaining("Decryption failed");
        }
        assertThat(contexts.rederivations()).isEqualTo(4);
        assertThat(contexts.size()).isEqualTo(1);
    }
}
