package dev.tern.coap.dtls.internal;

import dev.tern.coap.dtls.DtlsSession;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DTLSRecordCallback;
import org.bouncycastle.tls.DTLSRecordFlags;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;

/**
 * One DTLS association of a {@link DtlsTransport}: a handshake in progress, then an established
 * session. It is BouncyCastle's datagram source and sink during the handshake (fed through a bounded
 * inbox from the scheduler thread) and after it (one datagram at a time, in place, on the scheduler
 * thread). It is also the opaque association the engine binds CoAP state to (RFC 7252 §9.1).
 */
final class Session implements DatagramTransport, DTLSRecordCallback {
    /** Thrown by a session's datagram source when the one datagram being decrypted is used up. */
    private static final InterruptedIOException NO_DATAGRAM = new InterruptedIOException("no datagram") {
        private static final long serialVersionUID = 1L;

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };
    private static final int INBOX = 64;
    private static final int HANDSHAKE_RECEIVE_LIMIT = RecordFilter.MAX_RECORD + 64;

    private final DtlsTransport owner;
    /** The confirmed address: where records are sent, and the key in the established table. */
    volatile InetSocketAddress address;
    final ArrayBlockingQueue<Early> inbox = new ArrayBlockingQueue<>(INBOX);
    final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    volatile boolean closed;
    boolean removed;
    boolean established;
    /** Whether a record of the datagram being decrypted authenticated. */
    boolean accepted;
    DTLSTransport dtls;
    /** The record layer of a session restored from a snapshot instead of {@link #dtls}; null otherwise. */
    RestoredRecords restored;
    /** Server: a handshake run in place ({@link QuickResumption}, {@link QuickPsk}) until the client's Finished. */
    QuickFlight quick;
    /**
     * Server: a full handshake run in place whose last flight (ChangeCipherSpec, Finished) is sent again
     * when the client's Finished comes again; null once the client's first application record came.
     */
    QuickFlight lastFlight;
    /**
     * The highest sequence number of the records sent under the session's keys (epoch 1; -1 before the
     * first), read from their headers: a snapshot continues above it, so no nonce is used twice.
     */
    long sentSequence = -1;
    /** The sequence number of the newest authenticated record received (epoch 1), or -1. */
    long receivedSequence = -1;
    /** Connection ID lengths in the records sent and received once established (-1 before). */
    int cidOut = -1;
    int cidIn = -1;
    HandshakeResult result;
    /**
     * Set by a server's handshake thread once BouncyCastle has accepted the handshake, before the
     * scheduler thread takes the session in: running it establishes the session (once).
     */
    volatile Runnable completion;
    volatile DtlsSession info;
    volatile byte[] issuedCid;
    /** The client random of the ClientHello that started a server handshake (retransmissions repeat it). */
    byte[] clientRandom;
    int fragments;
    /** When the handshake started: its staleness and timeout count from here. */
    long startedAt;
    long lastActivity;
    long lastReceived;
    /** The last authenticated record from {@link #address} (RFC 9146 §6 address confirmation). */
    long lastFromAddress;
    /** A new address authenticated records came from, not yet confirmed; null if none. */
    InetSocketAddress candidate;
    int candidateRecords;
    /** Neighbours in the transport's {@link SessionTable} activity order. */
    Session idler;
    Session busier;
    byte[] slot;
    int slotLength;
    InetSocketAddress slotSource;
    /** The datagram BouncyCastle took from {@link #slot} and is decrypting now (its records' headers). */
    byte[] taken;
    /** Handshake thread: the records written since it last waited, sent together by {@link #flushFlight}. */
    private byte[] flight;
    private int flightLength;

    Session(DtlsTransport owner, InetSocketAddress address) {
        this.owner = owner;
        this.address = address;
    }

    DtlsTransport owner() {
        return owner;
    }

    @Override
    public int getReceiveLimit() {
        return slot != null && owner.scheduler.inSchedulerThread() ? Math.max(slotLength, RecordFilter.HEADER)
                : HANDSHAKE_RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return owner.shared.config.maxDatagramSize();
    }

    @Override
    public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
        if (owner.scheduler.inSchedulerThread()) {
            byte[] d = slot;
            if (d == null) {
                throw NO_DATAGRAM;
            }
            slot = null;
            taken = d;
            int n = slotLength;
            System.arraycopy(d, 0, buf, off, Math.min(n, len));
            return n;
        }
        // a handshake thread: send what it wrote, then wait for the scheduler thread to hand a datagram over
        flushFlight();
        long wait = waitMillis <= 0 ? 1000 : Math.min(waitMillis, 1000);
        Early next;
        try {
            next = inbox.poll(wait, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClosedSession();
        }
        if (closed) {
            throw new ClosedSession();
        }
        if (next == null) {
            return -1;
        }
        System.arraycopy(next.data(), 0, buf, off, Math.min(next.data().length, len));
        return next.data().length;
    }

    @Override
    public void send(byte[] buf, int off, int len) {
        sentSequence = Math.max(sentSequence, newestProtected(buf, off, len, cidOut));
        InetSocketAddress to = address;
        if (owner.scheduler.inSchedulerThread()) {
            owner.datagrams.send(off == 0 ? buf : Arrays.copyOfRange(buf, off, off + len), len, to);
        } else if (!closed) {
            int limit = getSendLimit();
            if (flightLength > 0 && flightLength + len > limit) {
                flushFlight();
            }
            if (len >= limit) {
                byte[] copy = Arrays.copyOfRange(buf, off, off + len);
                owner.scheduler.execute(() -> owner.datagrams.send(copy, copy.length, to));
                return;
            }
            if (flight == null) {
                flight = new byte[limit];
            }
            System.arraycopy(buf, off, flight, flightLength, len);
            flightLength += len;
        }
    }

    /**
     * Handshake thread: sends the records written since the last call as one datagram (RFC 6347
     * §4.1.1: several records may share a datagram; {@link #send} keeps it within the send limit).
     * BouncyCastle writes each record of a flight separately; one datagram per flight instead of
     * one per record saves the scheduler thread a hand-off and a send per record. Called before the
     * handshake thread waits for the peer and when its handshake ends.
     */
    void flushFlight() {
        if (flightLength == 0) {
            return;
        }
        byte[] datagram = flight;
        int length = flightLength;
        flight = null; // a new one per flight: none kept once the handshake is over
        flightLength = 0;
        // even when closed meanwhile: BouncyCastle closes its transport right after writing a fatal alert
        InetSocketAddress to = address;
        owner.scheduler.execute(() -> owner.datagrams.send(datagram, length, to));
    }

    @Override
    public void close() {
        closed = true;
    }

    /** RFC 9146 §6: an authenticated record; one from a new address may move the session. */
    @Override
    public void recordAccepted(int flags) {
        if ((flags & DTLSRecordFlags.IS_NEWEST) != 0 && taken != null) {
            receivedSequence = Math.max(receivedSequence, newestProtected(taken, 0, slotLength, cidIn));
        }
        InetSocketAddress from = slotSource;
        if (from != null) {
            owner.recordFrom(this, from, flags);
        }
    }

    /** Whether the session carries records: established under BouncyCastle's or a restored record layer. */
    boolean live() {
        return dtls != null || restored != null;
    }

    /**
     * The highest sequence number among the protected records (epoch above 0) of a datagram, from
     * their plaintext headers (RFC 6347 §4.1); -1 if it has none. {@code cidLength} is the length of
     * the Connection ID in its {@code tls12_cid} records (RFC 9146 §4), or -1 when not known yet
     * (then the scan ends at the first such record). In a datagram whose newest record authenticated,
     * a higher one could only be a forgery appended on the path: it could make a restored session
     * discard the peer's next records, a denial such an attacker can cause anyway by dropping them.
     */
    static long newestProtected(byte[] d, int off, int len, int cidLength) {
        long max = -1;
        int pos = off;
        int end = off + len;
        while (end - pos >= RestoredRecords.HEADER) {
            if (RecordFilter.u16(d, pos + 3) != 0) {
                max = Math.max(max, RecordFilter.u48(d, pos + 5));
            }
            int header = RestoredRecords.HEADER;
            if ((d[pos] & 0xFF) == org.bouncycastle.tls.ContentType.tls12_cid) {
                if (cidLength < 0 || end - pos < RestoredRecords.HEADER + cidLength) {
                    break;
                }
                header += cidLength;
            }
            pos += header + RecordFilter.u16(d, pos + header - 2);
        }
        return max;
    }

    @Override
    public String toString() {
        DtlsSession i = info;
        return i != null ? i.toString() : "handshake with " + address;
    }

    /** A datagram for a session still in its handshake, and where it came from. */
    record Early(byte[] data, InetSocketAddress source) {
    }

    /** The handshake's session was closed or evicted from the scheduler thread. */
    static final class ClosedSession extends IOException {
        private static final long serialVersionUID = 1L;

        ClosedSession() {
            super("the session was closed");
        }
    }
}
