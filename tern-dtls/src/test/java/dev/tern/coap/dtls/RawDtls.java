package dev.tern.coap.dtls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * A hand-written DTLS 1.2 peer for fault tests: builds records and ClientHellos byte by byte
 * (RFC 6347 §4.1, §4.2.2, §4.3.2) and reads HelloVerifyRequests, from its own UDP socket.
 */
final class RawDtls implements AutoCloseable {
    static final int CHANGE_CIPHER_SPEC = 20;
    static final int ALERT = 21;
    static final int HANDSHAKE = 22;
    static final int APPLICATION_DATA = 23;
    static final int CLIENT_HELLO = 1;
    static final int HELLO_VERIFY_REQUEST = 3;
    static final int SERVER_HELLO = 2;
    static final int TLS_PSK_WITH_AES_128_CCM_8 = 0xC0A8;

    final DatagramSocket socket;
    private final InetSocketAddress server;
    private long sequence;

    RawDtls(InetSocketAddress server) throws IOException {
        this(server, "127.0.0.1");
    }

    /** A peer on {@code host} (another loopback address such as 127.0.0.2 is another host). */
    RawDtls(InetSocketAddress server, String host) throws IOException {
        this.server = server;
        this.socket = new DatagramSocket(new InetSocketAddress(host, 0));
        this.socket.setSoTimeout(1000);
    }

    /** One record of {@code type} in {@code epoch} around {@code body}. */
    byte[] record(int type, int epoch, byte[] body) {
        long seq = sequence++;
        byte[] r = new byte[13 + body.length];
        r[0] = (byte) type;
        r[1] = (byte) 0xFE;
        r[2] = (byte) 0xFD;
        r[3] = (byte) (epoch >> 8);
        r[4] = (byte) epoch;
        for (int i = 0; i < 6; i++) {
            r[5 + i] = (byte) (seq >> (40 - 8 * i));
        }
        r[11] = (byte) (body.length >> 8);
        r[12] = (byte) body.length;
        System.arraycopy(body, 0, r, 13, body.length);
        return r;
    }

    /** A handshake message header (§4.2.2) around {@code fragment}, declaring {@code length}. */
    static byte[] handshake(int type, int length, int messageSeq, int fragmentOffset, byte[] fragment) {
        byte[] h = new byte[12 + fragment.length];
        h[0] = (byte) type;
        u24(h, 1, length);
        h[4] = (byte) (messageSeq >> 8);
        h[5] = (byte) messageSeq;
        u24(h, 6, fragmentOffset);
        u24(h, 9, fragment.length);
        System.arraycopy(fragment, 0, h, 12, fragment.length);
        return h;
    }

    private static void u24(byte[] b, int at, int v) {
        b[at] = (byte) (v >> 16);
        b[at + 1] = (byte) (v >> 8);
        b[at + 2] = (byte) v;
    }

    /** A ClientHello body (RFC 5246 §7.4.1.2 with the DTLS cookie). */
    static byte[] clientHelloBody(byte[] random, byte[] sessionId, byte[] cookie, int[] suites, boolean oddSuiteLength) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0xFE);
        b.write(0xFD);
        b.writeBytes(random);
        b.write(sessionId.length);
        b.writeBytes(sessionId);
        b.write(cookie.length);
        b.writeBytes(cookie);
        int suiteBytes = suites.length * 2 + (oddSuiteLength ? 1 : 0);
        b.write(suiteBytes >> 8);
        b.write(suiteBytes);
        for (int s : suites) {
            b.write(s >> 8);
            b.write(s);
        }
        if (oddSuiteLength) {
            b.write(0);
        }
        b.write(1); // compression methods: null
        b.write(0);
        return b.toByteArray();
    }

    /** A whole ClientHello datagram. */
    byte[] clientHello(byte[] random, byte[] sessionId, byte[] cookie) {
        byte[] body = clientHelloBody(random, sessionId, cookie, new int[] {TLS_PSK_WITH_AES_128_CCM_8}, false);
        return record(HANDSHAKE, 0, handshake(CLIENT_HELLO, body.length, cookie.length == 0 ? 0 : 1, 0, body));
    }

    void send(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, server));
    }

    /** The next datagram from the server, or null within {@code millis}. */
    byte[] receive(int millis) throws IOException {
        socket.setSoTimeout(millis);
        byte[] buf = new byte[4096];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(buf, p.getLength());
    }

    /** The cookie of a HelloVerifyRequest datagram, or null if it is not one. */
    static byte[] cookieOf(byte[] datagram) {
        if (datagram == null || datagram.length < 13 + 12 + 3 || datagram[0] != HANDSHAKE
                || datagram[13] != HELLO_VERIFY_REQUEST) {
            return null;
        }
        int len = datagram[13 + 12 + 2] & 0xFF;
        return Arrays.copyOfRange(datagram, 13 + 12 + 3, 13 + 12 + 3 + len);
    }

    /** The handshake type of the first record of {@code datagram}, or -1. */
    static int firstHandshakeType(byte[] datagram) {
        return datagram == null || datagram.length < 14 || datagram[0] != HANDSHAKE ? -1 : datagram[13] & 0xFF;
    }

    /**
     * Completes the cookie exchange: ClientHello, HelloVerifyRequest, ClientHello with the cookie.
     * Returns the server's first answer to the second ClientHello (its ServerHello flight).
     */
    byte[] helloWithCookie(byte[] random, byte[] sessionId) throws IOException {
        send(clientHello(random, sessionId, new byte[0]));
        byte[] cookie = cookieOf(receive(2000));
        if (cookie == null) {
            throw new IOException("no HelloVerifyRequest");
        }
        send(clientHello(random, sessionId, cookie));
        return receive(2000);
    }

    /**
     * A ClientHello datagram offering {@code sessionId} for resumption, with the
     * extended_master_secret extension (RFC 7627 §5.3: a session made with it resumes only when
     * the client offers it again).
     */
    byte[] resumptionHello(byte[] random, byte[] sessionId, byte[] cookie) {
        byte[] body = clientHelloBody(random, sessionId, cookie, new int[] {TLS_PSK_WITH_AES_128_CCM_8}, false);
        byte[] withEms = Arrays.copyOf(body, body.length + 6);
        System.arraycopy(new byte[] {0, 4, 0, 0x17, 0, 0}, 0, withEms, body.length, 6);
        return record(HANDSHAKE, 0, handshake(CLIENT_HELLO, withEms.length, cookie.length == 0 ? 0 : 1, 0, withEms));
    }

    static byte[] random() {
        byte[] r = new byte[32];
        new java.util.Random().nextBytes(r);
        return r;
    }

    @Override
    public void close() {
        socket.close();
    }
}
