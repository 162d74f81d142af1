package dev.tern.coap.dtls.internal;

import dev.tern.coap.dtls.DtlsSession;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.bouncycastle.tls.DTLSRecordFlags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The established sessions of one transport: by confirmed address, one session per address, and
 * least recently active first (every record received or sent moves its session to the end), so the
 * idlest one is found without a scan when the session cap is reached. Every session is in the
 * order, whether or not it moved (RFC 9146), so the cap holds. Used on the scheduler thread only.
 */
final class SessionTable {
    private static final Logger LOG = LoggerFactory.getLogger(SessionTable.class);

    private final HashMap<InetSocketAddress, Session> byAddress = new HashMap<>();
    private Session idlest;
    private Session busiest;

    /** The session whose confirmed address is {@code peer}, or null. */
    Session get(InetSocketAddress peer) {
        return byAddress.get(peer);
    }

    int size() {
        return byAddress.size();
    }

    /** Adds {@code s} at its address; the caller removed any session there before. */
    void put(Session s) {
        byAddress.put(s.address, s);
    }

    /** Removes {@code s} from the address table and the activity order. */
    void remove(Session s) {
        byAddress.remove(s.address, s);
        unlink(s);
    }

    /** A snapshot of the sessions. */
    List<Session> all() {
        return new ArrayList<>(byAddress.values());
    }

    /** The least recently active session, or null. */
    Session idlest() {
        return idlest;
    }

    /**
     * An authenticated record of {@code s} came from {@code from} at {@code now} (RFC 9146 §6). A
     * newest CID record from a new address makes that address a candidate; the session moves there
     * once it is confirmed, by its current address having been silent for {@code quietNanos} or by a
     * second record from the candidate, and only if no other session holds it and no handshake
     * runs from it ({@code handshakeThere}). A move never removes or shadows another session and
     * leaves no alias: the old address maps to nothing.
     */
    void recordFrom(Session s, InetSocketAddress from, int flags, long now, long quietNanos, boolean handshakeThere) {
        if (from.equals(s.address)) {
            s.lastFromAddress = now;
            s.candidate = null;
            return;
        }
        if ((flags & DTLSRecordFlags.IS_NEWEST) == 0 || (flags & DTLSRecordFlags.USES_CONNECTION_ID) == 0) {
            return;
        }
        if (!from.equals(s.candidate)) {
            s.candidate = from;
            s.candidateRecords = 0;
        }
        s.candidateRecords++;
        if (now - s.lastFromAddress < quietNanos && s.candidateRecords < 2) {
            return;
        }
        Session holder = byAddress.get(from);
        if ((holder != null && holder != s) || handshakeThere) {
            LOG.debug("DTLS session {} not moved to {}: the address belongs to another session", s, from);
            return;
        }
        LOG.debug("DTLS session {} moved from {} to {} (Connection ID)", s, s.address, from);
        byAddress.remove(s.address, s);
        s.address = from;
        byAddress.put(from, s);
        s.candidate = null;
        s.lastFromAddress = now;
        DtlsSession i = s.info;
        if (i != null) {
            s.info = new DtlsSession(from, i.peerIdentity(), i.cipherSuite(), i.connectionId(), i.resumed());
        }
    }

    /** {@code s} was active now: it becomes the most recently active one. */
    void touch(Session s) {
        if (busiest == s) {
            return;
        }
        if (s.busier != null || s.idler != null || idlest == s) {
            unlink(s);
        }
        s.idler = busiest;
        if (busiest != null) {
            busiest.busier = s;
        } else {
            idlest = s;
        }
        busiest = s;
    }

    private void unlink(Session s) {
        if (s.idler != null) {
            s.idler.busier = s.busier;
        } else if (idlest == s) {
            idlest = s.busier;
        }
        if (s.busier != null) {
            s.busier.idler = s.idler;
        } else if (busiest == s) {
            busiest = s.idler;
        }
        s.idler = null;
        s.busier = null;
    }
}
