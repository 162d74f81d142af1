package dev.tern.coap.dtls.internal;

import java.io.IOException;
import java.security.SecureRandom;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCipher;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.TlsDecodeResult;
import org.bouncycastle.tls.crypto.TlsEncodeResult;

/**
 * The crypto of one handshake. Its only difference from BouncyCastle's: until the handshake
 * completes, a record of the new epoch that fails authentication ends the handshake with a fatal
 * {@code decrypt_error} alert instead of being dropped silently. During a handshake the only such
 * record is the peer's Finished, and a Finished that does not decrypt means the peer derived other
 * keys — a wrong pre-shared key. Dropping it (RFC 6347 §4.1.2.7 allows either) would leave the
 * peer retransmitting until its handshake timeout; the alert tells it at once. After the handshake,
 * records with a bad MAC are dropped silently as usual (faults table D8).
 *
 * <p>The primitives are {@link TernCrypto}'s (BouncyCastle's CCM over the JDK's AES, the JDK's SHA-2).
 */
final class HandshakeCrypto extends TernCrypto {
    private volatile boolean complete;

    HandshakeCrypto(SecureRandom random) {
        super(random);
    }

    /** From now on, bad records are dropped silently. */
    void handshakeComplete() {
        complete = true;
    }

    @Override
    public TlsCipher createCipher(TlsCryptoParameters cryptoParams, int encryptionAlgorithm, int macAlgorithm)
            throws IOException {
        return new Strict(super.createCipher(cryptoParams, encryptionAlgorithm, macAlgorithm));
    }

    private final class Strict implements TlsCipher {
        private final TlsCipher cipher;

        Strict(TlsCipher cipher) {
            this.cipher = cipher;
        }

        @Override
        public TlsDecodeResult decodeCiphertext(long seqNo, short recordType, ProtocolVersion recordVersion,
                                               byte[] ciphertext, int offset, int len) throws IOException {
            try {
                return cipher.decodeCiphertext(seqNo, recordType, recordVersion, ciphertext, offset, len);
            } catch (TlsFatalAlert e) {
                if (!complete && e.getAlertDescription() == AlertDescription.bad_record_mac) {
                    throw new TlsFatalAlert(AlertDescription.decrypt_error,
                            "the peer's Finished did not decrypt: the keys differ (wrong pre-shared key?)", e);
                }
                throw e;
            }
        }

        @Override
        public int getCiphertextDecodeLimit(int plaintextLimit) {
            return cipher.getCiphertextDecodeLimit(plaintextLimit);
        }

        @Override
        public int getCiphertextEncodeLimit(int plaintextLimit) {
            return cipher.getCiphertextEncodeLimit(plaintextLimit);
        }

        @Override
        public int getPlaintextDecodeLimit(int ciphertextLimit) {
            return cipher.getPlaintextDecodeLimit(ciphertextLimit);
        }

        @Override
        public int getPlaintextEncodeLimit(int ciphertextLimit) {
            return cipher.getPlaintextEncodeLimit(ciphertextLimit);
        }

        @Override
        public TlsEncodeResult encodePlaintext(long seqNo, short contentType, ProtocolVersion recordVersion,
                                               int headerAllocation, byte[] plaintext, int offset, int len)
                throws IOException {
            return cipher.encodePlaintext(seqNo, contentType, recordVersion, headerAllocation, plaintext, offset, len);
        }

        @Override
        public void rekeyDecoder() throws IOException {
            cipher.rekeyDecoder();
        }

        @Override
        public void rekeyEncoder() throws IOException {
            cipher.rekeyEncoder();
        }

        @Override
        public boolean usesOpaqueRecordTypeDecode() {
            return cipher.usesOpaqueRecordTypeDecode();
        }

        @Override
        public boolean usesOpaqueRecordTypeEncode() {
            return cipher.usesOpaqueRecordTypeEncode();
        }
    }
}
