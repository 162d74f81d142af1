package dev.tern.coap.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.cluster.internal.ClusterKeys;
import dev.tern.coap.cluster.internal.ForwardFrame;
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import dev.tern.coap.dtls.DtlsLayer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the internal forwarding port and on the forwarding path, performed on loopback
 * against two running nodes: forged frames, a captured frame replayed from a non-member address,
 * and a spray of CID records naming one node through another from many source ports.
 */
class ForwardingAttackTest {
    private static final int MAX_ROUTES = 20;
    private static final int MAX_FRAMES = 4;
    private Processes.Redis redis;
    private Cluster a;
    private Cluster b;
    private CoapServer serverA;
    private CoapServer serverB;

    @BeforeEach
    void start() throws Exception {
        redis = new Processes.Redis();
        a = Cluster.builder().redis(redis.uri()).secret(ClusterLeaseTest.SECRET).maxRelayRoutes(MAX_ROUTES)
                .forwardBatch(MAX_FRAMES, 8192).start();
        b = Cluster.builder().redis(redis.uri()).secret(ClusterLeaseTest.SECRET).maxRelayRoutes(MAX_ROUTES)
                .forwardBatch(MAX_FRAMES, 8192).start();
        serverA = server(a);
        serverB = server(b);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.members().size() == 2 && b.members().size() == 2);
    }

    private static CoapServer server(Cluster c) {
        DtlsLayer d = Dtls.server(c.configure(DtlsConfig.server().pskStore("dev1",
                "secret".getBytes(StandardCharsets.UTF_8))).build());
        return CoapServer.builder().port(0).bind("127.0.0.1").security(c.secure(d))
                .service(Router.builder().get("/hello", r -> Response.content("node " + c.nodeId())).build())
                .build().start();
    }

    @AfterEach
    void stop() throws Exception {
        serverA.close();
        serverB.close();
        a.close();
        b.close();
        redis.close();
    }

    private String hello(CoapServer s) {
        try (CoapClient c = CoapClient.builder().security(Dtls.client(DtlsConfig.client().psk("dev1", "secret")
                .connectionId(true).build())).build()) {
            return c.get("coaps://127.0.0.1:" + s.port() + "/hello", Duration.ofSeconds(20)).payloadString();
        }
    }

    /** A frame as node b would send it for {@code client}, sealed with the cluster's key. */
    private byte[] frame(int kind, InetSocketAddress client, long sentAt) {
        byte[] record = {23, (byte) 0xFE, (byte) 0xFD, 0, 1, 0, 0, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4};
        byte[] out = new byte[ForwardFrame.maxSize(record.length)];
        int n = ForwardFrame.encode(kind, b.nodeId(), sentAt, client, record, record.length,
                new ClusterKeys(ClusterLeaseTest.SECRET).forwardingMac(), out);
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * A batch of {@code frames} records as node b would send it, sealed with the cluster's key
     * after {@code tamper} changed its frames (given the batch without its tag and its end).
     */
    private byte[] batch(int frames, java.util.function.ToIntBiFunction<byte[], Integer> tamper) {
        byte[] record = {23, (byte) 0xFE, (byte) 0xFD, 0, 1, 0, 0, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4};
        ForwardFrame.Codec codec = new ForwardFrame.Codec(new ClusterKeys(ClusterLeaseTest.SECRET).forwardingMac(), 1);
        byte[] out = new byte[1000];
        int p = codec.begin(b.nodeId(), System.currentTimeMillis(), out);
        for (int i = 0; i < frames; i++) {
            p = codec.append(out, p, ForwardFrame.RECORD, new InetSocketAddress("127.0.0.9", 4000 + i), record,
                    record.length);
        }
        int end = tamper.applyAsInt(out, p);
        return java.util.Arrays.copyOf(out, codec.finish(out, end, frames));
    }

    @Test
    void malformedBatchesWithAValidTagAreDroppedWholeAndCounted() throws Exception {
        int firstLength = ForwardFrame.HEADER + 2 + 4 + 2 + 1; // low byte of the first datagram's length
        List<byte[]> bad = List.of(
                batch(2, (f, end) -> end - 5), // truncated: the second frame ends inside the tag
                batch(2, (f, end) -> {
                    f[firstLength] = (byte) 200; // the first frame's datagram overruns the batch
                    return end;
                }),
                batch(2, (f, end) -> {
                    f[firstLength - 1] = 1; // 260 bytes: past the end
                    return end;
                }),
                batch(MAX_FRAMES + 1, (f, end) -> end)); // more frames than the bound
        byte[] badTag = batch(3, (f, end) -> end);
        badTag[badTag.length - ForwardFrame.MAC - 2] ^= 1; // a byte of the last frame's record after sealing
        try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (byte[] f : bad) {
                attacker.send(new DatagramPacket(f, f.length, a.internalAddress()));
            }
            attacker.send(new DatagramPacket(badTag, badTag.length, a.internalAddress()));
            await().atMost(Duration.ofSeconds(5)).until(() -> a.statistics().droppedForged() == bad.size() + 1);
            // the same batch within the bounds passes every check up to membership: the attacker is no member
            byte[] fine = batch(MAX_FRAMES, (f, end) -> end);
            attacker.send(new DatagramPacket(fine, fine.length, a.internalAddress()));
            await().atMost(Duration.ofSeconds(5)).until(() -> a.statistics().droppedNonMember() == 1);
        }
        assertThat(a.statistics().droppedForged()).isEqualTo(bad.size() + 1);
        assertThat(a.statistics().recordsReceived()).isZero();
        assertThat(a.statistics().relayRoutes()).isZero();
        assertThat(hello(serverA)).isEqualTo("node " + a.nodeId());
    }

    @Test
    void theInternalPortIsStillReadAndCheckedOnceTheNodesServerHasClosed() throws Exception {
        serverA.close(); // the I/O thread that read the internal port is gone: the forwarder's own thread reads it
        try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 20; i++) {
                byte[] f = frame(ForwardFrame.RECORD, new InetSocketAddress("127.0.0.9", 4000 + i), System.currentTimeMillis());
                f[ForwardFrame.maxSize(0) / 2] ^= 1;
                attacker.send(new DatagramPacket(f, f.length, a.internalAddress()));
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> a.statistics().droppedForged() == 20);
    }

    @Test
    void forgedFramesAreDroppedAndCounted() throws Exception {
        Random random = new Random(1);
        try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 50; i++) {
                byte[] f = frame(ForwardFrame.REPLY, new InetSocketAddress("127.0.0.9", 4000 + i), System.currentTimeMillis());
                f[f.length - 1 - random.nextInt(ForwardFrame.MAC)] ^= 1; // a guessed MAC
                attacker.send(new DatagramPacket(f, f.length, a.internalAddress()));
                byte[] junk = new byte[1 + random.nextInt(200)];
                random.nextBytes(junk);
                attacker.send(new DatagramPacket(junk, junk.length, a.internalAddress()));
            }
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> a.statistics().droppedForged() == 100);
        assertThat(a.statistics().repliesSent()).isZero();
        assertThat(hello(serverA)).isEqualTo("node " + a.nodeId());
    }

    @Test
    void aCapturedFrameReplayedFromAnotherAddressIsDropped() throws Exception {
        // a reply frame would make node a send the record to any address the attacker names (a reflector)
        try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             DatagramSocket victim = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            victim.setSoTimeout(500);
            byte[] f = frame(ForwardFrame.REPLY, (InetSocketAddress) victim.getLocalSocketAddress(),
                    System.currentTimeMillis());
            attacker.send(new DatagramPacket(f, f.length, a.internalAddress()));
            await().atMost(Duration.ofSeconds(5)).until(() -> a.statistics().droppedNonMember() == 1);
            assertThat(a.statistics().repliesSent()).isZero();
            DatagramPacket p = new DatagramPacket(new byte[100], 100);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> victim.receive(p))
                    .isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    @Test
    void aSprayOfCidRecordsNamingANodeThroughAnotherIsBoundedByMaxRelayRoutes() throws Exception {
        List<DatagramSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 2 * MAX_ROUTES + 10; i++) {
                DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                sockets.add(s);
                byte[] record = {25, (byte) 0xFE, (byte) 0xFD, 0, 1, 0, 0, 0, 0, 0, 1, (byte) a.nodeId(), 1, 2, 3, 4,
                    (byte) i, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8};
                s.send(new DatagramPacket(record, record.length, new InetSocketAddress("127.0.0.1", serverB.port())));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> b.statistics().recordsForwarded() == 2 * MAX_ROUTES + 10);
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    a.statistics().recordsReceived() + a.statistics().relayRoutesRefused() == 2 * MAX_ROUTES + 10);
            assertThat(a.statistics().relayRoutes()).isLessThanOrEqualTo(MAX_ROUTES);
            assertThat(a.statistics().relayRoutesRefused()).isGreaterThanOrEqualTo(MAX_ROUTES + 10);
            assertThat(hello(serverA)).isEqualTo("node " + a.nodeId());
            assertThat(hello(serverB)).isEqualTo("node " + b.nodeId());
        } finally {
            sockets.forEach(DatagramSocket::close);
        }
    }
}
