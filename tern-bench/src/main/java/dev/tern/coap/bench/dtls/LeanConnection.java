package dev.tern.coap.bench.dtls;

import static dev.tern.coap.bench.dtls.DtlsRecords.ALERT;
import static dev.tern.coap.bench.dtls.DtlsRecords.APPLICATION_DATA;
import static dev.tern.coap.bench.dtls.DtlsRecords.CHANGE_CIPHER_SPEC;
import static dev.tern.coap.bench.dtls.DtlsRecords.HANDSHAKE;
import static dev.tern.coap.bench.dtls.DtlsRecords.HANDSHAKE_HEADER;
import static dev.tern.coap.bench.dtls.DtlsRecords.HEADER;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.bouncycastle.tls.crypto.TlsSecret;

/**
 * One DTLS 1.2 client connection of the load generator, driven from a selector thread: a full
 * PSK handshake (cookie exchange, TLS_PSK_WITH_AES_128_CCM_8, Extended Master Secret and the empty
 * renegotiation_info offered) or, given a {@link Resumable} session, an abbreviated handshake
 * resuming it by session ID (RFC 5246 §7.3, RFC 6347 §4.2.1: with or without the cookie exchange,
 * as the server chooses; a server that does not resume gets the full handshake), as a state
 * machine, then application records. It sends each flight
 * once and never retransmits (a lost flight makes the handshake time out in {@link DtlsLoad});
 * handshake messages must arrive unfragmented and in order, as they do on loopback. It checks what
 * a client must check to get the keys right (the server's Finished, every record's tag), and
 * nothing a load generator does not need (no replay window, no certificates). The cryptography is
 * the libraries': the PRF is BouncyCastle's TLS crypto, SHA-256 the JDK's, the records
 * BouncyCastle's CCM ({@link Ccm8}); this class is only the protocol around them.
 */
final class LeanConnection {
    /** What the connection reports to its owner. */
    interface Events {
        void established(LeanConnection c);

        void application(LeanConnection c, byte[] data, int off, int len);

        void failed(LeanConnection c, String why);
    }

    /** The send buffer shared by the connections of one thread. */
    static final class Io {
        final byte[] tx = new byte[2048];
        final ByteBuffer txBuffer = ByteBuffer.wrap(tx);
        final byte[] scratch = new byte[2048];
    }

    private static final int TLS_PSK_WITH_AES_128_CCM_8 = 0xC0A8;
    private static final int EXT_EXTENDED_MASTER_SECRET = 0x0017;
    private static final int EXT_RENEGOTIATION_INFO = 0xFF01;

    private enum State { HELLO, SERVER_HELLO, SERVER_FINISHED, RESUMING, ESTABLISHED, FAILED }

    /**
     * A session that can be resumed: the server's session ID, the master secret, and whether it
     * was made with Extended Master Secret (the resuming ClientHello must offer it again).
     */
    record Resumable(byte[] sessionId, byte[] masterSecret, boolean extendedMasterSecret) {
    }

    final DatagramChannel channel;
    SelectionKey key;
    /** Free for the owner: when the handshake started, the slot it occupies. */
    long startedNanos;
    int slot;

    private final Io io;
    private final byte[] identity;
    private final byte[] psk;
    private final Events events;
    private final byte[] clientRandom = new byte[32];
    private byte[] serverRandom;
    private boolean extendedMasterSecret;
    private State state = State.HELLO;
    private long epoch0Seq;
    private long epoch1Seq;
    private int messageSeq;
    private int nextServerSeq = -1;
    private byte[] transcript = new byte[1024];
    private int transcriptLength;
    private byte[] expectedServerVerify;
    private Ccm8 writer;
    private Ccm8 reader;
    /** The session offered for resumption (null: a full handshake). */
    private final Resumable offered;
    private byte[] serverSessionId;
    private byte[] master;
    private boolean resumed;

    LeanConnection(DatagramChannel channel, Io io, byte[] identity, byte[] psk, SplittableRandom random,
                   Events events, Resumable offered) {
        this.channel = channel;
        this.offered = offered;
        this.io = io;
        this.identity = identity;
        this.psk = psk;
        this.events = events;
        for (int i = 0; i < 32; i += 8) {
            long r = random.nextLong();
            for (int k = 0; k < 8; k++) {
                clientRandom[i + k] = (byte) (r >>> (8 * k));
            }
        }
        int now = (int) (System.currentTimeMillis() / 1000);
        clientRandom[0] = (byte) (now >> 24);
        clientRandom[1] = (byte) (now >> 16);
        clientRandom[2] = (byte) (now >> 8);
        clientRandom[3] = (byte) now;
    }

    boolean established() {
        return state == State.ESTABLISHED;
    }

    boolean failed() {
        return state == State.FAILED;
    }

    /** Whether the established session was resumed (an abbreviated handshake). */
    boolean resumed() {
        return resumed;
    }

    /** Once established: the session to offer for resumption, or null if the server gave no session ID. */
    Resumable resumable() {
        if (state != State.ESTABLISHED || serverSessionId == null || serverSessionId.length == 0) {
            return null;
        }
        return new Resumable(serverSessionId, master, extendedMasterSecret);
    }

    /** Sends the first ClientHello (without cookie). */
    void start() {
        sendClientHello(new byte[0]);
    }

    /** Encrypts {@code plain[off, off+len)} into one application record and sends it. */
    void send(byte[] plain, int off, int len) {
        int n = writer.seal(APPLICATION_DATA, 1, epoch1Seq++, plain, off, len, io.tx, 0);
        write(n);
    }

    /** Sends an encrypted close_notify alert. */
    void closeNotify() {
        if (state == State.ESTABLISHED) {
            byte[] alert = {1, 0};
            write(writer.seal(ALERT, 1, epoch1Seq++, alert, 0, 2, io.tx, 0));
        }
    }

    /** Handles one received datagram; {@code d} may be decrypted in place. */
    void onDatagram(byte[] d, int length) {
        int pos = 0;
        while (pos + HEADER <= length && state != State.FAILED) {
            int type = d[pos] & 0xFF;
            int epoch = DtlsRecords.u16(d, pos + 3);
            long seq = DtlsRecords.u48(d, pos + 5);
            int len = DtlsRecords.u16(d, pos + 11);
            int body = pos + HEADER;
            if (body + len > length) {
                return; // truncated
            }
            pos = body + len;
            if (epoch == 0) {
                if (type == HANDSHAKE) {
                    handshakeRecord(d, body, len);
                } else if (type == ALERT && len >= 2) {
                    alert(d[body], d[body + 1]);
                }
                // a ChangeCipherSpec needs no action: the Finished after it is in epoch 1
                continue;
            }
            if (reader == null || epoch != 1) {
                continue;
            }
            int n = reader.open(type, epoch, seq, d, body, len);
            if (n < 0) {
                continue; // bad tag: dropped, as a DTLS peer does
            }
            int plain = body + Ccm8.EXPLICIT_NONCE;
            if (type == APPLICATION_DATA) {
                if (state == State.ESTABLISHED) {
                    events.application(this, d, plain, n);
                }
            } else if (type == HANDSHAKE) {
                if (state == State.RESUMING) {
                    resumedServerFinished(d, plain, n);
                } else {
                    serverFinished(d, plain, n);
                }
            } else if (type == ALERT && n >= 2) {
                alert(d[plain], d[plain + 1]);
            }
        }
    }

    private void alert(byte level, byte description) {
        fail((level == 2 ? "fatal" : "warning") + " alert " + (description & 0xFF));
    }

    private void handshakeRecord(byte[] d, int off, int len) {
        int p = off;
        int end = off + len;
        while (p + HANDSHAKE_HEADER <= end && state != State.FAILED) {
            int msgType = d[p] & 0xFF;
            int msgLength = DtlsRecords.u24(d, p + 1);
            int seq = DtlsRecords.u16(d, p + 4);
            int fragmentOffset = DtlsRecords.u24(d, p + 6);
            int fragmentLength = DtlsRecords.u24(d, p + 9);
            int bodyOff = p + HANDSHAKE_HEADER;
            if (fragmentOffset != 0 || fragmentLength != msgLength || bodyOff + msgLength > end) {
                fail("fragmented handshake message (type " + msgType + ") not supported");
                return;
            }
            handshakeMessage(msgType, seq, d, p, bodyOff, msgLength);
            p = bodyOff + msgLength;
        }
    }

    private void handshakeMessage(int type, int seq, byte[] d, int msgOff, int bodyOff, int len) {
        if (type == DtlsRecords.HELLO_VERIFY_REQUEST) {
            if (state != State.HELLO || len < 3) {
                return; // a retransmission
            }
            int cookieLength = d[bodyOff + 2] & 0xFF;
            if (3 + cookieLength > len) {
                fail("bad HelloVerifyRequest");
                return;
            }
            transcriptLength = 0; // the first ClientHello and the HelloVerifyRequest are not hashed (RFC 6347 §4.2.6)
            sendClientHello(Arrays.copyOfRange(d, bodyOff + 3, bodyOff + 3 + cookieLength));
            return;
        }
        if (state != State.HELLO && state != State.SERVER_HELLO) {
            return; // a retransmitted flight after ours left
        }
        if (nextServerSeq >= 0 && seq < nextServerSeq) {
            return; // a duplicate
        }
        if (type == DtlsRecords.SERVER_HELLO) {
            if (nextServerSeq >= 0) {
                return;
            }
            if (!serverHello(d, bodyOff, len)) {
                return;
            }
            state = State.SERVER_HELLO;
        } else if (nextServerSeq < 0 || seq != nextServerSeq) {
            fail("handshake message " + type + " out of order");
            return;
        }
        nextServerSeq = seq + 1;
        appendTranscript(d, msgOff, HANDSHAKE_HEADER + len);
        if (type == DtlsRecords.SERVER_HELLO && resumingOffered()) {
            startResumed();
        } else if (type == DtlsRecords.SERVER_HELLO_DONE) {
            clientFlight();
        } else if (type != DtlsRecords.SERVER_HELLO && type != DtlsRecords.SERVER_KEY_EXCHANGE) {
            fail("unexpected handshake message " + type);
        }
    }

    private boolean serverHello(byte[] d, int off, int len) {
        if (len < 38) {
            fail("short ServerHello");
            return false;
        }
        serverRandom = Arrays.copyOfRange(d, off + 2, off + 34);
        int p = off + 34;
        int sessionIdLength = d[p] & 0xFF;
        if (p + 1 + sessionIdLength > off + len) {
            fail("short ServerHello");
            return false;
        }
        serverSessionId = Arrays.copyOfRange(d, p + 1, p + 1 + sessionIdLength);
        p += 1 + sessionIdLength;
        if (p + 3 > off + len) {
            fail("short ServerHello");
            return false;
        }
        int suite = DtlsRecords.u16(d, p);
        if (suite != TLS_PSK_WITH_AES_128_CCM_8) {
            fail(String.format("server chose suite 0x%04X", suite));
            return false;
        }
        p += 3; // suite, compression
        int end = off + len;
        if (p + 2 <= end) {
            int extEnd = Math.min(end, p + 2 + DtlsRecords.u16(d, p));
            p += 2;
            while (p + 4 <= extEnd) {
                int extType = DtlsRecords.u16(d, p);
                int extLength = DtlsRecords.u16(d, p + 2);
                if (extType == EXT_EXTENDED_MASTER_SECRET) {
                    extendedMasterSecret = true;
                }
                p += 4 + extLength;
            }
        }
        return true;
    }

    private void sendClientHello(byte[] cookie) {
        byte[] m = io.scratch;
        int b = HANDSHAKE_HEADER;
        int p = b;
        m[p++] = (byte) 0xFE;
        m[p++] = (byte) 0xFD;
        System.arraycopy(clientRandom, 0, m, p, 32);
        p += 32;
        byte[] sessionId = offered == null ? new byte[0] : offered.sessionId();
        m[p++] = (byte) sessionId.length;
        System.arraycopy(sessionId, 0, m, p, sessionId.length);
        p += sessionId.length;
        m[p++] = (byte) cookie.length;
        System.arraycopy(cookie, 0, m, p, cookie.length);
        p += cookie.length;
        m[p++] = 0;
        m[p++] = 2;
        m[p++] = (byte) (TLS_PSK_WITH_AES_128_CCM_8 >> 8);
        m[p++] = (byte) TLS_PSK_WITH_AES_128_CCM_8;
        m[p++] = 1; // compression: null only
        m[p++] = 0;
        m[p++] = 0; // extensions length
        m[p++] = 9;
        m[p++] = 0; // extended_master_secret (RFC 7627), empty
        m[p++] = (byte) EXT_EXTENDED_MASTER_SECRET;
        m[p++] = 0;
        m[p++] = 0;
        m[p++] = (byte) 0xFF; // renegotiation_info (RFC 5746), empty renegotiated_connection
        m[p++] = 0x01;
        m[p++] = 0;
        m[p++] = 1;
        m[p++] = 0;
        DtlsRecords.handshakeHeader(m, 0, DtlsRecords.CLIENT_HELLO, p - b, messageSeq++);
        appendTranscript(m, 0, p);
        DtlsRecords.header(io.tx, 0, HANDSHAKE, 0, epoch0Seq++, p);
        System.arraycopy(m, 0, io.tx, HEADER, p);
        write(HEADER + p);
    }

    /** ClientKeyExchange, ChangeCipherSpec and Finished in one datagram. */
    private void clientFlight() {
        byte[] m = io.scratch;
        int cke = HANDSHAKE_HEADER + 2 + identity.length;
        DtlsRecords.handshakeHeader(m, 0, DtlsRecords.CLIENT_KEY_EXCHANGE, cke - HANDSHAKE_HEADER, messageSeq++);
        m[HANDSHAKE_HEADER] = (byte) (identity.length >> 8);
        m[HANDSHAKE_HEADER + 1] = (byte) identity.length;
        System.arraycopy(identity, 0, m, HANDSHAKE_HEADER + 2, identity.length);
        appendTranscript(m, 0, cke);

        byte[] pms = dev.tern.coap.dtls.internal.TernCrypto.pskPremaster(psk); // RFC 4279 §2
        TlsSecret premaster = DtlsRecords.secret(pms);
        TlsSecret master = extendedMasterSecret
                ? DtlsRecords.prf(premaster, "extended master secret", DtlsRecords.sha256(transcript, transcriptLength), 48)
                : DtlsRecords.prf(premaster, "master secret", DtlsRecords.concat(clientRandom, serverRandom), 48);
        premaster.destroy();
        installKeys(master);

        byte[] verify = DtlsRecords.prf(master, "client finished",
                DtlsRecords.sha256(transcript, transcriptLength), 12).extract();
        byte[] finished = new byte[HANDSHAKE_HEADER + 12];
        DtlsRecords.handshakeHeader(finished, 0, DtlsRecords.FINISHED, 12, messageSeq++);
        System.arraycopy(verify, 0, finished, HANDSHAKE_HEADER, 12);
        appendTranscript(finished, 0, finished.length);
        expectedServerVerify = DtlsRecords.prf(master, "server finished",
                DtlsRecords.sha256(transcript, transcriptLength), 12).extract();
        this.master = master.extract();

        byte[] tx = io.tx;
        DtlsRecords.header(tx, 0, HANDSHAKE, 0, epoch0Seq++, cke);
        System.arraycopy(m, 0, tx, HEADER, cke);
        int p = HEADER + cke;
        DtlsRecords.header(tx, p, CHANGE_CIPHER_SPEC, 0, epoch0Seq++, 1);
        tx[p + HEADER] = 1;
        p += HEADER + 1;
        p += writer.seal(HANDSHAKE, 1, epoch1Seq++, finished, 0, finished.length, tx, p);
        state = State.SERVER_FINISHED;
        write(p);
    }

    /** The client write and read keys of the key block (RFC 5246 §6.3) from {@code master}. */
    private void installKeys(TlsSecret master) {
        byte[] keys = DtlsRecords.prf(master, "key expansion", DtlsRecords.concat(serverRandom, clientRandom), 40)
                .extract();
        writer = new Ccm8(true, Arrays.copyOfRange(keys, 0, 16), Arrays.copyOfRange(keys, 32, 36));
        reader = new Ccm8(false, Arrays.copyOfRange(keys, 16, 32), Arrays.copyOfRange(keys, 36, 40));
    }

    private void serverFinished(byte[] d, int off, int len) {
        if (state != State.SERVER_FINISHED) {
            return; // a retransmission
        }
        if (verifyServerFinished(d, off, len)) {
            enterEstablished();
        }
    }

    private boolean verifyServerFinished(byte[] d, int off, int len) {
        if (len != HANDSHAKE_HEADER + 12 || (d[off] & 0xFF) != DtlsRecords.FINISHED) {
            fail("unexpected encrypted handshake message");
            return false;
        }
        byte[] verifyData = Arrays.copyOfRange(d, off + HANDSHAKE_HEADER, off + HANDSHAKE_HEADER + 12);
        if (!MessageDigest.isEqual(verifyData, expectedServerVerify)) {
            fail("server Finished does not verify");
            return false;
        }
        return true;
    }

    private void enterEstablished() {
        state = State.ESTABLISHED;
        transcript = null;
        events.established(this);
    }

    /** Whether the ServerHello just read echoes the offered session ID (RFC 5246 §7.4.1.3: resumed). */
    private boolean resumingOffered() {
        return offered != null && MessageDigest.isEqual(offered.sessionId(), serverSessionId);
    }

    /**
     * Abbreviated handshake after the ServerHello: the keys from the kept master secret and the new
     * randoms; the server's ChangeCipherSpec and Finished follow.
     */
    private void startResumed() {
        if (offered.extendedMasterSecret() != extendedMasterSecret) {
            fail("resumed session with a different extended_master_secret");
            return;
        }
        master = offered.masterSecret();
        TlsSecret secret = DtlsRecords.secret(master);
        installKeys(secret);
        expectedServerVerify = DtlsRecords.prf(secret, "server finished",
                DtlsRecords.sha256(transcript, transcriptLength), 12).extract();
        secret.destroy();
        state = State.RESUMING;
    }

    /** The server's Finished of an abbreviated handshake; answered with ChangeCipherSpec and Finished. */
    private void resumedServerFinished(byte[] d, int off, int len) {
        if (!verifyServerFinished(d, off, len)) {
            return;
        }
        appendTranscript(d, off, len);
        TlsSecret secret = DtlsRecords.secret(master);
        byte[] verify = DtlsRecords.prf(secret, "client finished",
                DtlsRecords.sha256(transcript, transcriptLength), 12).extract();
        secret.destroy();
        byte[] finished = new byte[HANDSHAKE_HEADER + 12];
        DtlsRecords.handshakeHeader(finished, 0, DtlsRecords.FINISHED, 12, messageSeq++);
        System.arraycopy(verify, 0, finished, HANDSHAKE_HEADER, 12);
        byte[] tx = io.tx;
        DtlsRecords.header(tx, 0, CHANGE_CIPHER_SPEC, 0, epoch0Seq++, 1);
        tx[HEADER] = 1;
        int p = HEADER + 1;
        p += writer.seal(HANDSHAKE, 1, epoch1Seq++, finished, 0, finished.length, tx, p);
        write(p);
        resumed = true;
        enterEstablished();
    }

    private void appendTranscript(byte[] d, int off, int len) {
        if (transcriptLength + len > transcript.length) {
            transcript = Arrays.copyOf(transcript, Math.max(transcript.length * 2, transcriptLength + len));
        }
        System.arraycopy(d, off, transcript, transcriptLength, len);
        transcriptLength += len;
    }

    private void write(int length) {
        ByteBuffer b = io.txBuffer;
        b.clear();
        b.limit(length);
        try {
            channel.write(b);
        } catch (IOException e) {
            fail("send: " + e);
        }
    }

    /** Marks the connection failed (once) and tells the owner. */
    void fail(String why) {
        if (state != State.FAILED) {
            state = State.FAILED;
            events.failed(this, why);
        }
    }
}
