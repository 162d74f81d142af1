package dev.tern.coap.dtls.internal;

import java.io.IOException;
import org.bouncycastle.tls.ContentType;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.crypto.TlsCipher;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsDecodeResult;
import org.bouncycastle.tls.crypto.TlsEncodeResult;
import org.bouncycastle.util.Arrays;

/**
 * The DTLS 1.2 record layer (RFC 6347 §4.1) of a session restored from a {@link SessionSnapshot},
 * in epoch 1 (the only epoch of an established session: BouncyCastle does not renegotiate): the
 * record header (with the Connection ID of RFC 9146 §4 when one was negotiated), the anti-replay
 * window of §4.1.2.6 and the sequence numbers. The protection itself is BouncyCastle's
 * {@link TlsCipher} ({@link RestoredCipher}), built when the session's first record comes or goes. Records of another epoch, version or Connection ID,
 * replays and records that do not authenticate are discarded silently (RFC 6347 §4.1.2.7, RFC 9146 §6).
 * One thread at a time (the transport's scheduler thread).
 */
final class RestoredRecords {
    static final int HEADER = 13;
    private static final int EPOCH = 1;
    private static final long MAX_SEQUENCE = (1L << 48) - 1;
    private static final int WINDOW = 64;

    /** What the datagram's records carried. */
    interface Sink {
        /** A record authenticated; {@code newest} when its sequence number is the highest so far. */
        void accepted(boolean newest, boolean connectionId);

        void applicationData(byte[] buf, int off, int len);

        /** A handshake message under the session's keys: a client's Finished ({@link QuickFlight}), or a late copy of one. */
        default void handshake(byte[] buf, int off, int len) {
        }

        /** A record of the session's epoch did not authenticate (it is discarded). */
        default void rejected() {
        }
    }

    final SessionSnapshot snapshot;
    private final TlsCrypto crypto;
    /** Built on the session's first record, so that a restart with many sessions starts at once. */
    private TlsCipher cipher;
    private long nextWrite;
    private long newest;
    private long seen;
    /** The peer sent a close_notify or a fatal alert: the session is over. */
    boolean closed;

    /**
     * The record layer of a session a server's handshake established in place ({@link QuickFlight}):
     * epoch 1 from sequence number 0 both ways, the record keys from {@code master} and both randoms
     * under {@code suite}'s TLS 1.2 PRF {@code prf}; {@code clientCid} goes in the records sent,
     * {@code issuedCid} is expected in those received (empty for none).
     */
    static RestoredRecords inPlace(java.net.InetSocketAddress peer, int suite, int prf, byte[] master,
                                   byte[] clientRandom, byte[] serverRandom, byte[] clientCid, byte[] issuedCid,
                                   boolean resumed, dev.tern.coap.PeerIdentity identity, TlsCrypto crypto) {
        int hash = org.bouncycastle.tls.crypto.TlsCryptoUtils.getHashForPRF(prf);
        return new RestoredRecords(new SessionSnapshot(peer, true, suite, prf, hash,
                org.bouncycastle.tls.crypto.TlsCryptoUtils.getHashOutputSize(hash), false, false, master, clientRandom,
                serverRandom, clientCid, issuedCid, 0, -1, resumed, identity), crypto);
    }

    RestoredRecords(SessionSnapshot snapshot, TlsCrypto crypto) {
        this.snapshot = snapshot;
        this.crypto = crypto;
        this.nextWrite = snapshot.nextWriteSequence();
        this.newest = snapshot.newestReceived();
        this.seen = -1L; // everything at or below the newest record the previous process accepted counts as seen
    }

    long nextWriteSequence() {
        return nextWrite;
    }

    long newestReceived() {
        return newest;
    }

    /** Decrypts the records of a datagram, in order; whether any authenticated. */
    boolean decode(byte[] data, int length, Sink sink) {
        byte[] cidIn = snapshot.cidPeer();
        boolean any = false;
        int pos = 0;
        while (!closed && length - pos >= HEADER) {
            int type = data[pos] & 0xFF;
            int header = type == ContentType.tls12_cid ? HEADER + cidIn.length : HEADER;
            if (length - pos < header) {
                break;
            }
            int len = RecordFilter.u16(data, pos + header - 2);
            int end = pos + header + len;
            if (end > length) {
                break; // a truncated last record
            }
            if (record(data, pos, header, len, type, cidIn, sink)) {
                any = true;
            }
            pos = end;
        }
        return any;
    }

    private boolean record(byte[] data, int pos, int header, int len, int type, byte[] cidIn, Sink sink) {
        if (RecordFilter.u16(data, pos + 1) != 0xFEFD || RecordFilter.u16(data, pos + 3) != EPOCH) {
            return false;
        }
        if (cidIn.length > 0 ? type != ContentType.tls12_cid
                || !Arrays.constantTimeAreEqual(cidIn.length, cidIn, 0, data, pos + 11)
                : type == ContentType.tls12_cid) {
            return false;
        }
        long seq = RecordFilter.u48(data, pos + 5);
        if (discard(seq)) {
            return false;
        }
        TlsCipher c;
        try {
            c = cipher();
        } catch (IOException | RuntimeException e) {
            closed = true; // the keys cannot be rebuilt: the session ends
            return false;
        }
        TlsDecodeResult r;
        try {
            r = c.decodeCiphertext(((long) EPOCH << 48) | seq, (short) type, ProtocolVersion.DTLSv12, data,
                    pos + header, len);
        } catch (IOException | RuntimeException e) {
            sink.rejected();
            return false; // bad_record_mac and the like: silently discarded
        }
        boolean isNewest = authenticated(seq);
        sink.accepted(isNewest, type == ContentType.tls12_cid);
        switch (r.contentType) {
            case ContentType.application_data -> sink.applicationData(r.buf, r.off, r.len);
            case ContentType.handshake -> sink.handshake(r.buf, r.off, r.len);
            case ContentType.alert -> {
                if (r.len == 2 && (r.buf[r.off] == 2 || r.buf[r.off + 1] == 0)) {
                    closed = true; // a fatal alert, or close_notify
                }
            }
            default -> {
                // a heartbeat: nothing to do
            }
        }
        return true;
    }

    /** Protects {@code len} bytes of {@code contentType} as the next record; the whole record. */
    byte[] encode(short contentType, byte[] data, int off, int len) throws IOException {
        if (nextWrite > MAX_SEQUENCE) {
            throw new IOException("sequence numbers exhausted"); // RFC 6347 §4.1: never wrap
        }
        long seq = nextWrite++;
        byte[] cidOut = snapshot.cidLocal();
        int header = HEADER + cidOut.length;
        TlsEncodeResult e = cipher().encodePlaintext(((long) EPOCH << 48) | seq, contentType, ProtocolVersion.DTLSv12,
                header, data, off, len);
        byte[] b = e.buf;
        int o = e.off;
        RecordFilter.putHeader(b, o, e.recordType, EPOCH, seq, cidOut, e.len - header);
        return o == 0 && e.len == b.length ? b : java.util.Arrays.copyOfRange(b, o, o + e.len);
    }

    private TlsCipher cipher() throws IOException {
        if (cipher == null) {
            cipher = RestoredCipher.create(crypto, snapshot);
        }
        return cipher;
    }

    /** A close_notify alert (RFC 5246 §7.2.1) as a record. */
    byte[] closeNotify() throws IOException {
        return encode(ContentType.alert, new byte[] {1, 0}, 0, 2);
    }

    private boolean discard(long seq) {
        if (seq > newest) {
            return false;
        }
        long diff = newest - seq;
        return diff >= WINDOW || (seen & (1L << diff)) != 0;
    }

    private boolean authenticated(long seq) {
        if (seq <= newest) {
            seen |= 1L << (newest - seq);
            return false;
        }
        long diff = seq - newest;
        seen = diff >= WINDOW ? 1L : (seen << diff) | 1L;
        newest = seq;
        return true;
    }
}
