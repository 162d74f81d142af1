package dev.tern.coap.dtls.internal;

import java.security.SecureRandom;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.modes.AEADBlockCipher;
import org.bouncycastle.tls.crypto.CryptoHashAlgorithm;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * BouncyCastle's TLS crypto with two primitives taken from the JDK, where the JVM runs them on the
 * CPU's AES and SHA instructions:
 * <ul>
 *   <li>the AES under BouncyCastle's CCM mode for the AES_128/256_CCM(_8) suites (the ones CoAP
 *       mandates): {@link JdkAesEngine}, keyed once per key instead of twice per record, instead of
 *       BouncyCastle's lookup-table AES. The CCM mode itself (nonce, counter blocks, CBC-MAC,
 *       constant-time tag check) stays BouncyCastle's;</li>
 *   <li>SHA-256/384/512 for the PRF, the handshake hash and every HMAC, the cookie's included:
 *       {@link JdkDigest}, a BouncyCastle {@code Digest} over the JDK's {@code MessageDigest}.</li>
 * </ul>
 * Everything else (the record layer, key exchange, signatures, the protocol) is BouncyCastle's.
 *
 * <p>Public for tern-bench's DTLS load generator, whose client side of every handshake would
 * otherwise run BouncyCastle's Java SHA-256 and be the bottleneck; not API.
 */
public class TernCrypto extends BcTlsCrypto {
    public TernCrypto(SecureRandom random) {
        super(random);
    }

    /**
     * The premaster secret of a plain PSK key exchange (RFC 4279 §2): N zero bytes, then the N-byte
     * key {@code psk}, each with a two-byte length. The caller wipes it once the secret is made from it.
     * Shared by the server's in-place handshake and tern-bench's load generator.
     */
    public static byte[] pskPremaster(byte[] psk) {
        byte[] pms = new byte[4 + 2 * psk.length];
        pms[0] = (byte) (psk.length >> 8);
        pms[1] = (byte) psk.length;
        pms[2 + psk.length] = (byte) (psk.length >> 8);
        pms[3 + psk.length] = (byte) psk.length;
        System.arraycopy(psk, 0, pms, 4 + psk.length, psk.length);
        return pms;
    }

    @Override
    protected AEADBlockCipher createAEADBlockCipher_AES_CCM() {
        JdkAesEngine aes;
        try {
            aes = new JdkAesEngine();
        } catch (IllegalStateException e) {
            return super.createAEADBlockCipher_AES_CCM(); // no JDK AES: BouncyCastle's own
        }
        return createCCMMode(aes);
    }

    @Override
    public Digest createDigest(int cryptoHashAlgorithm) {
        Digest d = switch (cryptoHashAlgorithm) {
            case CryptoHashAlgorithm.sha256 -> JdkDigest.create("SHA-256", 64);
            case CryptoHashAlgorithm.sha384 -> JdkDigest.create("SHA-384", 128);
            case CryptoHashAlgorithm.sha512 -> JdkDigest.create("SHA-512", 128);
            default -> null;
        };
        return d != null ? d : super.createDigest(cryptoHashAlgorithm);
    }

    @Override
    public Digest cloneDigest(int cryptoHashAlgorithm, Digest digest) {
        return digest instanceof JdkDigest j ? (Digest) j.copy() : super.cloneDigest(cryptoHashAlgorithm, digest);
    }
}
