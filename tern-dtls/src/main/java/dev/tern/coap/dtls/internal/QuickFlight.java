package dev.tern.coap.dtls.internal;

import dev.tern.coap.spi.Scheduler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.ContentType;
import org.bouncycastle.tls.HandshakeType;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server handshake run in place on the scheduler thread, without a handshake thread
 * ({@link QuickResumption}, {@link QuickPsk}): the server's flight as one datagram and its
 * retransmissions (RFC 6347 §4.2.4), the client's Finished checked in constant time, the session
 * established with the record layer restored sessions use ({@link RestoredRecords}).
 *
 * <p>Two shapes. An abbreviated handshake: the flight is ServerHello, ChangeCipherSpec and
 * Finished, and the client's Finished ends it. A full PSK handshake: the first flight is ServerHello
 * and ServerHelloDone; the client's last flight brings the key exchange ({@link #exchange}), its
 * ChangeCipherSpec and Finished; the server's ChangeCipherSpec and Finished answer, and since nothing
 * follows them they have no timer: they are sent again whenever the client's Finished comes again
 * (the client retransmits its flight when ours was lost, §4.2.4), until the client's first
 * application record shows it has them, at most {@link #MAX_FLIGHTS} times in all.
 *
 * <p>Every transmission has new record sequence numbers: with the old ones a client takes the copy
 * for a replay. Scheduler thread only.
 */
final class QuickFlight {
    private static final Logger LOG = LoggerFactory.getLogger(QuickFlight.class);
    static final int VERIFY_DATA = 12;
    /** How often a flight is sent at most, the first time included. */
    static final int MAX_FLIGHTS = 6;
    /** Without a cookie exchange, the server sends at most this many times what it received (RFC 9000 §8.1). */
    static final int ANTI_AMPLIFICATION = 3;
    /** Application records kept per handshake until the client's Finished has verified. */
    static final int MAX_EARLY = 4;
    static final byte[][] NO_MESSAGES = new byte[0][];
    /** The budget of a handshake after a cookie exchange: the client proved its address. */
    static final long UNLIMITED = -1;
    private static final int MESSAGE_HEADER = RecordFilter.HANDSHAKE_HEADER;
    private static final byte[] NO_CID = new byte[0];

    private final DtlsTransport transport;
    private final Session s;
    /** Whether the server's Finished answers the client's (a full handshake) rather than precedes it. */
    private final boolean full;
    /** The epoch-0 handshake messages of the flight; none in a full handshake's last flight. */
    byte[][] messages;
    /** The server's Finished, sent under the new keys after a ChangeCipherSpec; null in a full handshake's first flight. */
    byte[] finished;
    /** A full handshake's server Finished, known once the keys are, sent only after the client's has verified. */
    byte[] lastFinished;
    /** The next epoch-0 record sequence number. */
    long epoch0;
    /** The client's expected verify_data and Finished message_seq; null until the keys are known. */
    byte[] clientVerifyData;
    int clientFinishedSeq;
    HandshakeResult result;
    /** A full PSK handshake's key exchange, until the client's ClientKeyExchange came; null otherwise. */
    QuickPsk.KeyExchange exchange;
    /** Runs once the session is established (a full handshake keeps its session for resumption). */
    Runnable onEstablished;
    private int flights;
    private long resendNanos;
    /** Bytes the server may still send: 3x what the address sent; unbounded ({@link #UNLIMITED}) after a cookie exchange. */
    private long budget;
    /** Whether the server's ChangeCipherSpec went out: its alerts go under the new keys from then on. */
    private boolean changedCipher;
    /** Application data that authenticated ahead of the client's Finished (a reordering, or a lost Finished). */
    private final List<byte[]> early = new ArrayList<>(1);
    private Scheduler.Cancellable timer;

    QuickFlight(DtlsTransport transport, Session s, boolean full, byte[][] messages, long epoch0, long budget) {
        this.transport = transport;
        this.s = s;
        this.full = full;
        this.messages = messages;
        this.epoch0 = epoch0;
        this.budget = budget;
        this.resendNanos = transport.shared.config.handshakeRetransmission().toNanos();
    }

    Session session() {
        return s;
    }

    /** A datagram for the handshake: a retransmitted ClientHello, or (part of) the client's last flight. */
    void received(byte[] data, int length, InetSocketAddress source, int verdict) {
        if (source.equals(s.address) && budget != UNLIMITED) {
            budget += ANTI_AMPLIFICATION * (long) length;
        }
        if ((verdict & RecordFilter.CLIENT_HELLO) != 0) {
            if (!full || exchange != null) {
                send(true); // our flight was lost (RFC 6347 §4.2.4)
            } // else the client has answered that flight already: a stale or replayed copy
            return;
        }
        plainRecords(data, length);
        if (s.removed || s.restored == null) {
            return;
        }
        transport.records.decryptRestored(s, data, length, source); // the Finished comes to finished()
        RestoredRecords r = s.restored;
        if (!s.established && !s.removed && r != null && r.closed) {
            transport.handshakeFailed(s, new IOException("the peer sent an alert during the handshake"));
        }
    }

    /** The epoch-0 records of a datagram: a full handshake's ClientKeyExchange, or a fatal alert. */
    private void plainRecords(byte[] data, int length) {
        int cid = transport.shared.config.connectionIdLength();
        int pos = 0;
        while (length - pos >= RecordFilter.HEADER && !s.removed) {
            int type = data[pos] & 0xFF;
            int header = type == RecordFilter.TLS12_CID ? RecordFilter.HEADER + cid : RecordFilter.HEADER;
            if (length - pos < header) {
                return;
            }
            int body = pos + header;
            int end = body + RecordFilter.u16(data, body - 2);
            if (end > length) {
                return;
            }
            if (RecordFilter.u16(data, pos + 3) == 0) {
                if (type == RecordFilter.HANDSHAKE && exchange != null) {
                    exchange.handshake(this, data, body, end);
                } else if (type == RecordFilter.ALERT && end - body == 2 && data[body] == 2) {
                    transport.handshakeFailed(s, new TlsFatalAlertReceived((short) (data[body + 1] & 0xFF)));
                }
            }
            pos = end;
        }
    }

    /** The handshake record of the session that came under the new keys: the client's Finished. */
    void finished(byte[] buf, int off, int len) {
        if (s.removed || clientVerifyData == null) {
            return;
        }
        if (len != MESSAGE_HEADER + VERIFY_DATA || buf[off] != HandshakeType.finished
                || RecordFilter.u16(buf, off + 4) != clientFinishedSeq || RecordFilter.u24(buf, off + 1) != VERIFY_DATA
                || RecordFilter.u24(buf, off + 6) != 0 || RecordFilter.u24(buf, off + 9) != VERIFY_DATA) {
            fail(new TlsFatalAlert(AlertDescription.unexpected_message, "not the client's Finished"));
            return;
        }
        if (!Arrays.constantTimeAreEqual(VERIFY_DATA, clientVerifyData, 0, buf, off + MESSAGE_HEADER)) {
            fail(new TlsFatalAlert(AlertDescription.decrypt_error, "the client's Finished did not verify"));
            return;
        }
        s.quick = null;
        cancelTimer();
        transport.established(s, null, result);
        if (!s.established || s.removed) {
            return;
        }
        if (full) {
            messages = NO_MESSAGES;
            finished = lastFinished;
            flights = 0; // the last flight's own count
            s.lastFlight = this;
            send(false);
        }
        if (onEstablished != null) {
            try {
                onEstablished.run();
            } catch (RuntimeException e) {
                LOG.debug("DTLS session with {} established, not kept for resumption: {}", s.address, e.toString());
            }
        }
        for (byte[] m : early) {
            if (s.removed || !s.established) {
                break;
            }
            transport.records.deliver(s, m, 0, m.length);
        }
        early.clear();
    }

    /**
     * A record of the new epoch that did not authenticate before the client's Finished verified: in a
     * full handshake that is the client's Finished under other keys, a wrong pre-shared key, and the
     * handshake ends at once with decrypt_error, as BouncyCastle's handshakes here do
     * ({@link HandshakeCrypto}) instead of leaving the client retransmitting until its timeout.
     */
    void rejected() {
        if (full && clientVerifyData != null && !s.established && !s.removed) {
            fail(new TlsFatalAlert(AlertDescription.decrypt_error,
                    "the peer's Finished did not decrypt: the keys differ (wrong pre-shared key?)"));
        }
    }

    /**
     * An application record that authenticated before the client's Finished came (sent right after
     * its Finished, which was lost or overtaken): kept, at most {@link #MAX_EARLY}, and handed to CoAP
     * once the Finished has verified; never before.
     */
    void early(byte[] buf, int off, int len) {
        if (early.size() < MAX_EARLY) {
            early.add(java.util.Arrays.copyOfRange(buf, off, off + len));
        }
    }

    /** The client's Finished came again after the session was established: our last flight was lost. */
    void repeat() {
        send(false);
        if (flights >= MAX_FLIGHTS && s.lastFlight == this) {
            s.lastFlight = null; // sent as often as it will be: nothing more to keep
        }
    }

    /** Ends the handshake with {@code alert}, sent to the client. */
    void fail(TlsFatalAlert alert) {
        byte[] payload = {2, (byte) alert.getAlertDescription()};
        try {
            byte[] record = changedCipher ? s.restored.encode(ContentType.alert, payload, 0, 2)
                    : plainRecord(ContentType.alert, payload);
            transport.datagrams.send(record, record.length, s.address);
        } catch (IOException | RuntimeException e) {
            // the handshake fails anyway
        }
        cancelTimer();
        transport.handshakeFailed(s, alert);
    }

    /** The server's flight is out; later ones stop its retransmission (the client has it). */
    void stopRetransmission() {
        cancelTimer();
    }

    /**
     * Sends the flight as one datagram under new record sequence numbers, within
     * {@link #MAX_FLIGHTS} and the budget; with {@code retransmit}, sets the timer for the next copy.
     */
    void send(boolean retransmit) {
        if (flights >= MAX_FLIGHTS || s.removed) {
            return; // left to the handshake timeout
        }
        byte[] finishedRecord = null;
        int size = 0;
        for (byte[] m : messages) {
            size += RecordFilter.HEADER + m.length;
        }
        if (finished != null) {
            try {
                finishedRecord = s.restored.encode(ContentType.handshake, finished, 0, finished.length);
            } catch (IOException | RuntimeException e) {
                transport.handshakeFailed(s, e);
                return;
            }
            size += RecordFilter.HEADER + 1 + finishedRecord.length;
        }
        if (budget != UNLIMITED && size > budget) {
            return; // left to the client's retransmission, which raises the budget
        }
        byte[] flight = new byte[size];
        int pos = 0;
        for (byte[] m : messages) {
            pos = plainRecord(flight, pos, ContentType.handshake, epoch0++, m);
        }
        if (finishedRecord != null) {
            pos = plainRecord(flight, pos, ContentType.change_cipher_spec, epoch0++, new byte[] {1});
            System.arraycopy(finishedRecord, 0, flight, pos, finishedRecord.length);
            changedCipher = true;
        }
        flights++;
        if (budget != UNLIMITED) {
            budget -= size;
        }
        transport.datagrams.send(flight, flight.length, s.address);
        cancelTimer();
        if (retransmit) {
            timer = transport.scheduler.schedule(this::resend, resendNanos);
        }
    }

    private void resend() {
        if (s.quick != this || s.removed) {
            return; // done or failed
        }
        resendNanos = Math.min(resendNanos * 2, TimeUnit.SECONDS.toNanos(60));
        send(true);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private byte[] plainRecord(short type, byte[] fragment) {
        byte[] r = new byte[RecordFilter.HEADER + fragment.length];
        plainRecord(r, 0, type, epoch0++, fragment);
        return r;
    }

    /**
     * The ServerHello of an in-place handshake (RFC 5246 §7.4.1.3, DTLS 1.2), encoded by BouncyCastle,
     * as handshake message {@code seq}.
     */
    static byte[] serverHello(byte[] random, byte[] sessionId, int suite, java.util.Hashtable<Integer, byte[]> extensions,
                              int seq) throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(128);
        new org.bouncycastle.tls.ServerHello(org.bouncycastle.tls.ProtocolVersion.DTLSv12, random, sessionId, suite,
                extensions).encode(null, body);
        return message(HandshakeType.server_hello, seq, body.toByteArray());
    }

    /** A handshake message, unfragmented (RFC 6347 §4.2.2). */
    static byte[] message(short type, int seq, byte[] body) {
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
