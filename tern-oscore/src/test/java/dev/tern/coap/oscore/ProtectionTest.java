package dev.tern.coap.oscore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import org.junit.jupiter.api.Test;

/** Protection in both roles (RFC 8613 §4, §8): option classes, outer codes, errors and replays. */
class ProtectionTest {
    static SecurityContext client(AeadAlgorithm alg) {
        return SecurityContext.builder().masterSecret(Vectors.SECRET).masterSalt(Vectors.SALT).algorithm(alg)
                .senderId(Bytes.fromHex("01")).recipientId(Bytes.fromHex("02")).build();
    }

    static SecurityContext server(AeadAlgorithm alg) {
        return SecurityContext.builder().masterSecret(Vectors.SECRET).masterSalt(Vectors.SALT).algorithm(alg)
                .senderId(Bytes.fromHex("02")).recipientId(Bytes.fromHex("01")).echoAfterStart(false).build();
    }

    static OscoreMessage get(String path) {
        return new OscoreMessage(Code.GET, Options.builder().add(Option.ofString(OptionNumber.URI_HOST, "example"))
                .uriPath(path).add(Option.ofUint(OptionNumber.ACCEPT, 50)).build(), Bytes.EMPTY);
    }

    @Test
    void everyAlgorithmRoundTripsAndOnlyClassUOptionsStayOuter() {
        for (AeadAlgorithm alg : AeadAlgorithm.values()) {
            SecurityContext c = client(alg);
            OscoreContexts registry = OscoreContexts.of(server(alg));
            OscoreMessage request = new OscoreMessage(Code.PUT, Options.builder()
                    .add(Option.ofString(OptionNumber.URI_HOST, "example")).uriPath("secret/path")
                    .contentFormat(0).etag(Bytes.fromHex("abcd")).build(), Bytes.utf8("confidential"));
            Oscore.ProtectedRequest p = Oscore.protectRequest(c, request);
            OscoreMessage outer = p.message();
            assertThat(outer.code()).isEqualTo(Code.POST);
            assertThat(outer.options().all()).extracting(Option::number)
                    .containsExactly(OptionNumber.URI_HOST, OptionNumber.OSCORE);
            assertThat(outer.payload().utf8()).doesNotContain("confidential").doesNotContain("secret");

            Oscore.VerifiedRequest v = Oscore.unprotectRequest(registry, outer);
            assertThat(v.message()).as(alg.name()).isEqualTo(request);

            OscoreMessage response = new OscoreMessage(Code.CREATED,
                    Options.builder().add(Option.ofString(OptionNumber.LOCATION_PATH, "x")).build(), Bytes.utf8("ok"));
            OscoreMessage wireResponse = Oscore.protectResponse(v.binding(), response);
            assertThat(wireResponse.code()).isEqualTo(Code.CHANGED);
            assertThat(wireResponse.options().all()).extracting(Option::number).containsExactly(OptionNumber.OSCORE);
            assertThat(Oscore.unprotectResponse(p.binding(), wireResponse)).as(alg.name()).isEqualTo(response);
        }
    }

    @Test
    void observeUsesFetchAndNotificationsCarryTheirOwnPartialIvInOrder() {
        SecurityContext c = client(AeadAlgorithm.AES_CCM_16_64_128);
        SecurityContext s = server(AeadAlgorithm.AES_CCM_16_64_128);
        OscoreMessage register = new OscoreMessage(Code.GET, Options.builder().uriPath("temp")
                .add(Option.ofUint(OptionNumber.OBSERVE, 0)).build(), Bytes.EMPTY);
        Oscore.ProtectedRequest p = Oscore.protectRequest(c, register);
        assertThat(p.message().code()).isEqualTo(Code.FETCH);
        assertThat(p.message().options().observe()).hasValue(0);
        Oscore.VerifiedRequest v = Oscore.unprotectRequest(OscoreContexts.of(s), p.message());
        assertThat(v.message().options().observe()).hasValue(0);

        OscoreMessage[] wire = new OscoreMessage[3];
        for (int i = 0; i < 3; i++) {
            OscoreMessage n = new OscoreMessage(Code.CONTENT, Options.builder()
                    .add(Option.ofUint(OptionNumber.OBSERVE, 10 + i)).contentFormat(0).build(), Bytes.utf8("t" + i));
            wire[i] = Oscore.protectResponse(v.binding(), n);
            assertThat(wire[i].code()).isEqualTo(Code.CONTENT);
            assertThat(wire[i].options().observe()).hasValue(10 + i);
        }
        assertThat(s.senderSequenceNumber()).isEqualTo(3);
        OscoreMessage second = Oscore.unprotectResponse(p.binding(), wire[1]);
        assertThat(second.options().observe()).hasValue(11);
        assertThat(second.payload().utf8()).isEqualTo("t1");
        assertThatThrownBy(() -> Oscore.unprotectResponse(p.binding(), wire[0])) // older than the newest seen
                .isInstanceOf(OscoreException.class).hasMessage(OscoreException.REPLAY_DETECTED);
        assertThat(Oscore.unprotectResponse(p.binding(), wire[2]).payload().utf8()).isEqualTo("t2");
    }

    @Test
    void unknownKidIsAnsweredSecurityContextNotFound() {
        OscoreMessage outer = Oscore.protectRequest(client(AeadAlgorithm.AES_CCM_16_64_128), get("a")).message();
        OscoreContexts other = OscoreContexts.of(SecurityContext.builder().masterSecret(Vectors.SECRET)
                .senderId(Bytes.fromHex("07")).recipientId(Bytes.fromHex("08")).build());
        assertThatThrownBy(() -> Oscore.unprotectRequest(other, outer)).isInstanceOfSatisfying(OscoreException.class,
                e -> {
                    assertThat(e.responseCode()).isEqualTo(Code.UNAUTHORIZED);
                    assertThat(e.diagnostic()).isEqualTo("Security context not found");
                });
    }

    @Test
    void tamperedCiphertextIsAnsweredDecryptionFailedAndDoesNotMoveTheWindow() {
        SecurityContext s = server(AeadAlgorithm.AES_CCM_16_64_128);
        OscoreContexts registry = OscoreContexts.of(s);
        SecurityContext c = client(AeadAlgorithm.AES_CCM_16_64_128);
        OscoreMessage good = Oscore.protectRequest(c, get("a")).message();
        byte[] ct = good.payload().toArray();
        ct[ct.length - 1] ^= 1;
        OscoreMessage bad = new OscoreMessage(good.code(), good.options(), Bytes.wrap(ct));
        assertThatThrownBy(() -> Oscore.unprotectRequest(registry, bad)).isInstanceOfSatisfying(OscoreException.class,
                e -> {
                    assertThat(e.responseCode()).isEqualTo(Code.BAD_REQUEST);
                    assertThat(e.diagnostic()).isEqualTo("Decryption failed");
                });
        assertThat(Oscore.unprotectRequest(registry, good).message().options().uriPath()).containsExactly("a");
    }

    @Test
    void malformedOscoreOptionIsAnsweredBadOption() {
        OscoreContexts registry = OscoreContexts.of(server(AeadAlgorithm.AES_CCM_16_64_128));
        for (String value : new String[] {"e0", "07", "0201", "", "0114"}) {
            OscoreMessage m = new OscoreMessage(Code.POST,
                    Options.of(new Option(OptionNumber.OSCORE, Bytes.fromHex(value))), Bytes.fromHex("0011223344556677"));
            assertThatThrownBy(() -> Oscore.unprotectRequest(registry, m)).as(value)
                    .isInstanceOfSatisfying(OscoreException.class,
                            e -> assertThat(e.responseCode()).isEqualTo(Code.BAD_OPTION));
        }
    }

    /** The attack: an eavesdropper re-sends a captured request; the server must not process it twice. */
    @Test
    void replayedRequestIsRejected() {
        OscoreContexts registry = OscoreContexts.of(server(AeadAlgorithm.AES_CCM_16_64_128));
        SecurityContext c = client(AeadAlgorithm.AES_CCM_16_64_128);
        OscoreMessage captured = Oscore.protectRequest(c, get("door/open")).message();
        Oscore.unprotectRequest(registry, captured);
        for (int i = 0; i < 40; i++) {
            Oscore.unprotectRequest(registry, Oscore.protectRequest(c, get("x")).message());
        }
        for (OscoreMessage replay : new OscoreMessage[] {captured}) {
            assertThatThrownBy(() -> Oscore.unprotectRequest(registry, replay))
                    .isInstanceOfSatisfying(OscoreException.class, e -> {
                        assertThat(e.responseCode()).isEqualTo(Code.UNAUTHORIZED);
                        assertThat(e.diagnostic()).isEqualTo("Replay detected");
                    });
        }
        OscoreMessage recent = Oscore.protectRequest(c, get("y")).message();
        Oscore.unprotectRequest(registry, recent);
        assertThatThrownBy(() -> Oscore.unprotectRequest(registry, recent)).hasMessage("Replay detected");
    }

    /** A flood of requests with random kids: all 4.01, and the registry holds exactly what it held. */
    @Test
    void floodOfRandomKidsCreatesNoState() {
        OscoreContexts registry = OscoreContexts.of(server(AeadAlgorithm.AES_CCM_16_64_128));
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 50_000; i++) {
            byte[] kid = new byte[1 + r.nextInt(7)];
            r.nextBytes(kid);
            if (kid.length == 1 && kid[0] == 1) {
                continue;
            }
            byte[] value = new byte[2 + kid.length];
            value[0] = 0x09;
            value[1] = (byte) i;
            System.arraycopy(kid, 0, value, 2, kid.length);
            OscoreMessage m = new OscoreMessage(Code.POST, Options.of(new Option(OptionNumber.OSCORE, Bytes.wrap(value))),
                    Bytes.fromHex("00112233445566778899"));
            assertThatThrownBy(() -> Oscore.unprotectRequest(registry, m)).hasMessage("Security context not found");
        }
        assertThat(registry.size()).isEqualTo(1);
    }

    /**
     * Appendix B.1.2: a server context just started does not know which Partial IVs it saw before;
     * it processes nothing until an Echo round trip, whose Partial IV starts the window with every
     * older number counted as seen, so requests captured before the restart stay rejected.
     */
    @Test
    void echoRoundTripEstablishesTheReplayWindowAfterAStart() {
        SecurityContext c = client(AeadAlgorithm.AES_CCM_16_64_128);
        SecurityContext s = SecurityContext.builder().masterSecret(Vectors.SECRET).masterSalt(Vectors.SALT)
                .senderId(Bytes.fromHex("02")).recipientId(Bytes.fromHex("01")).build();
        OscoreContexts registry = OscoreContexts.of(s);
        Oscore.ProtectedRequest captured = Oscore.protectRequest(c, get("door"));
        Oscore.VerifiedRequest unknown = Oscore.unprotectRequest(registry, captured.message());
        assertThat(unknown.fresh()).isFalse();
        assertThat(s.replayWindowKnown()).isFalse();

        OscoreMessage wireChallenge = Oscore.echoChallenge(unknown.binding());
        assertThat(wireChallenge.options().first(OptionNumber.OSCORE).orElseThrow().value().length())
                .as("own Partial IV").isGreaterThan(0);
        OscoreMessage challenge = Oscore.unprotectResponse(captured.binding(), wireChallenge);
        assertThat(challenge.code()).isEqualTo(Code.UNAUTHORIZED);
        Bytes echo = challenge.options().echo().orElseThrow();

        OscoreMessage wrongEcho = Oscore.protectRequest(c, new OscoreMessage(Code.GET, Options.builder().uriPath("door")
                .add(new Option(OptionNumber.ECHO, Bytes.fromHex("0000000000000000"))).build(), Bytes.EMPTY)).message();
        assertThat(Oscore.unprotectRequest(registry, wrongEcho).fresh()).isFalse();

        OscoreMessage withEcho = Oscore.protectRequest(c, new OscoreMessage(Code.GET, Options.builder().uriPath("door")
                .add(new Option(OptionNumber.ECHO, echo)).build(), Bytes.EMPTY)).message();
        assertThat(Oscore.unprotectRequest(registry, withEcho).fresh()).isTrue();
        assertThat(s.replayWindowKnown()).isTrue();

        assertThatThrownBy(() -> Oscore.unprotectRequest(registry, captured.message())).hasMessage("Replay detected");
        assertThatThrownBy(() -> Oscore.unprotectRequest(registry, wrongEcho)).hasMessage("Replay detected");
        assertThatThrownBy(() -> Oscore.unprotectRequest(registry, withEcho)).hasMessage("Replay detected");
        assertThat(Oscore.unprotectRequest(registry, Oscore.protectRequest(c, get("next")).message()).fresh()).isTrue();
    }

    @Test
    void unprotectedResponseIsNotAccepted() {
        Oscore.ProtectedRequest p = Oscore.protectRequest(client(AeadAlgorithm.AES_CCM_16_64_128), get("a"));
        OscoreMessage plain = new OscoreMessage(Code.CONTENT, Options.EMPTY, Bytes.utf8("forged"));
        assertThatThrownBy(() -> Oscore.unprotectResponse(p.binding(), plain)).isInstanceOf(OscoreException.class);
    }

    @Test
    void contextToStringNeverShowsKeys() {
        SecurityContext c = client(AeadAlgorithm.AES_CCM_16_64_128);
        assertThat(c.toString()).doesNotContain(Bytes.wrap(c.senderKey()).hex())
                .doesNotContain(Bytes.wrap(c.recipientKey()).hex()).doesNotContain(Vectors.SECRET.hex());
    }
}
