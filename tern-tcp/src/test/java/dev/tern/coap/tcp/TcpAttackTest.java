package dev.tern.coap.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.CoapServer;
import dev.tern.coap.MessageType;
import dev.tern.coap.Option;
import dev.tern.coap.Options;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.ReliableFraming;
import dev.tern.coap.spi.ReliableSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The reliable-transport attacks of FAULTS.md performed with raw sockets against a running
 * coap+tcp server on loopback: each ends in 7.05 Abort with a diagnostic and a close, or a bound.
 */
@Timeout(60)
class TcpAttackTest {
    private CoapServer server;
    private final List<Socket> sockets = new ArrayList<>();

    private int start(ReliableSettings settings) {
        server = CoapServer.builder().port(0).bind("127.0.0.1")
                .service(Router.builder().get("/hello", req -> Response.content("hi")).build())
                .listener(TcpTransports.builder().port(0).bind(InetAddress.getLoopbackAddress()).settings(settings)
                        .buildServer())
                .build().start();
        return server.localAddress("coap+tcp").getPort();
    }

    @AfterEach
    void stop() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Socket connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        s.setSoTimeout(15_000);
        sockets.add(s);
        return s;
    }

    private static void send(Socket s, Message m) throws IOException {
        s.getOutputStream().write(ReliableFraming.encode(m, false));
        s.getOutputStream().flush();
    }

    private static Message csm() {
        return new Message(MessageType.CON, Code.valueOf(7, 1), 0, Bytes.EMPTY, Options.of(Option.ofUint(2, 1152)),
                Bytes.EMPTY);
    }

    /** Reads frames until the server closes; returns them. */
    private static List<Message> readUntilClosed(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) >= 0; ) {
            all.write(buf, 0, n);
        }
        return frames(all.toByteArray());
    }

    private static List<Message> frames(byte[] bytes) {
        List<Message> out = new ArrayList<>();
        int p = 0;
        while (p < bytes.length) {
            int n = (int) ReliableFraming.frameLength(bytes, p, bytes.length - p);
            DecodeResult r = ReliableFraming.decode(bytes, p, n, false);
            out.add((Message) r);
            p += n;
        }
        return out;
    }

    private static void assertAbort(List<Message> got, String diagnostic) {
        Message last = got.get(got.size() - 1);
        assertThat(last.code()).isEqualTo(Code.valueOf(7, 5));
        assertThat(last.payload().utf8()).contains(diagnostic);
    }

    @Test
    void hugeLengthClaimIsAbortedAndClosed() throws IOException {
        Socket s = connect(start(ReliableSettings.defaults()));
        send(s, csm());
        // Len 15: a 4 GiB message announced in six bytes
        s.getOutputStream().write(new byte[] {(byte) 0xF0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01});
        s.getOutputStream().flush();
        List<Message> got = readUntilClosed(s);
        assertThat(got.get(0).code()).isEqualTo(Code.valueOf(7, 1)); // the server's CSM came first
        assertAbort(got, "exceeds Max-Message-Size");
    }

    @Test
    void garbageIsAbortedAndClosed() throws IOException {
        Socket s = connect(start(ReliableSettings.defaults()));
        send(s, csm());
        s.getOutputStream().write(new byte[] {0x10, 0x01, (byte) 0xF1});
        s.getOutputStream().flush();
        assertAbort(readUntilClosed(s), "malformed message");
    }

    @Test
    void requestWithoutCsmIsAborted() throws IOException {
        Socket s = connect(start(ReliableSettings.defaults()));
        send(s, new Message(MessageType.CON, Code.GET, 0, Bytes.of((byte) 1), Options.builder().uriPath("hello").build(),
                Bytes.EMPTY));
        assertAbort(readUntilClosed(s), "first message must be a CSM");
    }

    @Test
    void tricklingPeerIsCutOff() throws IOException {
        Socket s = connect(start(ReliableSettings.defaults().withFrameDeadline(Duration.ofMillis(500))));
        send(s, csm());
        s.getOutputStream().write(new byte[] {(byte) 0xD0, 87, 0x01}); // 100 bytes announced, none follow
        s.getOutputStream().flush();
        assertAbort(readUntilClosed(s), "frame not completed within 500 ms");
    }

    @Test
    void silentPeerIsAbortedAfterTheCsmTimeout() throws IOException {
        Socket s = connect(start(ReliableSettings.defaults().withCsmTimeout(Duration.ofMillis(300))));
        assertAbort(readUntilClosed(s), "no CSM within 300 ms");
    }

    @Test
    void connectionFloodFromOneAddressIsBounded() throws IOException {
        int port = start(ReliableSettings.defaults().withMaxConnections(1000, 5));
        List<Socket> flood = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            flood.add(connect(port));
        }
        // the first five get a CSM and stay; the other fifteen are closed without one
        int closed = 0;
        for (Socket s : flood) {
            s.setSoTimeout(3000);
            try {
                if (s.getInputStream().read() < 0) {
                    closed++;
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // open (no more bytes after the CSM's first) or reset
                closed += e instanceof java.net.SocketException ? 1 : 0;
            }
        }
        assertThat(closed).isEqualTo(15);
    }

    @Test
    void normalPeerStillServed() throws IOException {
        Socket s = connect(start(ReliableSettings.defaults()));
        send(s, csm());
        send(s, new Message(MessageType.CON, Code.GET, 0, Bytes.of((byte) 7), Options.builder().uriPath("hello").build(),
                Bytes.EMPTY));
        byte[] buf = new byte[256];
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (frames0(got.toByteArray()) < 2) {
            int n = s.getInputStream().read(buf);
            assertThat(n).isPositive();
            got.write(buf, 0, n);
        }
        List<Message> m = frames(got.toByteArray());
        assertThat(m.get(1).code()).isEqualTo(Code.CONTENT);
        assertThat(m.get(1).payload().utf8()).isEqualTo("hi");
    }

    private static int frames0(byte[] bytes) {
        int p = 0;
        int count = 0;
        while (p < bytes.length) {
            long n = ReliableFraming.frameLength(bytes, p, bytes.length - p);
            if (n < 0 || n > bytes.length - p) {
                break;
            }
            p += (int) n;
            count++;
        }
        return count;
    }
}
