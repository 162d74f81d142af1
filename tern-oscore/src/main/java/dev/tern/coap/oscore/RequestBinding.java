package dev.tern.coap.oscore;

/**
 * What binds a response to its request (RFC 8613 §5.4, §7.3): the security context, the request's
 * kid and Partial IV, which enter every response's external AAD and, for responses without their
 * own Partial IV, the nonce. On the client it also holds the highest notification Partial IV seen,
 * so older notifications are rejected (§7.4.1). Opaque; one per request.
 */
public final class RequestBinding {
    private final SecurityContext context;
    private final byte[] requestKid;
    private final byte[] requestPiv;
    private long highestNotification = -1;

    RequestBinding(SecurityContext context, byte[] requestKid, byte[] requestPiv) {
        this.context = context;
        this.requestKid = requestKid;
        this.requestPiv = requestPiv;
    }

    /** The security context the request was protected with. */
    public SecurityContext context() {
        return context;
    }

    byte[] requestKid() {
        return requestKid;
    }

    byte[] requestPiv() {
        return requestPiv;
    }

    /** Whether a response Partial IV is newer than any verified before for this request (§7.4.1). */
    synchronized boolean isNewerNotification(long seq) {
        return seq > highestNotification;
    }

    /** Records a verified response Partial IV; false when a newer one won the race. */
    synchronized boolean acceptNotification(long seq) {
        if (seq <= highestNotification) {
            return false;
        }
        highestNotification = seq;
        return true;
    }
}
