package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * FAULTS.md A2.4 (issue 17 point 4): first Block1 blocks ({@code NUM=0 M=1 SZX=0}, 16 bytes,
 * {@code Size1 65536}, about 40 bytes each) from 260 sources against a running {@link CoapServer}
 * on loopback. Before the fix they filled the 256-body table with 64 KiB each, for 5 minutes, and
 * every other client's upload got 5.03. Sources are real sockets: 260 ports of one address, or
 * 260 distinct addresses of 127.0.0.0/8 (all loopback on Linux).
 */
class Block1LockoutTest {
    private static final int ATTACKERS = 260;
    private static final String BODY = FaultTableBlockObserveTest.largeText(3000);

    private final ConcurrentLinkedQueue<Bytes> uploaded = new ConcurrentLinkedQueue<>();
    private final List<DatagramSocket> sockets = new ArrayList<>();
    private CoapServer server;
    private CoapClient client;

    @BeforeEach
    void start() {
        server = CoapServer.builder().port(0).bind("127.0.0.1").config(EndpointConfig.defaults())
                .service(Router.builder().put("/upload", req -> {
                    uploaded.add(req.payload());
                    return Response.of(Code.CHANGED);
                }).build()).build().start();
        client = CoapClient.builder().config(EndpointConfig.builder().preferredBlockSize(256).build()).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        sockets.forEach(DatagramSocket::close);
    }

    @Test
    void portsOfOneAddressHoldAtMostItsPerAddressLimit() {
        Map<Code, Integer> answers = attack(i -> "127.0.0.1");
        int held = bodies();
        long bytes = bodyBytes();
        assertLegitimateUploadSucceeds();
        assertThat(answers).as("every first block gets 2.31 (the stalest of the address is evicted)")
                .containsOnlyKeys(Code.CONTINUE);
        assertThat(held).as("bodies held for 127.0.0.1").isLessThanOrEqualTo(4);
        assertThat(bytes).as("bytes held (Size1 announced 64 KiB each)").isLessThanOrEqualTo(4 * 16);
    }

    @Test
    void distinctAddressesCannotLockOutAnUpload() {
        Map<Code, Integer> answers = attack(i -> "127.0." + (1 + i / 200) + "." + (1 + i % 200));
        int held = bodies();
        long bytes = bodyBytes();
        assertLegitimateUploadSucceeds();
        assertThat(answers).as("every first block gets 2.31 (the stalest body is evicted)")
                .containsOnlyKeys(Code.CONTINUE);
        assertThat(held).isLessThanOrEqualTo(256);
        assertThat(bytes).as("bytes held: what arrived, not what Size1 announced").isLessThanOrEqualTo(256 * 16);
    }

    private void assertLegitimateUploadSucceeds() {
        Response r = client.call(Request.put("coap://127.0.0.1:" + server.localAddress().getPort() + "/upload")
                .payload(BODY).build());
        assertThat(r.code()).isEqualTo(Code.CHANGED);
        assertThat(uploaded).containsExactly(Bytes.utf8(BODY));
    }

    /** One first block from each of {@link #ATTACKERS} sockets; the answers' codes, counted. */
    private Map<Code, Integer> attack(java.util.function.IntFunction<String> address) {
        Map<Code, Integer> answers = new HashMap<>();
        int port = server.localAddress().getPort();
        for (int i = 0; i < ATTACKERS; i++) {
            DatagramSocket s = socket(address.apply(i));
            Bytes token = Bytes.of((byte) i, (byte) (i >>> 8));
            Options options = Options.builder().uriPath("upload")
                    .set(OptionNumber.BLOCK1, new Block(0, true, 0).value()).set(OptionNumber.SIZE1, 65_536).build();
            byte[] datagram = MessageEncoder.encode(new Message(MessageType.CON, Code.PUT, i, token, options,
                    Bytes.wrap(new byte[16])));
            send(s, datagram, port);
            byte[] reply = receive(s);
            assertThat(reply).as("answer to attacker %d", i).isNotNull();
            DecodeResult d = MessageDecoder.decode(reply);
            assertThat(d).isInstanceOf(Message.class);
            answers.merge(((Message) d).code(), 1, Integer::sum);
        }
        return answers;
    }

    private int bodies() {
        return Tables.read(server.endpoint(), e -> e.blockwiseBodies());
    }

    private int bodyBytes() {
        return Tables.read(server.endpoint(), e -> (int) e.blockwiseBodyBytes());
    }

    private DatagramSocket socket(String address) {
        try {
            DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 0));
            sockets.add(s);
            return s;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(DatagramSocket s, byte[] datagram, int port) {
        try {
            s.send(new DatagramPacket(datagram, datagram.length, InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] receive(DatagramSocket s) {
        try {
            s.setSoTimeout((int) Duration.ofSeconds(5).toMillis());
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            s.receive(p);
            return Arrays.copyOf(p.getData(), p.getLength());
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
