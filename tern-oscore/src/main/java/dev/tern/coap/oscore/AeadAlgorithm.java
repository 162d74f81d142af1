package dev.tern.coap.oscore;

import java.util.Optional;

/**
 * The AEAD algorithms an OSCORE security context can use (RFC 8613 §3.1, §5.2), named and
 * numbered as in the COSE registry (RFC 9053 §4). AES-CCM-16-64-128 is OSCORE's mandatory
 * algorithm and the default.
 */
public enum AeadAlgorithm {
    /** AES-CCM, 128-bit key, 64-bit tag, 13-byte nonce: COSE 10, OSCORE's default (RFC 8613 §3.2). */
    AES_CCM_16_64_128(10, 16, 13, 8),
    /** AES-CCM, 256-bit key, 64-bit tag, 13-byte nonce: COSE 11 (RFC 9053 §4.2). */
    AES_CCM_16_64_256(11, 32, 13, 8),
    /** AES-CCM, 128-bit key, 128-bit tag, 13-byte nonce: COSE 30 (RFC 9053 §4.2). */
    AES_CCM_16_128_128(30, 16, 13, 16),
    /** AES-CCM, 256-bit key, 128-bit tag, 13-byte nonce: COSE 31 (RFC 9053 §4.2). */
    AES_CCM_16_128_256(31, 32, 13, 16),
    /** AES-GCM, 128-bit key, 12-byte nonce: COSE 1, A128GCM (RFC 9053 §4.1). */
    A128GCM(1, 16, 12, 16),
    /** AES-GCM, 192-bit key, 12-byte nonce: COSE 2, A192GCM (RFC 9053 §4.1). */
    A192GCM(2, 24, 12, 16),
    /** AES-GCM, 256-bit key, 12-byte nonce: COSE 3, A256GCM (RFC 9053 §4.1). */
    A256GCM(3, 32, 12, 16),
    /** ChaCha20/Poly1305, 256-bit key, 12-byte nonce: COSE 24 (RFC 9053 §4.3). */
    CHACHA20_POLY1305(24, 32, 12, 16);

    private final int coseId;
    private final int keyLength;
    private final int nonceLength;
    private final int tagLength;

    AeadAlgorithm(int coseId, int keyLength, int nonceLength, int tagLength) {
        this.coseId = coseId;
        this.keyLength = keyLength;
        this.nonceLength = nonceLength;
        this.tagLength = tagLength;
    }

    /** The COSE algorithm identifier, as it appears in the HKDF info and the external AAD (RFC 8613 §3.2.1, §5.4). */
    public int coseId() {
        return coseId;
    }

    /** The key length in bytes, the L of the key derivation (RFC 8613 §3.2.1). */
    public int keyLength() {
        return keyLength;
    }

    /** The nonce length in bytes: the Common IV's length (RFC 8613 §3.2.1, §5.2). */
    public int nonceLength() {
        return nonceLength;
    }

    /** The authentication tag length in bytes, appended to every ciphertext (RFC 8613 §5.3). */
    public int tagLength() {
        return tagLength;
    }

    /** The longest Sender ID this algorithm allows: nonce length minus 6 (RFC 8613 §3.3). */
    public int maxIdLength() {
        return nonceLength - 6;
    }

    /** The algorithm with COSE identifier {@code id}, if Tern supports it. */
    public static Optional<AeadAlgorithm> fromCoseId(int id) {
        for (AeadAlgorithm a : values()) {
            if (a.coseId == id) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
