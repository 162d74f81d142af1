package dev.tern.coap.dtls.internal;

import java.io.IOException;
import org.bouncycastle.tls.ConnectionEnd;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCipher;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.TlsNonceGenerator;
import org.bouncycastle.tls.crypto.TlsSecret;

/**
 * BouncyCastle's record protection for a session restored from a {@link SessionSnapshot}: the same
 * {@link TlsCipher} BouncyCastle builds at the end of a handshake (key block from the master secret
 * and both randoms by the suite's PRF, RFC 5246 §6.3; AEAD nonces and RFC 9146 additional data),
 * built from the snapshot's values through BouncyCastle's public API: its crypto reads them from a
 * {@link SecurityParameters} whose getters answer with the snapshot, in a {@link TlsContext} that has
 * nothing but the session. No key derivation or record crypto of Tern's own.
 */
final class RestoredCipher {
    private RestoredCipher() {
    }

    /** Whether a session of {@code cipherSuite} can be restored: a DTLS 1.2 suite whose ciphers BouncyCastle names. */
    static boolean supported(int cipherSuite) {
        return TlsUtils.getEncryptionAlgorithm(cipherSuite) >= 0 && TlsUtils.getMACAlgorithm(cipherSuite) >= 0
                && TlsUtils.isValidVersionForCipherSuite(cipherSuite, ProtocolVersion.DTLSv12);
    }

    /** The session's cipher; fails for a suite BouncyCastle cannot build or for a destroyed secret. */
    static TlsCipher create(TlsCrypto crypto, SessionSnapshot s) throws IOException {
        int enc = TlsUtils.getEncryptionAlgorithm(s.cipherSuite());
        int mac = TlsUtils.getMACAlgorithm(s.cipherSuite());
        if (!supported(s.cipherSuite())) {
            throw new IOException("cipher suite " + CipherSuites.name(s.cipherSuite()) + " cannot be restored");
        }
        Context context = new Context(crypto, new Parameters(s, crypto.createSecret(s.masterSecret().clone())));
        return crypto.createCipher(new TlsCryptoParameters(context), enc, mac);
    }

    /** The negotiated values a record cipher reads; everything else is the empty default. */
    private static final class Parameters extends SecurityParameters {
        private final SessionSnapshot s;
        private final TlsSecret master;

        Parameters(SessionSnapshot s, TlsSecret master) {
            this.s = s;
            this.master = master;
        }

        @Override
        public int getEntity() {
            return s.server() ? ConnectionEnd.server : ConnectionEnd.client;
        }

        @Override
        public int getCipherSuite() {
            return s.cipherSuite();
        }

        @Override
        public int getPRFAlgorithm() {
            return s.prfAlgorithm();
        }

        @Override
        public int getPRFCryptoHashAlgorithm() {
            return s.prfCryptoHash();
        }

        @Override
        public int getPRFHashLength() {
            return s.prfHashLength();
        }

        @Override
        public TlsSecret getMasterSecret() {
            return master;
        }

        @Override
        public byte[] getClientRandom() {
            return s.clientRandom();
        }

        @Override
        public byte[] getServerRandom() {
            return s.serverRandom();
        }

        @Override
        public byte[] getConnectionIDLocal() {
            return s.cidLocal().length == 0 ? null : s.cidLocal();
        }

        @Override
        public byte[] getConnectionIDPeer() {
            return s.cidPeer().length == 0 ? null : s.cidPeer();
        }

        @Override
        public boolean isEncryptThenMAC() {
            return s.encryptThenMac();
        }

        @Override
        public boolean isTruncatedHMac() {
            return s.truncatedHmac();
        }

        @Override
        public boolean isExtendedPadding() {
            return false;
        }

        @Override
        public ProtocolVersion getNegotiatedVersion() {
            return ProtocolVersion.DTLSv12;
        }
    }

    /** A context holding one session's parameters and nothing of a handshake. */
    private static final class Context implements TlsContext {
        private final TlsCrypto crypto;
        private final SecurityParameters parameters;
        private TlsNonceGenerator nonces;

        Context(TlsCrypto crypto, SecurityParameters parameters) {
            this.crypto = crypto;
            this.parameters = parameters;
        }

        @Override
        public TlsCrypto getCrypto() {
            return crypto;
        }

        @Override
        public TlsNonceGenerator getNonceGenerator() {
            if (nonces == null) {
                nonces = crypto.createNonceGenerator(TlsUtils.EMPTY_BYTES); // CBC explicit IVs (RFC 5246 §6.2.3.2)
            }
            return nonces;
        }

        @Override
        public SecurityParameters getSecurityParameters() {
            return parameters;
        }

        @Override
        public SecurityParameters getSecurityParametersConnection() {
            return parameters;
        }

        @Override
        public SecurityParameters getSecurityParametersHandshake() {
            return parameters;
        }

        @Override
        public boolean isServer() {
            return parameters.getEntity() == ConnectionEnd.server;
        }

        @Override
        public ProtocolVersion[] getClientSupportedVersions() {
            return new ProtocolVersion[] {ProtocolVersion.DTLSv12};
        }

        @Override
        public ProtocolVersion getClientVersion() {
            return ProtocolVersion.DTLSv12;
        }

        @Override
        public ProtocolVersion getRSAPreMasterSecretVersion() {
            return ProtocolVersion.DTLSv12;
        }

        @Override
        public ProtocolVersion getServerVersion() {
            return ProtocolVersion.DTLSv12;
        }

        @Override
        public TlsSession getResumableSession() {
            return null;
        }

        @Override
        public TlsSession getSession() {
            return null;
        }

        @Override
        public Object getUserObject() {
            return null;
        }

        @Override
        public void setUserObject(Object userObject) {
            throw new UnsupportedOperationException("a restored session's context holds nothing else");
        }

        @Override
        public byte[] exportChannelBinding(int channelBinding) {
            throw new UnsupportedOperationException("no channel binding for a restored session");
        }

        @Override
        public byte[] exportEarlyKeyingMaterial(String label, byte[] context, int length) {
            throw new UnsupportedOperationException("no keying material export for a restored session");
        }

        @Override
        public byte[] exportKeyingMaterial(String label, byte[] context, int length) {
            throw new UnsupportedOperationException("no keying material export for a restored session");
        }
    }
}
