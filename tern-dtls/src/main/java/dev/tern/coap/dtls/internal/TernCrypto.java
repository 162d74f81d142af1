package dev.tern.coap.dtls.internal;

import java.security.SecureRandom;
import org.bouncycastle.crypto.modes.AEADBlockCipher;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * BouncyCastle's TLS crypto, with the JDK's AES as the block cipher under BouncyCastle's CCM mode
 * for the AES_128/256_CCM(_8) suites (the ones CoAP mandates): {@link JdkAesEngine}, keyed once
 * per key instead of twice per record, on the CPU's AES instructions instead of lookup tables.
 * The CCM mode itself (nonce, counter blocks, CBC-MAC, constant-time tag check), the record layer,
 * key exchange, signatures and the protocol stay BouncyCastle's.
 */
class TernCrypto extends BcTlsCrypto {
    TernCrypto(SecureRandom random) {
        super(random);
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
}
