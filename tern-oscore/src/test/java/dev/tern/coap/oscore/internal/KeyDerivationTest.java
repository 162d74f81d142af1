package dev.tern.coap.oscore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.oscore.AeadAlgorithm;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 8613 Appendix C.1-C.3: key derivation and nonces, byte for byte. */
class KeyDerivationTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] SECRET = hex("0102030405060708090a0b0c0d0e0f10");
    private static final byte[] SALT = hex("9e7ca92223786340");
    private static final byte[] ID_CONTEXT = hex("37cbf3210017a2d3");
    private static final byte[] PIV_0 = Nonces.partialIv(0);

    static byte[] hex(String s) {
        return HEX.parseHex(s);
    }

    @Test
    void c11_client_with_master_salt() {
        assertThat(KeyDerivation.info(hex(""), null, AeadAlgorithm.AES_CCM_16_64_128, "Key", 16))
                .isEqualTo(hex("8540f60a634b657910"));
        assertThat(KeyDerivation.info(hex("01"), null, AeadAlgorithm.AES_CCM_16_64_128, "Key", 16))
                .isEqualTo(hex("854101f60a634b657910"));
        assertThat(KeyDerivation.info(hex(""), null, AeadAlgorithm.AES_CCM_16_64_128, "IV", 13))
                .isEqualTo(hex("8540f60a6249560d"));
        KeyDerivation.Derived d = KeyDerivation.derive(AeadAlgorithm.AES_CCM_16_64_128, SECRET, SALT, null,
                hex(""), hex("01"));
        assertThat(d.senderKey()).isEqualTo(hex("f0910ed7295e6ad4b54fc793154302ff"));
        assertThat(d.recipientKey()).isEqualTo(hex("ffb14e093c94c9cac9471648b4f98710"));
        assertThat(d.commonIv()).isEqualTo(hex("4622d4dd6d944168eefb54987c"));
        assertThat(Nonces.nonce(d.commonIv(), hex(""), PIV_0)).isEqualTo(hex("4622d4dd6d944168eefb54987c"));
        assertThat(Nonces.nonce(d.commonIv(), hex("01"), PIV_0)).isEqualTo(hex("4722d4dd6d944169eefb54987c"));
    }

    @Test
    void c12_server_with_master_salt() {
        KeyDerivation.Derived d = KeyDerivation.derive(AeadAlgorithm.AES_CCM_16_64_128, SECRET, SALT, null,
                hex("01"), hex(""));
        assertThat(d.senderKey()).isEqualTo(hex("ffb14e093c94c9cac9471648b4f98710"));
        assertThat(d.recipientKey()).isEqualTo(hex("f0910ed7295e6ad4b54fc793154302ff"));
        assertThat(d.commonIv()).isEqualTo(hex("4622d4dd6d944168eefb54987c"));
        assertThat(Nonces.nonce(d.commonIv(), hex("01"), PIV_0)).isEqualTo(hex("4722d4dd6d944169eefb54987c"));
        assertThat(Nonces.nonce(d.commonIv(), hex(""), PIV_0)).isEqualTo(hex("4622d4dd6d944168eefb54987c"));
    }

    @Test
    void c21_client_without_master_salt() {
        assertThat(KeyDerivation.info(hex("00"), null, AeadAlgorithm.AES_CCM_16_64_128, "Key", 16))
                .isEqualTo(hex("854100f60a634b657910"));
        KeyDerivation.Derived d = KeyDerivation.derive(AeadAlgorithm.AES_CCM_16_64_128, SECRET, new byte[0], null,
                hex("00"), hex("01"));
        assertThat(d.senderKey()).isEqualTo(hex("321b26943253c7ffb6003b0b64d74041"));
        assertThat(d.recipientKey()).isEqualTo(hex("e57b5635815177cd679ab4bcec9d7dda"));
        assertThat(d.commonIv()).isEqualTo(hex("be35ae297d2dace910c52e99f9"));
        assertThat(Nonces.nonce(d.commonIv(), hex("00"), PIV_0)).isEqualTo(hex("bf35ae297d2dace910c52e99f9"));
        assertThat(Nonces.nonce(d.commonIv(), hex("01"), PIV_0)).isEqualTo(hex("bf35ae297d2dace810c52e99f9"));
    }

    @Test
    void c22_server_without_master_salt() {
        KeyDerivation.Derived d = KeyDerivation.derive(AeadAlgorithm.AES_CCM_16_64_128, SECRET, new byte[0], null,
                hex("01"), hex("00"));
        assertThat(d.senderKey()).isEqualTo(hex("e57b5635815177cd679ab4bcec9d7dda"));
        assertThat(d.recipientKey()).isEqualTo(hex("321b26943253c7ffb6003b0b64d74041"));
        assertThat(d.commonIv()).isEqualTo(hex("be35ae297d2dace910c52e99f9"));
        assertThat(Nonces.nonce(d.commonIv(), hex("01"), PIV_0)).isEqualTo(hex("bf35ae297d2dace810c52e99f9"));
        assertThat(Nonces.nonce(d.commonIv(), hex("00"), PIV_0)).isEqualTo(hex("bf35ae297d2dace910c52e99f9"));
    }

    @Test
    void c31_client_with_id_context() {
        assertThat(KeyDerivation.info(hex(""), ID_CONTEXT, AeadAlgorithm.AES_CCM_16_64_128, "Key", 16))
                .isEqualTo(hex("85404837cbf3210017a2d30a634b657910"));
        KeyDerivation.Derived d = KeyDerivation.derive(AeadAlgorithm.AES_CCM_16_64_128, SECRET, SALT, ID_CONTEXT,
                hex(""), hex("01"));
        assertThat(d.senderKey()).isEqualTo(hex("af2a1300a5e95788b356336eeecd2b92"));
        assertThat(d.recipientKey()).isEqualTo(hex("e39a0c7c77b43f03b4b39ab9a268699f"));
        assertThat(d.commonIv()).isEqualTo(hex("2ca58fb85ff1b81c0b7181b85e"));
        assertThat(Nonces.nonce(d.commonIv(), hex(""), PIV_0)).isEqualTo(hex("2ca58fb85ff1b81c0b7181b85e"));
        assertThat(Nonces.nonce(d.commonIv(), hex("01"), PIV_0)).isEqualTo(hex("2da58fb85ff1b81d0b7181b85e"));
    }

    @Test
    void c32_server_with_id_context() {
        KeyDerivation.Derived d = KeyDerivation.derive(AeadAlgorithm.AES_CCM_16_64_128, SECRET, SALT, ID_CONTEXT,
                hex("01"), hex(""));
        assertThat(d.senderKey()).isEqualTo(hex("e39a0c7c77b43f03b4b39ab9a268699f"));
        assertThat(d.recipientKey()).isEqualTo(hex("af2a1300a5e95788b356336eeecd2b92"));
        assertThat(d.commonIv()).isEqualTo(hex("2ca58fb85ff1b81c0b7181b85e"));
    }

    @Test
    void keyAndIvLengthsFollowTheAlgorithm() {
        for (AeadAlgorithm alg : AeadAlgorithm.values()) {
            KeyDerivation.Derived d = KeyDerivation.derive(alg, SECRET, SALT, null, hex("00"), hex("01"));
            assertThat(d.senderKey()).hasSize(alg.keyLength());
            assertThat(d.recipientKey()).hasSize(alg.keyLength());
            assertThat(d.commonIv()).hasSize(alg.nonceLength());
        }
    }

    @Test
    void partialIvIsTheShortestBigEndianEncoding() {
        assertThat(Nonces.partialIv(0)).isEqualTo(hex("00"));
        assertThat(Nonces.partialIv(20)).isEqualTo(hex("14"));
        assertThat(Nonces.partialIv(256)).isEqualTo(hex("0100"));
        assertThat(Nonces.partialIv(0xFF_FFFF_FFFFL)).isEqualTo(hex("ffffffffff"));
        assertThat(Nonces.sequenceNumber(hex("0100"))).isEqualTo(256);
    }
}
