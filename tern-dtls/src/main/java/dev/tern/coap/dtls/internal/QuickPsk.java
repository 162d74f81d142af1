package dev.tern.coap.dtls.internal;

import dev.tern.coap.PeerIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Hashtable;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.ExtensionType;
import org.bouncycastle.tls.HandshakeType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerHello;
import org.bouncycastle.tls.SessionParameters;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCryptoUtils;
import org.bouncycastle.tls.crypto.TlsHash;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server: full PSK handshakes (RFC 4279 §2 with Extended Master Secret, RFC 7627; DTLS 1.2, RFC 6347
 * §4.2) on the scheduler thread, without a handshake thread, for the common case {@link PskHello}
 * describes. BouncyCastle's DTLS server protocol is blocking: each handshake costs a thread and two
 * hand-offs each way, which for a plain PSK handshake (no public-key operation) is most of its cost.
 * This is the protocol around BouncyCastle's cryptography, nothing else: the ClientHello is parsed by
 * BouncyCastle, the ServerHello encoded by it, the transcript hash, the master secret and the Finished
 * values are its hash and TLS PRF, the record protection its {@code TlsCipher}.
 *
 * <p>After the cookie exchange: ServerHello (a new session ID, the Connection ID when the client
 * offered one, RFC 9146 §3, the empty renegotiation_info when it signalled RFC 5746, Extended Master
 * Secret) and ServerHelloDone go out as one datagram, with no ServerKeyExchange (the server gives no
 * identity hint, as {@code TernTlsServer} gives none). The client's ClientKeyExchange names its
 * identity; an identity the store does not know ends the handshake with unknown_psk_identity, as in
 * BouncyCastle's. The premaster secret is RFC 4279's (N zero bytes, then the N-byte key, each with a
 * two-byte length), the master secret RFC 7627's over the session hash up to the ClientKeyExchange.
 * The client's Finished is checked in constant time; the server's ChangeCipherSpec and Finished answer
 * it ({@link QuickFlight}), the session is established and kept for resumption.
 */
final class QuickPsk {
    private static final Logger LOG = LoggerFactory.getLogger(QuickPsk.class);
    private static final int MASTER_SECRET = 48;

    private final DtlsTransport transport;
    private final Handshakes handshakes;
    private final DtlsContext shared;
    private final int[] serverSuites;

    QuickPsk(DtlsTransport transport, Handshakes handshakes, int[] serverSuites) {
        this.transport = transport;
        this.handshakes = handshakes;
        this.shared = transport.shared;
        this.serverSuites = serverSuites;
    }

    /**
     * A ClientHello with a valid cookie started handshake {@code s}: runs a full PSK handshake here
     * when {@link PskHello} takes the hello and sends the server's first flight; false leaves it to
     * BouncyCastle.
     */
    boolean start(Session s, byte[] data, int length) {
        PskHello h = PskHello.of(shared, serverSuites, data, length);
        if (h == null) {
            return false;
        }
        try {
            s.quick = firstFlight(s, h);
        } catch (IOException | RuntimeException e) {
            LOG.debug("DTLS handshake with {} left to the full protocol: {}", s.address, e.toString());
            handshakes.undoInPlace(s);
            return false;
        }
        s.quick.send(true);
        return true;
    }

    private QuickFlight firstFlight(Session s, PskHello h) throws IOException {
        byte[] serverRandom = handshakes.serverRandom();
        byte[] sessionId = new byte[shared.config.sessionCacheSize() > 0 ? 32 : 0];
        shared.crypto.getSecureRandom().nextBytes(sessionId);
        Hashtable<Integer, byte[]> extensions = new Hashtable<>();
        if (h.clientCid() != null && shared.config.connectionIdLength() > 0) {
            TlsExtensionsUtils.addConnectionIDExtension(extensions, handshakes.issueConnectionId(s));
        }
        if (h.secureRenegotiation()) {
            extensions.put(ResumingHello.RENEGOTIATION_INFO, new byte[] {0}); // RFC 5746 §3.6
        }
        TlsExtensionsUtils.addExtendedMasterSecretExtension(extensions);
        if (h.statusRequest()) {
            TlsExtensionsUtils.addEmptyExtensionData(extensions, ExtensionType.status_request);
        }
        // after a HelloVerifyRequest (message_seq 0) the server's messages are 1, 2 and 3 (RFC 6347 §4.2.2)
        byte[] serverHello = QuickFlight.serverHello(serverRandom, sessionId, h.suite(), extensions, 1);
        byte[] serverHelloDone = QuickFlight.message(HandshakeType.server_hello_done, 2, new byte[0]);
        KeyExchange x = new KeyExchange(h, serverRandom, sessionId, extensions, s.issuedCid);
        x.transcript.update(h.message(), 0, h.message().length); // the ClientHello with its cookie (§4.2.6)
        x.transcript.update(serverHello, 0, serverHello.length);
        x.transcript.update(serverHelloDone, 0, serverHelloDone.length);
        // epoch 0 continues from the ClientHello's record sequence number, as BouncyCastle's does
        QuickFlight f = new QuickFlight(transport, s, true, new byte[][] {serverHello, serverHelloDone}, h.recordSeq(),
                QuickFlight.UNLIMITED);
        f.exchange = x;
        return f;
    }

    /** What the handshake needs from its first flight until the client's ClientKeyExchange. */
    final class KeyExchange {
        private final PskHello hello;
        private final byte[] serverRandom;
        private final byte[] sessionId;
        private final Hashtable<Integer, byte[]> serverExtensions;
        private final byte[] issuedCid;
        final TlsHash transcript;

        KeyExchange(PskHello hello, byte[] serverRandom, byte[] sessionId, Hashtable<Integer, byte[]> serverExtensions,
                    byte[] issuedCid) {
            this.hello = hello;
            this.serverRandom = serverRandom;
            this.sessionId = sessionId;
            this.serverExtensions = serverExtensions;
            this.issuedCid = issuedCid == null ? new byte[0] : issuedCid.clone();
            this.transcript = shared.crypto.createHash(TlsCryptoUtils.getHashForPRF(hello.prf()));
        }

        /** An epoch-0 handshake record {@code [body, end)} of the client: its ClientKeyExchange, if whole. */
        void handshake(QuickFlight f, byte[] data, int body, int end) {
            int p = body;
            while (end - p >= RecordFilter.HANDSHAKE_HEADER) {
                int length = RecordFilter.u24(data, p + 1);
                int fragment = RecordFilter.u24(data, p + 9);
                if (data[p] == HandshakeType.client_key_exchange
                        && RecordFilter.u16(data, p + 4) == hello.messageSeq() + 1) {
                    if (RecordFilter.u24(data, p + 6) != 0 || fragment != length
                            || end - p - RecordFilter.HANDSHAKE_HEADER < length) {
                        fail(f, AlertDescription.decode_error, "a fragmented ClientKeyExchange");
                    } else {
                        clientKeyExchange(f, data, p, RecordFilter.HANDSHAKE_HEADER + length);
                    }
                    return;
                }
                p += RecordFilter.HANDSHAKE_HEADER + fragment; // RecordFilter checked the fragments fit
            }
        }

        /** RFC 4279 §2: the identity, the premaster and master secrets, the Finished values, the keys. */
        private void clientKeyExchange(QuickFlight f, byte[] data, int off, int len) {
            int at = off + RecordFilter.HANDSHAKE_HEADER;
            if (len < RecordFilter.HANDSHAKE_HEADER + 2 || RecordFilter.u16(data, at) != len - RecordFilter.HANDSHAKE_HEADER - 2) {
                fail(f, AlertDescription.decode_error, "a malformed ClientKeyExchange");
                return;
            }
            byte[] identity = java.util.Arrays.copyOfRange(data, at + 2, off + len);
            byte[] psk = shared.pskKey(identity);
            if (psk == null) {
                fail(f, AlertDescription.unknown_psk_identity, null);
                return;
            }
            transcript.update(data, off, len);
            byte[] master;
            byte[] clientVerify;
            byte[] serverVerify;
            int prf = hello.prf();
            try {
                byte[] premaster = TernCrypto.pskPremaster(psk);
                TlsSecret pre = shared.crypto.createSecret(premaster);
                java.util.Arrays.fill(premaster, (byte) 0);
                master = pre.deriveUsingPRF(prf, ExporterLabel.extended_master_secret,
                        transcript.cloneHash().calculateHash(), MASTER_SECRET).extract();
                pre.destroy();
                TlsSecret secret = shared.crypto.createSecret(master.clone());
                clientVerify = secret.deriveUsingPRF(prf, ExporterLabel.client_finished,
                        transcript.cloneHash().calculateHash(), QuickFlight.VERIFY_DATA).extract();
                int clientFinishedSeq = hello.messageSeq() + 2;
                byte[] clientFinished = QuickFlight.message(HandshakeType.finished, clientFinishedSeq, clientVerify);
                transcript.update(clientFinished, 0, clientFinished.length);
                serverVerify = secret.deriveUsingPRF(prf, ExporterLabel.server_finished, transcript.calculateHash(),
                        QuickFlight.VERIFY_DATA).extract();
                secret.destroy();
                f.clientFinishedSeq = clientFinishedSeq;
            } catch (RuntimeException e) {
                transport.handshakeFailed(f.session(), e);
                return;
            }
            String suiteName = CipherSuites.name(hello.suite());
            PeerIdentity peer = PeerIdentity.preSharedKey(new String(identity, StandardCharsets.UTF_8), suiteName);
            byte[] clientCid = hello.clientCid() == null ? new byte[0] : hello.clientCid();
            Session s = f.session();
            s.restored = RestoredRecords.inPlace(s.address, hello.suite(), prf, master, hello.hello().getRandom(),
                    serverRandom, clientCid, issuedCid, false, peer, shared.crypto);
            f.lastFinished = QuickFlight.message(HandshakeType.finished, 3, serverVerify);
            f.clientVerifyData = clientVerify;
            f.result = new HandshakeResult(peer, suiteName, issuedCid, false, null, null);
            byte[] kept = master.clone();
            f.onEstablished = () -> keep(kept, identity);
            f.exchange = null;
            f.stopRetransmission(); // the client has our first flight
        }

        /** Keeps the session for resumption, as BouncyCastle's server would have. */
        private void keep(byte[] master, byte[] identity) {
            if (sessionId.length == 0) {
                return;
            }
            try {
                SessionParameters p = new SessionParameters.Builder().setCipherSuite(hello.suite())
                        .setExtendedMasterSecret(true).setNegotiatedVersion(ProtocolVersion.DTLSv12)
                        .setMasterSecret(shared.crypto.createSecret(master)).setPSKIdentity(identity)
                        .setServerExtensions(serverExtensions).build();
                shared.keepServerSession(TlsUtils.importSession(sessionId, p));
            } catch (IOException e) {
                LOG.debug("DTLS session with {} not kept for resumption: {}", hello, e.toString());
            }
        }

        private void fail(QuickFlight f, short alert, String message) {
            f.fail(message == null ? new TlsFatalAlert(alert) : new TlsFatalAlert(alert, message));
        }
    }
}
