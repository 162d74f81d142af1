package dev.tern.coap.dtls.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Hashtable;
import org.bouncycastle.tls.ClientHello;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HandshakeType;
import org.bouncycastle.tls.ServerHello;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.crypto.TlsCryptoUtils;
import org.bouncycastle.tls.crypto.TlsHash;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server: abbreviated handshakes (session resumption, RFC 5246 §7.3; DTLS 1.2, RFC 6347 §4.2) on
 * the scheduler thread, without a handshake thread. BouncyCastle's DTLS server protocol is
 * blocking: each handshake it runs costs a thread and two hand-offs each way, and an abbreviated
 * handshake has no public-key operation to hide that behind, so a storm of resumptions (a cluster
 * node lost, a restart without handover) was bound by the hand-offs. This is the protocol around
 * BouncyCastle's cryptography for the one common case, nothing else: the ClientHello is parsed by
 * BouncyCastle ({@link ClientHello#parse}), the ServerHello encoded by it ({@link ServerHello}), the
 * transcript hash and the Finished values are its hash and TLS PRF, the record keys and protection
 * its {@code TlsCipher} ({@link RestoredRecords}, {@link RestoredCipher}).
 *
 * <p>Only a ClientHello that BouncyCastle's own server would resume is taken, and only when the
 * outcome is certain ({@link ResumingHello}): one unfragmented record, DTLS 1.2, a session ID found in this process's
 * cache (the shared {@link dev.tern.coap.dtls.ResumptionCache} may block, so a miss goes to the
 * handshake thread), a session made with Extended Master Secret that the client offers again
 * (RFC 7627 §5.3), an AEAD suite the client offers and the server still allows, a PSK identity the
 * store still knows, and extensions from a short list on both sides. Anything else runs BouncyCastle's
 * handshake as before. The ServerHello carries what BouncyCastle's would: the session's server
 * extensions, a fresh Connection ID (RFC 9146 §3), the empty renegotiation_info (RFC 5746 §3.6) and
 * Extended Master Secret. The server's flight (ServerHello, ChangeCipherSpec, Finished) leaves as
 * one datagram and is sent again after {@code handshakeRetransmission} (1 s), doubling (RFC 6347
 * §4.2.4), or when the client's ClientHello comes again ({@link QuickFlight}); the client's Finished
 * is checked in constant time and the session is established in place. A failed Finished changes
 * nothing in the cache (FAULTS.md A2.6).
 */
final class QuickResumption {
    private static final Logger LOG = LoggerFactory.getLogger(QuickResumption.class);

    private final DtlsTransport transport;
    private final Handshakes handshakes;
    private final DtlsContext shared;
    private final int[] serverSuites;

    QuickResumption(DtlsTransport transport, Handshakes handshakes, int[] serverSuites) {
        this.transport = transport;
        this.handshakes = handshakes;
        this.shared = transport.shared;
        this.serverSuites = serverSuites;
    }

    /**
     * A ClientHello without a cookie and no handshake in progress from {@code source}: resumes here
     * without the cookie exchange when {@link dev.tern.coap.dtls.DtlsConfig#resumeWithoutCookie()}
     * allows, the hello resumes a session as described above and both handshake caps have room
     * (nothing is displaced); false leaves it to the cookie exchange.
     */
    boolean startWithoutCookie(byte[] data, int length, InetSocketAddress source) {
        if (!shared.config.resumeWithoutCookie() || !handshakes.hasRoomFor(source)) {
            return false;
        }
        ResumingHello h = ResumingHello.of(shared, serverSuites, data, length, false);
        if (h == null || h.messageSeq() != 0) {
            return false;
        }
        Session s = handshakes.admit(source);
        if (s == null) {
            return false;
        }
        s.clientRandom = HandshakeTable.clientRandom(data, length);
        if (run(s, h, QuickFlight.ANTI_AMPLIFICATION * (long) length, 0)) {
            return true;
        }
        transport.remove(s);
        return false;
    }

    /**
     * A ClientHello with a valid cookie started handshake {@code s}: runs it here when it resumes a
     * session as described above and sends the server's flight; false leaves it to BouncyCastle.
     */
    boolean start(Session s, byte[] data, int length) {
        ResumingHello h = ResumingHello.of(shared, serverSuites, data, length, true);
        // after a HelloVerifyRequest (message_seq 0) the server's messages are 1 and 2 (RFC 6347 §4.2.2)
        return h != null && run(s, h, QuickFlight.UNLIMITED, 1);
    }

    private boolean run(Session s, ResumingHello h, long budget, int firstMessageSeq) {
        Hashtable<Integer, byte[]> serverExtensions = h.serverExtensions();
        if (serverExtensions == null) {
            return false;
        }
        byte[] master = HandshakeResult.secretCopy(h.session().getMasterSecret(), shared.crypto);
        if (master == null) {
            return false;
        }
        try {
            if (h.clientCid() != null && shared.config.connectionIdLength() > 0) {
                TlsExtensionsUtils.addConnectionIDExtension(serverExtensions, handshakes.issueConnectionId(s));
            }
            s.quick = flight(s, h, master, serverExtensions, firstMessageSeq, budget);
        } catch (IOException | RuntimeException e) {
            LOG.debug("DTLS resumption with {} left to the full protocol: {}", s.address, e.toString());
            handshakes.undoInPlace(s);
            return false;
        }
        s.quick.send(true);
        return true;
    }

    private QuickFlight flight(Session s, ResumingHello h, byte[] master, Hashtable<Integer, byte[]> extensions,
                               int firstSeq, long budget) throws IOException {
        byte[] serverRandom = handshakes.serverRandom();
        byte[] serverHello = QuickFlight.serverHello(serverRandom, h.hello().getSessionID(), h.suite(), extensions,
                firstSeq);
        TlsHash transcript = shared.crypto.createHash(TlsCryptoUtils.getHashForPRF(h.prf()));
        transcript.update(h.message(), 0, h.message().length); // the ClientHello, with its cookie if any (RFC 6347 §4.2.6)
        transcript.update(serverHello, 0, serverHello.length);
        TlsSecret secret = shared.crypto.createSecret(master.clone());
        byte[] serverVerify = secret.deriveUsingPRF(h.prf(), ExporterLabel.server_finished,
                transcript.cloneHash().calculateHash(), QuickFlight.VERIFY_DATA).extract();
        byte[] finished = QuickFlight.message(HandshakeType.finished, firstSeq + 1, serverVerify);
        transcript.update(finished, 0, finished.length);
        byte[] clientVerify = secret.deriveUsingPRF(h.prf(), ExporterLabel.client_finished, transcript.calculateHash(),
                QuickFlight.VERIFY_DATA).extract();
        secret.destroy();

        byte[] issued = s.issuedCid == null ? new byte[0] : s.issuedCid.clone();
        byte[] clientCid = h.clientCid() == null ? new byte[0] : h.clientCid();
        s.restored = RestoredRecords.inPlace(s.address, h.suite(), h.prf(), master, h.hello().getRandom(), serverRandom,
                clientCid, issued, true, h.identity(), shared.crypto);
        // epoch 0 continues from the ClientHello's record sequence number, as BouncyCastle's does
        QuickFlight f = new QuickFlight(transport, s, false, new byte[][] {serverHello}, h.recordSeq(), budget);
        f.finished = finished;
        f.clientVerifyData = clientVerify;
        f.clientFinishedSeq = h.messageSeq() + 1;
        f.result = new HandshakeResult(h.identity(), CipherSuites.name(h.suite()), issued, true, null, null);
        return f;
    }
}
