package dev.tern.coap.dtls.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import org.bouncycastle.tls.DTLSRecordFlags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving record layer of a {@link DtlsTransport}'s sessions: decrypts the records of one
 * datagram, under BouncyCastle's record layer (a session its handshake established) or a
 * {@link RestoredRecords} one (a session restored from a snapshot, or a handshake run in place, whose
 * client Finished comes here before the session is established), and hands the plaintext of
 * application records to CoAP. The restored path reports through this object itself, one
 * {@link RestoredRecords.Sink} for all datagrams (no allocation per datagram), with the session and
 * source of the datagram being decoded kept on a stack discipline (a Finished may establish the
 * session and so decrypt records that waited, within the same call). Scheduler thread only.
 */
final class SessionRecords implements RestoredRecords.Sink {
    private static final Logger LOG = LoggerFactory.getLogger(SessionRecords.class);

    private final DtlsTransport transport;
    private final byte[] plain = new byte[RecordFilter.MAX_RECORD + 256];
    /** The session and source of the datagram {@link RestoredRecords#decode} is reporting on. */
    private Session current;
    private InetSocketAddress source;

    SessionRecords(DtlsTransport transport) {
        this.transport = transport;
    }

    /**
     * Decrypts the records of one datagram of an established session and hands their plaintext up;
     * whether any record of it authenticated.
     */
    boolean decrypt(Session s, byte[] data, int length, InetSocketAddress from) {
        if (s.restored != null) {
            return decryptRestored(s, data, length, from);
        }
        s.accepted = false;
        s.slot = data;
        s.slotLength = length;
        s.slotSource = from;
        try {
            int n = s.dtls.receive(plain, 0, plain.length, 1, s);
            if (n < 0) {
                // BouncyCastle gives up on its 1 ms wait once the clock has ticked, even with records
                // of this datagram still in its queue (a retransmitted flight's Finished after its
                // ClientKeyExchange): those would wait for the peer's next datagram
                n = s.dtls.receivePending(plain, 0, plain.length, s);
            }
            while (n >= 0) {
                received(s);
                transport.receiver.onDatagram(plain, n, s.address, false);
                if (s.dtls == null) {
                    return true; // removed meanwhile
                }
                n = s.dtls.receivePending(plain, 0, plain.length, s);
            }
        } catch (InterruptedIOException e) {
            // the datagram is used up
        } catch (IOException | RuntimeException e) {
            LOG.debug("DTLS session with {} failed: {}", s.address,
                    HandshakeFailures.describe(e, transport.shared.config));
            transport.remove(s);
            return true;
        } finally {
            s.slot = null;
            s.taken = null;
            s.slotSource = null;
        }
        if (s.closed) {
            LOG.debug("DTLS session with {} closed by the peer", s.address);
            transport.remove(s); // close_notify
        }
        return s.accepted;
    }

    /**
     * Decrypts the records of one datagram of a session with a {@link RestoredRecords} record layer;
     * whether any record authenticated.
     */
    boolean decryptRestored(Session s, byte[] data, int length, InetSocketAddress from) {
        RestoredRecords r = s.restored;
        Session outerSession = current;
        InetSocketAddress outerSource = source;
        current = s;
        source = from;
        boolean any;
        try {
            any = r.decode(data, length, this);
        } finally {
            current = outerSession;
            source = outerSource;
        }
        if (r.closed && s.established) {
            LOG.debug("DTLS session with {} closed by the peer", s.address);
            transport.remove(s, false);
        }
        return any;
    }

    /** Hands the plaintext of an authenticated application record of {@code s} to CoAP. */
    void deliver(Session s, byte[] buf, int off, int len) {
        received(s);
        System.arraycopy(buf, off, plain, 0, len);
        transport.receiver.onDatagram(plain, len, s.address, false);
    }

    private void received(Session s) {
        transport.touch(s);
        s.lastReceived = s.lastActivity;
        transport.shared.recordsDelivered.increment();
    }

    // ---------------------------------------------------------------- RestoredRecords.Sink

    @Override
    public void accepted(boolean newest, boolean connectionId) {
        if (current.established) {
            transport.recordFrom(current, source, (newest ? DTLSRecordFlags.IS_NEWEST : 0)
                    | (connectionId ? DTLSRecordFlags.USES_CONNECTION_ID : 0));
        }
    }

    @Override
    public void handshake(byte[] buf, int off, int len) {
        Session s = current;
        if (s.quick != null) {
            s.quick.finished(buf, off, len);
        } else if (s.lastFlight != null) {
            s.lastFlight.repeat(); // the client's flight again: our last one was lost
        }
    }

    @Override
    public void rejected() {
        if (current.quick != null) {
            current.quick.rejected();
        }
    }

    @Override
    public void applicationData(byte[] buf, int off, int len) {
        Session s = current;
        if (s.restored == null) {
            return; // removed while an earlier record of the datagram was handled
        }
        if (!s.established) {
            if (s.quick != null) {
                s.quick.early(buf, off, len); // ahead of the client's Finished
            }
            return;
        }
        s.lastFlight = null; // the client has our Finished
        deliver(s, buf, off, len);
    }
}
