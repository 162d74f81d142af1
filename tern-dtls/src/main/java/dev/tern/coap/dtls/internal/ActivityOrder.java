package dev.tern.coap.dtls.internal;

/**
 * Established sessions, least recently active first: every record received or sent moves its
 * session to the end, so the idlest one is found without a scan when the session cap is reached.
 * Every established session is in the order, whether or not it moved (RFC 9146), so the cap holds.
 * Used on the scheduler thread only.
 */
final class ActivityOrder {
    private Session idlest;
    private Session busiest;

    /** The least recently active session, or null. */
    Session idlest() {
        return idlest;
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

    /** Takes {@code s} out of the order. */
    void unlink(Session s) {
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
