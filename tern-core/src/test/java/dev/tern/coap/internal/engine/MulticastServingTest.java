package dev.tern.coap.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageType;
import dev.tern.coap.Options;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import dev.tern.coap.internal.transport.udp.UdpEventLoop;
import dev.tern.coap.spi.Transport;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server's answers to group requests (RFC 7252 §8.1, §8.2), without a multicast network: a
 * loopback socket whose transport reports every datagram as having arrived on a group address.
 */
class MulticastServingTest {
    private static final Duration LEISURE = Duration.ofMillis(300);

    private UdpEventLoop loop;
    private CoapEndpoint server;
    private ExecutorService executor;
    private DatagramSocket client;
    private int mid = 0x100;

    @BeforeEach
    void start() throws Exception {
        loop = new UdpEventLoop(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0, "test-server");
        Router router = Router.builder()
                .get("/hello", req -> Response.content("hi"), RouteOptions.create().resourceType("greeting"))
                .get("/fail", req -> Response.of(Code.INTERNAL_SERVER_ERROR))
                .build();
        executor = Executors.newSingleThreadExecutor();
        EndpointConfig config = EndpointConfig.builder().multicastLeisure(LEISURE).build();
        server = CoapEndpoint.assemble(new AllMulticast(loop), loop, config, router, executor, "coap", null,
                new Random(1));
        client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client.setSoTimeout(3000);
    }

    @AfterEach
    void stop() {
        server.close();
        executor.shutdownNow();
        client.close();
    }

    private void send(MessageType type, String path, String... query) throws Exception {
        Options.Builder o = Options.builder().uriPath(path);
        for (String q : query) {
            o.uriQuery(q);
        }
        Message m = new Message(type, Code.GET, mid++, Bytes.of(new byte[] {7, (byte) mid}), o.build(), Bytes.EMPTY);
        byte[] b = MessageEncoder.encode(m);
        client.send(new DatagramPacket(b, b.length, server.localAddress()));
    }

    /** The next CoAP message from the server; strays from other processes on a shared machine are skipped. */
    private Message receive() throws Exception {
        byte[] buf = new byte[2048];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            client.receive(p);
            DecodeResult r = MessageDecoder.decode(buf, 0, p.getLength());
            if (r instanceof Message m && p.getPort() == server.localAddress().getPort()) {
                return m;
            }
        }
    }

    private boolean silent(Duration wait) throws Exception {
        client.setSoTimeout((int) wait.toMillis());
        try {
            receive();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        }
    }

    @Test
    void nonRequestIsAnsweredWithNonWithinTheLeisure() throws Exception {
        long start = System.nanoTime();
        send(MessageType.NON, "/.well-known/core", "rt=greeting");
        Message r = receive();
        long elapsed = System.nanoTime() - start;
        assertThat(r.type()).isEqualTo(MessageType.NON);
        assertThat(r.code()).isEqualTo(Code.CONTENT);
        assertThat(r.options().contentFormat()).hasValue(ContentFormat.LINK_FORMAT);
        assertThat(r.payload().toArray()).asString().isEqualTo("</hello>;rt=\"greeting\"");
        assertThat(elapsed).isLessThan(LEISURE.toNanos() + 500_000_000L);
    }

    @Test
    void confirmableRequestToAGroupGetsNothingNotEvenReset() throws Exception {
        send(MessageType.CON, "/hello");
        assertThat(silent(LEISURE.multipliedBy(2))).isTrue();
    }

    @Test
    void errorsAreNotSent() throws Exception {
        send(MessageType.NON, "/nope");
        send(MessageType.NON, "/fail");
        send(MessageType.NON, "/.well-known/core", "rt=nothing");
        assertThat(silent(LEISURE.multipliedBy(2))).isTrue();
    }

    @Test
    void malformedConfirmableGetsNoReset() throws Exception {
        byte[] bad = {0x40, 0x01, 0x12, 0x34, (byte) 0xFF}; // CON GET with a payload marker and no payload
        client.send(new DatagramPacket(bad, bad.length, server.localAddress()));
        assertThat(silent(LEISURE)).isTrue();
    }

    /** Delivers every datagram as if it had come to a group address. */
    private static final class AllMulticast implements Transport {
        private final Transport inner;

        AllMulticast(Transport inner) {
            this.inner = inner;
        }

        @Override
        public void start(Receiver receiver) {
            inner.start((data, length, source, multicast) -> receiver.onDatagram(data, length, source, true));
        }

        @Override
        public void send(byte[] data, int length, InetSocketAddress destination) {
            inner.send(data, length, destination);
        }

        @Override
        public InetSocketAddress localAddress() {
            return inner.localAddress();
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
