package dev.tern.coap.dtls.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.AEADBlockCipher;
import org.bouncycastle.crypto.modes.CCMBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.junit.jupiter.api.Test;

/**
 * {@link JdkAesEngine} under BouncyCastle's {@code CCMBlockCipher} gives byte for byte what
 * BouncyCastle's {@code AESEngine} under the same mode gives, keeps doing so when it is re-initialised
 * (same key, equal key, other key) and rejects every altered bit.
 */
class JdkAesEngineTest {
    private static final HexFormat HEX = HexFormat.of();
    private final SplittableRandom random = new SplittableRandom(3610);

    @Test
    void theBlockFunctionIsAes() {
        // FIPS-197 appendix C.1 and C.3
        byte[] plain = HEX.parseHex("00112233445566778899aabbccddeeff");
        assertThat(block(true, HEX.parseHex("000102030405060708090a0b0c0d0e0f"), plain))
                .isEqualTo(HEX.parseHex("69c4e0d86a7b0430d8cdb78070b4c55a"));
        byte[] key256 = HEX.parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        assertThat(block(true, key256, plain)).isEqualTo(HEX.parseHex("8ea2b7ca516745bfeafc49904b496089"));
        assertThat(block(false, key256, HEX.parseHex("8ea2b7ca516745bfeafc49904b496089"))).isEqualTo(plain);
        for (int keyLength : new int[] {16, 24, 32}) {
            byte[] key = bytes(keyLength);
            byte[] in = bytes(16);
            BlockCipher reference = AESEngine.newInstance();
            reference.init(true, new KeyParameter(key));
            byte[] expected = new byte[16];
            reference.processBlock(in, 0, expected, 0);
            assertThat(block(true, key, in)).as("key %d", keyLength).isEqualTo(expected);
            assertThat(block(false, key, expected)).as("key %d", keyLength).isEqualTo(in);
        }
    }

    @Test
    void oneEngineSwitchesDirectionAndKeyAndWorksInPlace() {
        JdkAesEngine aes = new JdkAesEngine();
        KeyParameter key = new KeyParameter(bytes(16));
        byte[] buf = new byte[40];
        byte[] in = bytes(16);
        System.arraycopy(in, 0, buf, 7, 16);
        aes.init(true, key);
        assertThat(aes.processBlock(buf, 7, buf, 7)).isEqualTo(16); // in place
        aes.init(false, key); // the same parameters, the other direction
        aes.processBlock(buf, 7, buf, 7);
        assertThat(java.util.Arrays.copyOfRange(buf, 7, 23)).isEqualTo(in);
        aes.init(true, new KeyParameter(bytes(32)));
        byte[] out = new byte[16];
        aes.processBlock(in, 0, out, 0);
        aes.init(true, key);
        byte[] again = new byte[16];
        aes.processBlock(out, 0, again, 0);
        assertThat(again).isEqualTo(block(true, key.getKey(), out));
    }

    @Test
    void misuseFailsAsBouncyCastlesEngineDoes() {
        JdkAesEngine aes = new JdkAesEngine();
        assertThat(aes.getAlgorithmName()).isEqualTo("AES");
        assertThat(aes.getBlockSize()).isEqualTo(16);
        assertThatThrownBy(() -> aes.processBlock(new byte[16], 0, new byte[16], 0))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> aes.init(true, new KeyParameter(new byte[15])))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> aes.init(true, new ParametersWithIV(new KeyParameter(new byte[16]), new byte[16])))
                .isInstanceOf(IllegalArgumentException.class);
        aes.init(true, new KeyParameter(new byte[16]));
        assertThatThrownBy(() -> aes.processBlock(new byte[16], 1, new byte[16], 0))
                .isInstanceOf(org.bouncycastle.crypto.DataLengthException.class);
        assertThatThrownBy(() -> aes.processBlock(new byte[16], 0, new byte[20], 5))
                .isInstanceOf(org.bouncycastle.crypto.OutputLengthException.class);
    }

    @Test
    void rfc3610PacketVectorOne() throws Exception {
        AEADParameters params = new AEADParameters(new KeyParameter(HEX.parseHex("c0c1c2c3c4c5c6c7c8c9cacbcccdcecf")),
                64, HEX.parseHex("00000003020100a0a1a2a3a4a5"), HEX.parseHex("0001020304050607"));
        byte[] plain = HEX.parseHex("08090a0b0c0d0e0f101112131415161718191a1b1c1d1e");
        byte[] sealed = HEX.parseHex("588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0");
        assertThat(run(jdk(), true, params, plain)).isEqualTo(sealed);
        assertThat(run(jdk(), false, params, sealed)).isEqualTo(plain);
    }

    @Test
    void ccmOverTheJdksAesEqualsCcmOverBouncyCastlesAes() throws Exception {
        int[] aadLengths = {0, 1, 13, 16, 17, 300};
        int[] plainLengths = {0, 1, 15, 16, 17, 100, 1024, 16_385, 20_000};
        int cases = 0;
        for (int keyLength : new int[] {16, 32}) {
            for (int tag : new int[] {8, 16}) {
                for (int nonceLength = 7; nonceLength <= 13; nonceLength++) {
                    for (int aadLength : aadLengths) {
                        for (int plainLength : plainLengths) {
                            AEADParameters params = new AEADParameters(new KeyParameter(bytes(keyLength)), tag * 8,
                                    bytes(nonceLength), bytes(aadLength));
                            byte[] plain = bytes(plainLength);
                            String what = "key " + keyLength + " tag " + tag + " nonce " + nonceLength + " aad "
                                    + aadLength + " plain " + plainLength;
                            byte[] sealed = run(bc(), true, params, plain);
                            assertThat(sealed).as(what).hasSize(plainLength + tag);
                            assertThat(run(jdk(), true, params, plain)).as(what).isEqualTo(sealed);
                            assertThat(run(jdk(), false, params, sealed)).as(what).isEqualTo(plain);
                            cases++;
                        }
                    }
                }
            }
        }
        assertThat(cases).isEqualTo(2 * 2 * 7 * aadLengths.length * plainLengths.length);
    }

    /**
     * As BouncyCastle's TLS record layer uses it: one CCM instance per direction, re-initialised for
     * every record with the same {@code KeyParameter} and a new nonce, the AAD fed separately, the
     * record decrypted in place; then a new key (as at a new epoch), then an equal key in new
     * parameters, then the first key again.
     */
    @Test
    void reInitialisedInstancesKeepMatchingAcrossKeyChanges() throws Exception {
        byte[] first = bytes(16);
        KeyParameter[] keys = {new KeyParameter(first), new KeyParameter(bytes(16)), new KeyParameter(first),
            new KeyParameter(bytes(32))};
        AEADBlockCipher sealer = jdk();
        AEADBlockCipher opener = jdk();
        int[] sequence = {0, 0, 0, 1, 1, 2, 2, 0, 3, 3, 1, 0};
        for (int i = 0; i < sequence.length; i++) {
            KeyParameter key = keys[sequence[i]];
            for (int tag : new int[] {8, 16}) {
                byte[] nonce = bytes(12);
                byte[] aad = bytes(13);
                byte[] plain = bytes(random.nextInt(1, 600));
                String what = "step " + i + " key " + sequence[i] + " tag " + tag;
                AEADParameters withoutAad = new AEADParameters(key, tag * 8, nonce, null);
                AEADParameters reference = new AEADParameters(new KeyParameter(key.getKey()), tag * 8, nonce, aad);
                byte[] expected = run(bc(), true, reference, plain);

                sealer.init(true, withoutAad);
                sealer.processAADBytes(aad, 0, aad.length);
                byte[] sealed = new byte[sealer.getOutputSize(plain.length)];
                int n = sealer.processBytes(plain, 0, plain.length, sealed, 0);
                n += sealer.doFinal(sealed, n);
                assertThat(n).as(what).isEqualTo(expected.length);
                assertThat(sealed).as(what).isEqualTo(expected);

                byte[] record = new byte[5 + sealed.length];
                System.arraycopy(sealed, 0, record, 5, sealed.length);
                opener.init(false, withoutAad);
                opener.processAADBytes(aad, 0, aad.length);
                n = opener.processBytes(record, 5, sealed.length, record, 5);
                n += opener.doFinal(record, 5 + n);
                assertThat(n).as(what).isEqualTo(plain.length);
                assertThat(java.util.Arrays.copyOfRange(record, 5, 5 + n)).as(what).isEqualTo(plain);
            }
        }
    }

    @Test
    void everyAlteredBitIsRejected() throws Exception {
        for (int nonceLength = 7; nonceLength <= 13; nonceLength++) {
            for (int tag : new int[] {8, 16}) {
                byte[] key = bytes(nonceLength % 2 == 0 ? 16 : 32);
                byte[] nonce = bytes(nonceLength);
                byte[] aad = bytes(13);
                byte[] plain = bytes(24);
                byte[] sealed = run(jdk(), true, new AEADParameters(new KeyParameter(key), tag * 8, nonce, aad), plain);
                AEADBlockCipher opener = jdk();
                for (int bit = 0; bit < sealed.length * 8; bit++) {
                    assertRejected(opener, key, tag, nonce, aad, flip(sealed, bit), "sealed bit " + bit);
                }
                for (int bit = 0; bit < aad.length * 8; bit++) {
                    assertRejected(opener, key, tag, nonce, flip(aad, bit), sealed, "aad bit " + bit);
                }
                for (int bit = 0; bit < nonce.length * 8; bit++) {
                    assertRejected(opener, key, tag, flip(nonce, bit), aad, sealed, "nonce bit " + bit);
                }
                assertRejected(opener, key, tag, nonce, aad, java.util.Arrays.copyOf(sealed, sealed.length - 1),
                        "one byte short");
                assertRejected(opener, key, tag, nonce, new byte[0], sealed, "aad missing");
                byte[] otherKey = key.clone();
                otherKey[0] ^= 1;
                assertRejected(opener, otherKey, tag, nonce, aad, sealed, "other key");
                // and after all that, the genuine record still opens
                AEADParameters genuine = new AEADParameters(new KeyParameter(key), tag * 8, nonce, aad);
                assertThat(run(opener, false, genuine, sealed)).isEqualTo(plain);
            }
        }
        byte[] key = bytes(16);
        byte[] nonce = bytes(12);
        byte[] aad = bytes(13);
        byte[] sealed = run(jdk(), true, new AEADParameters(new KeyParameter(key), 64, nonce, aad), bytes(20_000));
        AEADBlockCipher opener = jdk();
        for (int bit : new int[] {0, 7, 8 * 8_000 + 3, 8 * 16_384, 8 * 19_999 + 7, 8 * 20_000, 8 * sealed.length - 1}) {
            assertRejected(opener, key, 8, nonce, aad, flip(sealed, bit), "large record, bit " + bit);
        }
        for (int i = 0; i < 32; i++) {
            int bit = random.nextInt(sealed.length * 8);
            assertRejected(opener, key, 8, nonce, aad, flip(sealed, bit), "large record, bit " + bit);
        }
    }

    @Test
    void ternCryptoBuildsBouncyCastlesCcmOverTheJdksAes() throws Exception {
        AEADBlockCipher ccm = new TernCrypto(new SecureRandom()).createAEADBlockCipher_AES_CCM();
        assertThat(ccm).isInstanceOf(CCMBlockCipher.class);
        assertThat(ccm.getUnderlyingCipher()).isInstanceOf(JdkAesEngine.class);
        AEADParameters params = new AEADParameters(new KeyParameter(bytes(16)), 64, bytes(12), bytes(13));
        byte[] plain = bytes(33);
        assertThat(run(ccm, true, params, plain)).isEqualTo(run(bc(), true, params, plain));
    }

    private void assertRejected(AEADBlockCipher opener, byte[] key, int tag, byte[] nonce, byte[] aad, byte[] sealed,
                                String what) {
        AEADParameters params = new AEADParameters(new KeyParameter(key), tag * 8, nonce, aad);
        assertThatThrownBy(() -> run(opener, false, params, sealed)).as(what)
                .isInstanceOf(InvalidCipherTextException.class);
    }

    private static byte[] run(AEADBlockCipher ccm, boolean encrypt, AEADParameters params, byte[] in)
            throws InvalidCipherTextException {
        ccm.init(encrypt, params);
        byte[] out = new byte[ccm.getOutputSize(in.length)];
        int n = ccm.processBytes(in, 0, in.length, out, 0);
        n += ccm.doFinal(out, n);
        return java.util.Arrays.copyOf(out, n);
    }

    /** CCM as BouncyCastle's TLS crypto builds it ({@code BcTlsCrypto.createCCMMode}). */
    private static AEADBlockCipher jdk() {
        return CCMBlockCipher.newInstance(new JdkAesEngine());
    }

    /** BouncyCastle's own: CCM over {@code AESEngine}, as {@code BcTlsCrypto} has it. */
    private static AEADBlockCipher bc() {
        return CCMBlockCipher.newInstance(AESEngine.newInstance());
    }

    private static byte[] block(boolean encrypt, byte[] key, byte[] in) {
        JdkAesEngine aes = new JdkAesEngine();
        aes.init(encrypt, new KeyParameter(key));
        byte[] out = new byte[16];
        aes.processBlock(in, 0, out, 0);
        return out;
    }

    private static byte[] flip(byte[] b, int bit) {
        byte[] c = b.clone();
        c[bit / 8] ^= (byte) (1 << (bit % 8));
        return c;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }
}
