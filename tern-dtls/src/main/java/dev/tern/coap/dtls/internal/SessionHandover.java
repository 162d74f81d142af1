package dev.tern.coap.dtls.internal;

import dev.tern.coap.PeerIdentity;
import dev.tern.coap.dtls.DtlsSession;
import java.io.IOException;
import org.bouncycastle.tls.ConnectionEnd;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.util.encoders.Hex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Established sessions leaving one process and entering the next (issue 10: a planned restart or a
 * cluster handover without a handshake). Leaving: a session becomes a {@link SessionSnapshot} and is
 * then dropped without a close_notify, so that the peer keeps it and this process never sends under
 * its keys again (the next process continues its sequence numbers: reusing one would reuse an AEAD
 * nonce). Entering: the snapshot becomes a session with a {@link RestoredRecords} record layer.
 */
final class SessionHandover {
    private static final Logger LOG = LoggerFactory.getLogger(SessionHandover.class);

    private SessionHandover() {
    }

    /**
     * Hands every established session of {@code t} over: each becomes a snapshot record and is
     * dropped without a close_notify (the peer keeps it; nothing is sent under its keys from here
     * on). Sessions that cannot be captured end as usual, as do a client's sessions without a
     * Connection ID (RFC 9146): its next process may send from another port, where the server could
     * not find them; such a client resumes (RFC 5246 §7.3). On {@code t}'s scheduler thread.
     */
    static java.util.Map<dev.tern.coap.Bytes, byte[]> handOver(DtlsTransport t) {
        java.util.Map<dev.tern.coap.Bytes, byte[]> out = new java.util.LinkedHashMap<>();
        for (Session s : t.established.all()) {
            // a client's next process may send from another port: only a Connection ID finds the session then
            SessionSnapshot snap = t.shared.server || s.cidOut > 0 ? snapshot(s) : null;
            byte[] record = null;
            try {
                record = snap == null ? null : snap.encode();
            } catch (IOException e) {
                LOG.debug("DTLS session with {} not handed over: {}", s.address, e.getMessage());
            }
            if (record != null) {
                out.put(snap.key(), record);
            }
            t.remove(s, record == null);
        }
        return out;
    }

    /** Takes in sessions another process handed over (the session cap applies); on {@code t}'s scheduler thread. */
    static void adopt(DtlsTransport t, java.util.List<SessionSnapshot> snapshots) {
        int n = 0;
        for (SessionSnapshot snap : snapshots) {
            if (t.established.size() >= t.shared.config.maxSessions() || t.established.get(snap.peer()) != null) {
                continue;
            }
            Session s = restore(t, snap);
            if (s == null || s.issuedCid != null
                    && t.byCid.putIfAbsent(java.nio.ByteBuffer.wrap(s.issuedCid.clone()), s) != null) {
                continue;
            }
            t.metrics.sessionOpened();
            t.established.put(s);
            t.touch(s);
            s.lastReceived = s.lastActivity;
            s.lastFromAddress = s.lastActivity;
            n++;
        }
        if (n > 0) {
            LOG.info("DTLS: {} sessions restored without a handshake", n);
        }
    }

    /** The snapshot of an established session; null when it cannot be taken (it then ends as usual). */
    static SessionSnapshot snapshot(Session s) {
        if (s.restored != null) {
            SessionSnapshot r = s.restored.snapshot;
            return new SessionSnapshot(s.address, r.server(), r.cipherSuite(), r.prfAlgorithm(), r.prfCryptoHash(),
                    r.prfHashLength(), r.encryptThenMac(), r.truncatedHmac(), r.masterSecret(), r.clientRandom(),
                    r.serverRandom(), r.cidLocal(), r.cidPeer(), s.restored.nextWriteSequence(),
                    s.restored.newestReceived(), r.resumed(), r.identity());
        }
        SecurityParameters sp = s.result == null ? null : s.result.parameters();
        if (sp == null || !ProtocolVersion.DTLSv12.equals(sp.getNegotiatedVersion()) || sp.isExtendedPadding()) {
            return null;
        }
        byte[] master = s.result.masterSecret();
        if (master == null) {
            return null;
        }
        return new SessionSnapshot(s.address, sp.getEntity() == ConnectionEnd.server, sp.getCipherSuite(),
                sp.getPRFAlgorithm(), sp.getPRFCryptoHashAlgorithm(), sp.getPRFHashLength(), sp.isEncryptThenMAC(),
                sp.isTruncatedHMac(), master, sp.getClientRandom(), sp.getServerRandom(), orEmpty(sp.getConnectionIDLocal()),
                orEmpty(sp.getConnectionIDPeer()), s.sentSequence + 1, s.receivedSequence, s.result.resumed(),
                s.result.identity());
    }

    /**
     * A session of {@code owner} from {@code snap}; null when it must not or cannot be restored (the
     * other role's, a PSK identity the store no longer knows, a suite that does not rebuild).
     */
    private static Session restore(DtlsTransport owner, SessionSnapshot snap) {
        DtlsContext shared = owner.shared;
        if (snap.server() != shared.server) {
            return null;
        }
        PeerIdentity id = snap.identity();
        if (shared.server && id != null && id.kind() == PeerIdentity.Kind.PRE_SHARED_KEY
                && shared.pskKey(id.name()) == null) {
            LOG.debug("DTLS session with {} not restored: PSK identity no longer known", snap.peer());
            return null;
        }
        if (!RestoredCipher.supported(snap.cipherSuite())) {
            LOG.debug("DTLS session with {} not restored: suite {}", snap.peer(), CipherSuites.name(snap.cipherSuite()));
            return null;
        }
        RestoredRecords records = new RestoredRecords(snap, shared.crypto);
        Session s = new Session(owner, snap.peer());
        s.restored = records;
        s.established = true;
        byte[] issued = shared.server ? snap.cidPeer() : snap.cidLocal();
        s.result = new HandshakeResult(id, CipherSuites.name(snap.cipherSuite()), issued, snap.resumed(), null, null);
        s.info = new DtlsSession(snap.peer(), id, s.result.cipherSuite(), Hex.toHexString(issued), snap.resumed());
        s.cidIn = snap.cidPeer().length;
        s.cidOut = snap.cidLocal().length;
        if (shared.server && issued.length > 0) {
            s.issuedCid = issued.clone();
        }
        return s;
    }

    private static byte[] orEmpty(byte[] b) {
        return b == null ? new byte[0] : b;
    }
}
