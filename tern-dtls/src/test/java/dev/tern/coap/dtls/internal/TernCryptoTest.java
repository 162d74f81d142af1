package dev.tern.coap.dtls.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.tls.MACAlgorithm;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.crypto.CryptoHashAlgorithm;
import org.bouncycastle.tls.crypto.TlsHMAC;
import org.bouncycastle.tls.crypto.TlsHash;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.Test;

/** {@link TernCrypto}'s JDK digests give BouncyCastle's results: digests, clones, HMACs, the PRF. */
class TernCryptoTest {
    private static final int[] HASHES = {CryptoHashAlgorithm.sha256, CryptoHashAlgorithm.sha384,
        CryptoHashAlgorithm.sha512};
    private final TernCrypto tern = new TernCrypto(new SecureRandom());
    private final BcTlsCrypto bc = new BcTlsCrypto(new SecureRandom());
    private final SplittableRandom random = new SplittableRandom(5);

    @Test
    void theShaTwoDigestsAreTheJdksAndHashLikeBouncyCastles() {
        for (int h : HASHES) {
            assertThat(tern.createDigest(h)).isInstanceOf(JdkDigest.class);
            for (int n : new int[] {0, 1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 1000}) {
                byte[] in = bytes(n);
                assertThat(digest(tern.createDigest(h), in)).as("hash %d, %d bytes", h, n)
                        .isEqualTo(digest(bc.createDigest(h), in));
            }
        }
        assertThat(tern.createDigest(CryptoHashAlgorithm.sha1)).isNotInstanceOf(JdkDigest.class);
    }

    @Test
    void aClonedHashContinuesIndependently() {
        for (int h : HASHES) {
            TlsHash a = tern.createHash(h);
            TlsHash b = bc.createHash(h);
            byte[] first = bytes(300);
            a.update(first, 0, first.length);
            b.update(first, 0, first.length);
            TlsHash aFork = a.cloneHash();
            TlsHash bFork = b.cloneHash();
            assertThat(aFork.calculateHash()).isEqualTo(bFork.calculateHash());
            byte[] more = bytes(77);
            a.update(more, 0, more.length);
            b.update(more, 0, more.length);
            assertThat(a.calculateHash()).isEqualTo(b.calculateHash());
        }
    }

    @Test
    void hmacsMatchForShortAndLongKeysAndRepeatedUse() {
        for (int h : HASHES) {
            for (int keyLength : new int[] {1, 32, 64, 65, 128, 129, 200}) {
                byte[] key = bytes(keyLength);
                HMac mine = new HMac(tern.createDigest(h));
                HMac theirs = new HMac(bc.createDigest(h));
                mine.init(new KeyParameter(key));
                theirs.init(new KeyParameter(key));
                for (int round = 0; round < 3; round++) { // doFinal resets to the keyed state
                    byte[] in = bytes(round * 70);
                    assertThat(mac(mine, in)).as("hash %d key %d round %d", h, keyLength, round)
                            .isEqualTo(mac(theirs, in));
                }
            }
        }
        TlsHMAC cookie = tern.createHMAC(MACAlgorithm.hmac_sha256);
        TlsHMAC reference = bc.createHMAC(MACAlgorithm.hmac_sha256);
        byte[] secret = bytes(32);
        cookie.setKey(secret, 0, secret.length);
        reference.setKey(secret, 0, secret.length);
        byte[] in = bytes(90);
        cookie.update(in, 0, in.length);
        reference.update(in, 0, in.length);
        assertThat(cookie.calculateMAC()).isEqualTo(reference.calculateMAC());
    }

    @Test
    void thePrfDerivesTheSameSecrets() {
        for (int prf : new int[] {PRFAlgorithm.tls_prf_sha256, PRFAlgorithm.tls_prf_sha384}) {
            byte[] secret = bytes(48);
            byte[] seed = bytes(64);
            for (int length : new int[] {12, 40, 48, 104}) {
                byte[] mine = tern.createSecret(secret).deriveUsingPRF(prf, "key expansion", seed, length).extract();
                byte[] theirs = bc.createSecret(secret).deriveUsingPRF(prf, "key expansion", seed, length).extract();
                assertThat(mine).as("prf %d length %d", prf, length).isEqualTo(theirs);
            }
        }
    }

    private static byte[] digest(Digest d, byte[] in) {
        d.update(in, 0, in.length);
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }

    private static byte[] mac(HMac m, byte[] in) {
        m.update(in, 0, in.length);
        byte[] out = new byte[m.getMacSize()];
        m.doFinal(out, 0);
        return out;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }
}
