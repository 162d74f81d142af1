package dev.tern.coap.dtls;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsSession;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * A DTLS PSK client written directly on BouncyCastle, on a UDP socket the test controls: it can
 * record what it sends, drop datagrams on the way out, and move to a new socket (a NAT rebinding)
 * mid-session. CoAP is spoken as raw bytes.
 */
final class BcTestClient implements AutoCloseable {
    private final InetSocketAddress server;
    private volatile DatagramSocket socket;
    /** Datagrams sent, in order (handshake and application records). */
    final List<byte[]> sent = Collections.synchronizedList(new ArrayList<>());
    /** Datagrams received, in order. */
    final List<byte[]> received = Collections.synchronizedList(new ArrayList<>());
    /** Outgoing datagrams this says to drop are not sent (but recorded). */
    volatile Predicate<byte[]> dropOutgoing = d -> false;
    private DTLSTransport dtls;
    /** The session ID the server gave (set by {@link #connect}). */
    volatile byte[] sessionId;
    /** The session to offer for resumption at the next {@link #connect}, and whether the last one resumed. */
    volatile TlsSession session;
    volatile boolean resumed;

    BcTestClient(InetSocketAddress server) throws IOException {
        this.server = server;
        this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    }

    /** Handshakes with PSK {@code identity}/{@code key}, offering CID support when {@code cid}. */
    BcTestClient connect(String identity, String key, boolean cid) throws IOException {
        PSKTlsClient client = new PSKTlsClient(new BcTlsCrypto(new SecureRandom()),
                new BasicTlsPSKIdentity(identity, key.getBytes(StandardCharsets.UTF_8))) {
            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.DTLSv12.only();
            }

            @Override
            protected int[] getSupportedCipherSuites() {
                return new int[] {CipherSuite.TLS_PSK_WITH_AES_128_CCM_8};
            }

            @Override
            protected byte[] getNewConnectionID() {
                return cid ? new byte[0] : null;
            }

            @Override
            public int getHandshakeTimeoutMillis() {
                return 20_000;
            }

            @Override
            public TlsSession getSessionToResume() {
                return session;
            }

            @Override
            public void notifyHandshakeComplete() throws IOException {
                super.notifyHandshakeComplete();
                sessionId = context.getSecurityParametersConnection().getSessionID();
                resumed = context.getSecurityParametersConnection().isResumedSession();
                session = context.getResumableSession();
            }
        };
        dtls = new DTLSClientProtocol().connect(client, new Wire());
        return this;
    }

    /** Sends {@code coap} as one application record. */
    void send(byte[] coap) throws IOException {
        dtls.send(coap, 0, coap.length);
    }

    /** The next application record's plaintext, or null within {@code millis}. */
    byte[] receive(int millis) throws IOException {
        byte[] buf = new byte[2048];
        int n = dtls.receive(buf, 0, buf.length, millis);
        return n < 0 ? null : Arrays.copyOf(buf, n);
    }

    /** Sends {@code datagram} unchanged from the current socket (replays, forgeries). */
    void sendRaw(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, server));
    }

    /** Moves to a new local port, as a NAT rebinding would; the old socket closes. */
    void rebind() throws IOException {
        DatagramSocket old = socket;
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        old.close();
    }

    int localPort() {
        return socket.getLocalPort();
    }

    /** A CoAP CON GET of {@code path} with Message ID {@code mid} and a 1-byte token. */
    static byte[] coapGet(String path, int mid) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        byte[] m = new byte[4 + 1 + 1 + p.length];
        m[0] = 0x41; // version 1, CON, TKL 1
        m[1] = 0x01; // GET
        m[2] = (byte) (mid >> 8);
        m[3] = (byte) mid;
        m[4] = (byte) mid; // token
        m[5] = (byte) (0xB0 | p.length); // Uri-Path (11), length < 13
        System.arraycopy(p, 0, m, 6, p.length);
        return m;
    }

    @Override
    public void close() {
        if (dtls != null) {
            try {
                dtls.close();
            } catch (IOException e) {
                // closing
            }
        }
        socket.close();
    }

    private final class Wire implements DatagramTransport {
        @Override
        public int getReceiveLimit() {
            return 4096;
        }

        @Override
        public int getSendLimit() {
            return 1400;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            DatagramSocket s = socket;
            s.setSoTimeout(Math.max(1, waitMillis));
            DatagramPacket p = new DatagramPacket(buf, off, len);
            try {
                s.receive(p);
            } catch (SocketTimeoutException e) {
                return -1;
            } catch (java.net.SocketException e) {
                if (s != socket) {
                    return -1; // rebound meanwhile
                }
                throw e;
            }
            received.add(Arrays.copyOfRange(buf, off, off + p.getLength()));
            return p.getLength();
        }

        @Override
        public void send(byte[] buf, int off, int len) throws IOException {
            byte[] d = Arrays.copyOfRange(buf, off, off + len);
            sent.add(d);
            if (!dropOutgoing.test(d)) {
                socket.send(new DatagramPacket(d, d.length, server));
            }
        }

        @Override
        public void close() {
        }
    }
}
