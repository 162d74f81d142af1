package dev.tern.coap.oscore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.oscore.AeadAlgorithm;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The AEAD wrapper: every algorithm round-trips, and any tampering fails verification (RFC 8613 §5.3). */
class AeadTest {
    @Test
    void everyAlgorithmRoundTripsAndDetectsTampering() {
        byte[] plain = "Hello World!".getBytes(StandardCharsets.US_ASCII);
        byte[] aad = {1, 2, 3};
        for (AeadAlgorithm alg : AeadAlgorithm.values()) {
            byte[] key = new byte[alg.keyLength()];
            byte[] nonce = new byte[alg.nonceLength()];
            byte[] ct = Aead.encrypt(alg, key, nonce, aad, plain);
            assertThat(ct).as(alg.name()).hasSize(plain.length + alg.tagLength());
            assertThat(Aead.decrypt(alg, key, nonce, aad, ct)).as(alg.name()).isEqualTo(plain);
            byte[] flipped = ct.clone();
            flipped[0] ^= 1;
            assertThat(Aead.decrypt(alg, key, nonce, aad, flipped)).as(alg.name()).isNull();
            assertThat(Aead.decrypt(alg, key, nonce, new byte[] {1, 2, 4}, ct)).as(alg.name()).isNull();
            assertThat(Aead.decrypt(alg, key, nonce, aad, new byte[alg.tagLength() - 1])).as(alg.name()).isNull();
        }
    }
}
