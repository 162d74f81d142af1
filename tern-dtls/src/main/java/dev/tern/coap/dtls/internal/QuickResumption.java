package dev.tern.coap.dtls.internal;

import dev.tern.coap.spi.Scheduler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Hashtable;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.ClientHello;
import org.bouncycastle.tls.ContentType;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HandshakeType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerHello;
import org.bouncycastle.tls.TlsExtensionsUtils;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.crypto.TlsCryptoUtils;
import org.bouncycastle.tls.crypto.TlsHash;
import org.bouncycastle.tls.crypto.TlsNonceGenerator;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.util.Arrays;
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
 * §4.2.4), or when the client's
 * ClientHello comes again, at most {@link #MAX_FLIGHTS} times; the client's Finished is checked in
 * constant time and the session is established in place. A failed Finished changes nothing in the
 * cache (FAULTS.md A2.6).
 */
final class QuickResumption {
    private static final Logger LOG = LoggerFactory.getLogger(QuickResumption.class);
    private static final int MESSAGE_HEADER = RecordFilter.HANDSHAKE_HEADER;
    private static final int VERIFY_DATA = 12;
    /** How often the server's flight is sent at most, the first time included. */
    static final int MAX_FLIGHTS = 6;
    /** Without a cookie exchange, the server sends at most this many times what it received (RFC 9000 §8.1). */
    static final int ANTI_AMPLIFICATION = 3;
    /** Application records kept per handshake until the client's Finished has verified. */
    static final int MAX_EARLY = 4;
    private static final byte[] NO_CID = new byte[0];
    /** An abbreviated handshake between the server's flight and the client's Finished. */
    static final class Pending {
        final byte[] serverHello;
        final byte[] finished;
        /** The next epoch-0 record sequence number: every transmission of the flight gets new ones (RFC 6347 §4.2.4). */
        long epoch0;
        final byte[] clientVerifyData;
        final int clientFinishedSeq;
        final HandshakeResult result;
        int flights;
        long resendNanos;
        /** Bytes the server may still send: unbounded after a cookie exchange, else 3x what the address sent. */
        long budget;
        /** Application data that authenticated ahead of the client's Finished (a reordering, or a lost Finished). */
        final java.util.List<byte[]> early = new java.util.ArrayList<>(1);
        Scheduler.Cancellable timer;

        Pending(byte[] serverHello, byte[] finished, long epoch0, byte[] clientVerifyData, int clientFinishedSeq,
                HandshakeResult result, long budget) {
            this.serverHello = serverHello;
            this.finished = finished;
            this.epoch0 = epoch0;
            this.clientVerifyData = clientVerifyData;
            this.clientFinishedSeq = clientFinishedSeq;
            this.result = result;
            this.budget = budget;
        }
    }

    private final DtlsTransport transport;
    private final Handshakes handshakes;
    private final DtlsContext shared;
    private final int[] serverSuites;
    private TlsNonceGenerator randoms;

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
        if (run(s, h, ANTI_AMPLIFICATION * length, 0)) {
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
        return h != null && run(s, h, Long.MAX_VALUE, 1);
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
            byte[] cid = s.issuedCid;
            if (cid != null) { // nothing has been sent: BouncyCastle's handshake issues its own
                shared.sessionsByCid().remove(java.nio.ByteBuffer.wrap(cid), s);
                s.issuedCid = null;
            }
            s.restored = null;
            s.quick = null;
            return false;
        }
        send(s);
        return true;
    }

    /** A datagram for {@code s} while its flight is out: a retransmitted ClientHello, or the client's last flight. */
    void received(Session s, byte[] data, int length, InetSocketAddress source, int verdict) {
        Pending p = s.quick;
        if (source.equals(s.address) && p.budget != Long.MAX_VALUE) {
            p.budget += ANTI_AMPLIFICATION * length;
        }
        if ((verdict & RecordFilter.CLIENT_HELLO) != 0) {
            send(s); // our flight was lost (RFC 6347 §4.2.4)
            return;
        }
        transport.decryptRestored(s, data, length, source); // ChangeCipherSpec (epoch 0) is passed over
        RestoredRecords r = s.restored;
        if (!s.established && !s.removed && r != null && r.closed) {
            transport.handshakeFailed(s, new IOException("the peer sent an alert during the abbreviated handshake"));
        }
    }

    /** The handshake record of {@code s} that came under the new keys: the client's Finished. */
    void finished(Session s, byte[] buf, int off, int len) {
        Pending p = s.quick;
        if (p == null || s.removed) {
            return; // established already: a retransmitted Finished
        }
        if (len != MESSAGE_HEADER + VERIFY_DATA || buf[off] != HandshakeType.finished
                || RecordFilter.u16(buf, off + 4) != p.clientFinishedSeq || RecordFilter.u24(buf, off + 1) != VERIFY_DATA
                || RecordFilter.u24(buf, off + 6) != 0 || RecordFilter.u24(buf, off + 9) != VERIFY_DATA) {
            fail(s, new TlsFatalAlert(AlertDescription.unexpected_message, "not the client's Finished"));
            return;
        }
        if (!Arrays.constantTimeAreEqual(VERIFY_DATA, p.clientVerifyData, 0, buf, off + MESSAGE_HEADER)) {
            fail(s, new TlsFatalAlert(AlertDescription.decrypt_error));
            return;
        }
        s.quick = null;
        if (p.timer != null) {
            p.timer.cancel();
        }
        transport.established(s, null, p.result);
        for (byte[] m : p.early) {
            if (s.removed || !s.established) {
                break;
            }
            transport.deliver(s, m, 0, m.length);
        }
    }

    /**
     * An application record of {@code s} that authenticated before the client's Finished came (the
     * client sent it right after its Finished, which was lost or overtaken): kept, at most
     * {@link #MAX_EARLY}, and handed to CoAP once the Finished has verified; never before.
     */
    void early(Session s, byte[] buf, int off, int len) {
        Pending p = s.quick;
        if (p != null && p.early.size() < MAX_EARLY) {
            p.early.add(java.util.Arrays.copyOfRange(buf, off, off + len));
        }
    }

    private void fail(Session s, TlsFatalAlert alert) {
        try {
            byte[] record = s.restored.encode(ContentType.alert, new byte[] {2, (byte) alert.getAlertDescription()}, 0, 2);
            transport.datagrams.send(record, record.length, s.address);
        } catch (IOException | RuntimeException e) {
            // the handshake fails anyway
        }
        transport.handshakeFailed(s, alert);
    }

    /**
     * Sends the flight (ServerHello, ChangeCipherSpec, Finished: one datagram) under new record
     * sequence numbers, within {@link #MAX_FLIGHTS} and the budget, and sets the timer for the next.
     */
    private void send(Session s) {
        Pending p = s.quick;
        if (p.flights >= MAX_FLIGHTS) {
            return; // left to the handshake timeout
        }
        byte[] finishedRecord;
        try {
            finishedRecord = s.restored.encode(ContentType.handshake, p.finished, 0, p.finished.length);
        } catch (IOException | RuntimeException e) {
            transport.handshakeFailed(s, e);
            return;
        }
        byte[] flight = new byte[2 * RecordFilter.HEADER + p.serverHello.length + 1 + finishedRecord.length];
        int pos = plainRecord(flight, 0, ContentType.handshake, p.epoch0++, p.serverHello);
        pos = plainRecord(flight, pos, ContentType.change_cipher_spec, p.epoch0++, new byte[] {1});
        System.arraycopy(finishedRecord, 0, flight, pos, finishedRecord.length);
        if (flight.length > p.budget) {
            return; // left to the client's retransmission, which raises the budget (its sequence numbers stay unused)
        }
        p.flights++;
        p.budget -= flight.length;
        transport.datagrams.send(flight, flight.length, s.address);
        if (p.timer != null) {
            p.timer.cancel();
        }
        p.timer = transport.scheduler.schedule(() -> resend(s, p), p.resendNanos);
    }

    private void resend(Session s, Pending p) {
        if (s.quick != p || s.removed) {
            return; // done or failed
        }
        p.resendNanos = Math.min(p.resendNanos * 2, TimeUnit.SECONDS.toNanos(60));
        send(s);
    }

    // ---------------------------------------------------------------- the flight

    private Pending flight(Session s, ResumingHello h, byte[] master, Hashtable<Integer, byte[]> extensions, int firstSeq,
                           long budget) throws IOException {
        if (randoms == null) {
            randoms = shared.crypto.createNonceGenerator(new byte[0]);
        }
        byte[] serverRandom = randoms.generateNonce(32);
        ByteArrayOutputStream body = new ByteArrayOutputStream(128);
        new ServerHello(ProtocolVersion.DTLSv12, serverRandom, h.hello().getSessionID(), h.suite(), extensions)
                .encode(null, body);
        byte[] serverHello = message(HandshakeType.server_hello, firstSeq, body.toByteArray());
        int hashAlgorithm = TlsCryptoUtils.getHashForPRF(h.prf());
        TlsHash transcript = shared.crypto.createHash(hashAlgorithm);
        transcript.update(h.message(), 0, h.message().length); // the ClientHello, with its cookie if any (RFC 6347 §4.2.6)
        transcript.update(serverHello, 0, serverHello.length);
        TlsSecret secret = shared.crypto.createSecret(master.clone());
        byte[] serverVerify = secret.deriveUsingPRF(h.prf(), ExporterLabel.server_finished,
                transcript.cloneHash().calculateHash(), VERIFY_DATA).extract();
        byte[] finished = message(HandshakeType.finished, firstSeq + 1, serverVerify);
        transcript.update(finished, 0, finished.length);
        byte[] clientVerify = secret.deriveUsingPRF(h.prf(), ExporterLabel.client_finished, transcript.calculateHash(),
                VERIFY_DATA).extract();
        secret.destroy();

        byte[] issued = s.issuedCid == null ? new byte[0] : s.issuedCid.clone();
        byte[] clientCid = h.clientCid() == null ? new byte[0] : h.clientCid();
        SessionSnapshot keys = new SessionSnapshot(s.address, true, h.suite(), h.prf(), hashAlgorithm,
                TlsCryptoUtils.getHashOutputSize(hashAlgorithm), false, false, master, h.hello().getRandom(),
                serverRandom, clientCid, issued, 0, -1, true, h.identity());
        s.restored = new RestoredRecords(keys, shared.crypto);
        HandshakeResult result = new HandshakeResult(h.identity(), CipherSuites.name(h.suite()), issued, true, null, null);
        // epoch 0 continues from the ClientHello's record sequence number, as BouncyCastle's does
        Pending p = new Pending(serverHello, finished, h.recordSeq(), clientVerify, h.messageSeq() + 1, result, budget);
        p.resendNanos = shared.config.handshakeRetransmission().toNanos();
        return p;
    }

    /** A handshake message, unfragmented (RFC 6347 §4.2.2). */
    private static byte[] message(short type, int seq, byte[] body) {
        byte[] m = new byte[MESSAGE_HEADER + body.length];
        m[0] = (byte) type;
        put24(m, 1, body.length);
        m[4] = (byte) (seq >> 8);
        m[5] = (byte) seq;
        put24(m, 9, body.length);
        System.arraycopy(body, 0, m, MESSAGE_HEADER, body.length);
        return m;
    }

    /** An epoch-0 record of {@code fragment} at {@code pos}; where the next one goes. */
    private static int plainRecord(byte[] out, int pos, short type, long seq, byte[] fragment) {
        RecordFilter.putHeader(out, pos, type, 0, seq, NO_CID, fragment.length);
        System.arraycopy(fragment, 0, out, pos + RecordFilter.HEADER, fragment.length);
        return pos + RecordFilter.HEADER + fragment.length;
    }

    private static void put24(byte[] b, int off, int v) {
        b[off] = (byte) (v >> 16);
        b[off + 1] = (byte) (v >> 8);
        b[off + 2] = (byte) v;
    }
}
