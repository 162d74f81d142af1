package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import dev.tern.coap.spi.EncryptedStateFile;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graceful restart (issue 10 part 2): the server saves its observe relations to an encrypted
 * state file on close and a new process on the same port restores them; the observer, a raw UDP
 * socket that never registers again, keeps receiving notifications with its token and increasing
 * Observe numbers (RFC 7641 §4.4).
 */
class GracefulRestartTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final AtomicInteger value = new AtomicInteger();

    @TempDir
    Path dir;

    private CoapServer server(ObservableResource temp, int port, EncryptedStateFile store) {
        Router router = Router.builder()
                .get("/temp", temp.handler(req -> Response.content("t" + value.get())), RouteOptions.create().observable())
                .build();
        return CoapServer.builder().bind("127.0.0.1").port(port).service(router).state(store).build().start();
    }

    @Test
    void observerKeepsReceivingWithIncreasingObserveNumbersAfterRestart() throws Exception {
        ObservableResource temp = ObservableResource.create();
        EncryptedStateFile store1 = EncryptedStateFile.open(dir, KEY);
        CoapServer first = server(temp, 0, store1);
        int port = first.port();
        Bytes token = Bytes.fromHex("c0ffee01");
        try (DatagramSocket observer = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            observer.setSoTimeout(5000);
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            send(observer, to, new Message(MessageType.CON, Code.GET, 0x1234, token,
                    Options.builder().uriPath("/temp").observe(0).build(), Bytes.EMPTY));
            Message reg = receive(observer);
            assertThat(reg.code()).isEqualTo(Code.CONTENT);
            int lastObserve = reg.options().observe().orElseThrow();
            for (int i = 1; i <= 3; i++) {
                value.set(i);
                temp.changed();
                Message n = receive(observer);
                ack(observer, to, n);
                assertThat(n.token()).isEqualTo(token);
                assertThat(n.options().observe().orElseThrow()).isGreaterThan(lastObserve);
                lastObserve = n.options().observe().orElseThrow();
            }
            first.close();
            store1.close();
            assertThat(Files.exists(dir.resolve(EncryptedStateFile.FILE_NAME))).isTrue();

            ObservableResource temp2 = ObservableResource.create();
            EncryptedStateFile store2 = EncryptedStateFile.open(dir, KEY);
            assertThat(store2.rejection()).isEmpty();
            value.set(10);
            CoapServer second = server(temp2, port, store2);
            try {
                // the restored relation's first notification: the state now, numbered above the last one
                Message restored = receive(observer);
                ack(observer, to, restored);
                assertThat(restored.token()).isEqualTo(token);
                assertThat(restored.payload().utf8()).isEqualTo("t10");
                assertThat(restored.options().observe().orElseThrow()).isGreaterThan(lastObserve);
                lastObserve = restored.options().observe().orElseThrow();
                assertThat(temp2.observerCount()).isEqualTo(1);
                value.set(11);
                temp2.changed();
                Message next = receive(observer);
                assertThat(next.token()).isEqualTo(token);
                assertThat(next.payload().utf8()).isEqualTo("t11");
                assertThat(next.options().observe().orElseThrow()).isGreaterThan(lastObserve);
            } finally {
                second.close();
                store2.close();
            }
        }
    }

    private static void send(DatagramSocket s, InetSocketAddress to, Message m) throws Exception {
        byte[] b = MessageEncoder.encode(m);
        s.send(new DatagramPacket(b, b.length, to));
    }

    private static void ack(DatagramSocket s, InetSocketAddress to, Message m) throws Exception {
        if (m.type() == MessageType.CON) {
            send(s, to, Message.empty(MessageType.ACK, m.messageId()));
        }
    }

    private static Message receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no notification within 5 s", e);
        }
        DecodeResult d = MessageDecoder.decode(java.util.Arrays.copyOf(buf, p.getLength()));
        return (Message) d;
    }
}
