package dev.tern.coap.oscore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.internal.codec.Message;
import org.junit.jupiter.api.Test;

/** RFC 8613 Appendix C.4-C.8: request and response protection, byte for byte, and back. */
class ProtectionVectorsTest {
    private static final String C4_PLAIN = "44015d1f00003974396c6f63616c686f737483747631";
    private static final String C4_PROTECTED =
            "44025d1f00003974396c6f63616c686f7374620914ff612f1092f1776f1c1668b3825e";
    private static final String C7_PLAIN = "64455d1f00003974ff48656c6c6f20576f726c6421";
    private static final String C7_PROTECTED = "64445d1f0000397490ffdbaad1e9a7e7b2a813d3c31524378303cdafae119106";
    private static final String C8_PROTECTED =
            "64445d1f00003974920100ff4d4c13669384b67354b2b6175ff4b8658c666a6cf88e";

    @Test
    void c4_request_with_master_salt() {
        SecurityContext client = Vectors.context("", "01", Vectors.SALT, null, 20);
        Message plain = Vectors.decode(C4_PLAIN);
        Oscore.ProtectedRequest p = Oscore.protectRequest(client, Vectors.parts(plain));
        assertThat(Vectors.encode(plain, p.message())).isEqualTo(C4_PROTECTED);
        assertThat(client.senderSequenceNumber()).isEqualTo(21);
    }

    @Test
    void c5_request_without_master_salt() {
        SecurityContext client = Vectors.context("00", "01", Bytes.EMPTY, null, 20);
        Message plain = Vectors.decode("440171c30000b932396c6f63616c686f737483747631");
        Oscore.ProtectedRequest p = Oscore.protectRequest(client, Vectors.parts(plain));
        assertThat(Vectors.encode(plain, p.message()))
                .isEqualTo("440271c30000b932396c6f63616c686f737463091400ff4ed339a5a379b0b8bc731fffb0");
    }

    @Test
    void c6_request_with_kid_context() {
        SecurityContext client = Vectors.context("", "01", Vectors.SALT, Vectors.ID_CONTEXT, 20);
        Message plain = Vectors.decode("44012f8eef9bbf7a396c6f63616c686f737483747631");
        Oscore.ProtectedRequest p = Oscore.protectRequest(client, Vectors.parts(plain));
        assertThat(Vectors.encode(plain, p.message())).isEqualTo("44022f8eef9bbf7a396c6f63616c686f73746b19140837cbf3"
                + "210017a2d3ff72cd7273fd331ac45cffbe55c3");
    }

    @Test
    void c6_server_verifies_the_kid_context_request() {
        SecurityContext server = Vectors.context("01", "", Vectors.SALT, Vectors.ID_CONTEXT, 0);
        Message wire = Vectors.decode("44022f8eef9bbf7a396c6f63616c686f73746b19140837cbf3"
                + "210017a2d3ff72cd7273fd331ac45cffbe55c3");
        Oscore.VerifiedRequest v = Oscore.unprotectRequest(OscoreContexts.of(server), Vectors.parts(wire));
        assertThat(Vectors.encode(wire, v.message())).isEqualTo("44012f8eef9bbf7a396c6f63616c686f737483747631");
    }

    @Test
    void c7_server_decrypts_the_request_and_protects_the_response() {
        SecurityContext server = Vectors.context("01", "", Vectors.SALT, null, 0);
        Message wire = Vectors.decode(C4_PROTECTED);
        Oscore.VerifiedRequest v = Oscore.unprotectRequest(OscoreContexts.of(server), Vectors.parts(wire));
        assertThat(Vectors.encode(wire, v.message())).isEqualTo(C4_PLAIN);

        Message response = Vectors.decode(C7_PLAIN);
        OscoreMessage protectedResponse = Oscore.protectResponse(v.binding(), Vectors.parts(response));
        assertThat(Vectors.encode(response, protectedResponse)).isEqualTo(C7_PROTECTED);
        assertThat(server.senderSequenceNumber()).isZero(); // no Partial IV: no sequence number used
    }

    @Test
    void c7_client_verifies_the_response() {
        SecurityContext client = Vectors.context("", "01", Vectors.SALT, null, 20);
        Oscore.ProtectedRequest p = Oscore.protectRequest(client, Vectors.parts(Vectors.decode(C4_PLAIN)));
        Message wire = Vectors.decode(C7_PROTECTED);
        OscoreMessage inner = Oscore.unprotectResponse(p.binding(), Vectors.parts(wire));
        assertThat(Vectors.encode(wire, inner)).isEqualTo(C7_PLAIN);
    }

    @Test
    void c8_server_protects_the_response_with_its_own_partial_iv() {
        SecurityContext server = Vectors.context("01", "", Vectors.SALT, null, 0);
        Oscore.VerifiedRequest v = Oscore.unprotectRequest(OscoreContexts.of(server),
                Vectors.parts(Vectors.decode(C4_PROTECTED)));
        Message response = Vectors.decode(C7_PLAIN);
        OscoreMessage protectedResponse = Oscore.protectResponse(v.binding(), Vectors.parts(response), true);
        assertThat(Vectors.encode(response, protectedResponse)).isEqualTo(C8_PROTECTED);
        assertThat(server.senderSequenceNumber()).isEqualTo(1);
    }

    @Test
    void c8_client_verifies_the_response_with_partial_iv_once() {
        SecurityContext client = Vectors.context("", "01", Vectors.SALT, null, 20);
        Oscore.ProtectedRequest p = Oscore.protectRequest(client, Vectors.parts(Vectors.decode(C4_PLAIN)));
        Message wire = Vectors.decode(C8_PROTECTED);
        OscoreMessage inner = Oscore.unprotectResponse(p.binding(), Vectors.parts(wire));
        assertThat(Vectors.encode(wire, inner)).isEqualTo(C7_PLAIN);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Oscore.unprotectResponse(p.binding(),
                Vectors.parts(wire))).isInstanceOf(OscoreException.class).hasMessage(OscoreException.REPLAY_DETECTED);
    }
}
