package dev.tern.coap.oscore;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.Option;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Options;
import dev.tern.coap.oscore.internal.Aead;
import dev.tern.coap.oscore.internal.MalformedOscoreException;
import dev.tern.coap.oscore.internal.Nonces;
import dev.tern.coap.oscore.internal.OscoreOptionValue;

/**
 * Jazzer targets for the OSCORE option parser (RFC 8613 §6.1) and the decryption path (§8.2):
 * whatever arrives, the result is a parsed value, an {@link OscoreException} with a 4.0x code, or
 * a verified request; never another exception. {@code scripts/fuzz.sh 120 tern-oscore:OscoreFuzzTest}
 * searches; a plain test run replays the committed inputs.
 */
class OscoreFuzzTest {
    private static final SecurityContext SERVER = SecurityContext.builder().masterSecret(Vectors.SECRET)
            .senderId(Bytes.fromHex("01")).recipientId(Bytes.fromHex("02")).echoAfterStart(false)
            .replayWindow(4096).build();
    private static final OscoreContexts CONTEXTS = OscoreContexts.of(SERVER);

    @FuzzTest
    void optionValue(FuzzedDataProvider data) {
        byte[] value = data.consumeRemainingAsBytes();
        try {
            OscoreOptionValue v = OscoreOptionValue.decode(value);
            if (v.partialIv().length > 5) {
                throw new AssertionError("Partial IV longer than 5 bytes");
            }
            OscoreOptionValue again = OscoreOptionValue.decode(v.encode());
            if (!again.equals(v)) {
                throw new AssertionError("re-encoding changed the value");
            }
        } catch (MalformedOscoreException expected) {
            // rejected with a reason
        }
    }

    /**
     * A request with a fuzzed OSCORE option and payload; when the fuzzer asks for it, the payload is
     * a fuzzed plaintext encrypted with the right key, so that the plaintext parser sees any bytes.
     */
    @FuzzTest
    void unprotectRequest(FuzzedDataProvider data) {
        boolean authentic = data.consumeBoolean();
        long seq = data.consumeLong(0, 0xFF_FFFF_FFFFL);
        byte[] option;
        byte[] payload;
        if (authentic) {
            byte[] piv = Nonces.partialIv(seq);
            byte[] kid = {2};
            option = new OscoreOptionValue(piv, kid, null).encode();
            byte[] plaintext = data.consumeRemainingAsBytes();
            byte[] nonce = Nonces.nonce(SERVER.commonIv(), kid, piv);
            payload = Aead.encrypt(SERVER.algorithm(), SERVER.recipientKey(), nonce, Oscore.aad(SERVER, kid, piv),
                    plaintext);
        } else {
            option = data.consumeBytes(data.consumeInt(0, 40));
            payload = data.consumeRemainingAsBytes();
        }
        OscoreMessage m = new OscoreMessage(Code.POST,
                Options.of(new Option(OptionNumber.OSCORE, Bytes.wrap(option))), Bytes.wrap(payload));
        try {
            Oscore.VerifiedRequest v = Oscore.unprotectRequest(CONTEXTS, m);
            if (!v.message().code().isRequest()) {
                throw new AssertionError("verified a non-request code " + v.message().code());
            }
            Oscore.protectResponse(v.binding(), new OscoreMessage(Code.CONTENT, Options.EMPTY, Bytes.EMPTY));
        } catch (OscoreException e) {
            if (e.responseCode().codeClass() != 4) {
                throw new AssertionError("unexpected error code " + e.responseCode());
            }
        }
    }
}
