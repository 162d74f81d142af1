package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.spi.EncryptedStateFile;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A planned restart hands every established DTLS session over to the next process (issue 10: "nothing
 * a device sees changes when a node is restarted on purpose"): the closing server writes each
 * session's keys, sequence numbers and Connection IDs into the encrypted state file and drops it
 * without a close_notify; the next server on the same port goes on with it, so the device's next
 * request is answered with no handshake at all, on either side.
 */
class DtlsSessionHandoverTest {
    private static final byte[] STATE_KEY = "session handover test key 32 by!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PSK = "secret".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private final AtomicInteger posts = new AtomicInteger();

    private CoapServer server(int port, DtlsLayer layer, EncryptedStateFile store) {
        CoapServer.Builder b = CoapServer.builder().bind("127.0.0.1").port(port).security(layer);
        if (store != null) {
            b.state(store);
        }
        return b.service(Router.builder().get("/hello", r -> Response.content("Hello World!"))
                        .post("/count", r -> Response.content(Integer.toString(posts.incrementAndGet()))).build())
                .build().start();
    }

    private static DtlsLayer serverLayer(String suite) {
        DtlsConfig.ServerBuilder b = DtlsConfig.server().pskStore("dev1", PSK);
        if (suite != null) {
            b.cipherSuites(List.of(suite));
        }
        return Dtls.server(b.build());
    }

    @ParameterizedTest
    @CsvSource({"TLS_PSK_WITH_AES_128_CCM_8, false", "TLS_PSK_WITH_AES_128_CCM_8, true",
            "TLS_PSK_WITH_AES_128_GCM_SHA256, true", "TLS_PSK_WITH_AES_256_GCM_SHA384, false",
            "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256, false", "TLS_PSK_WITH_AES_128_CBC_SHA256, true"})
    void theSessionGoesOnAfterARestartWithoutAHandshake(String suite, boolean cid) throws Exception {
        DtlsLayer first = serverLayer(suite);
        EncryptedStateFile store1 = EncryptedStateFile.open(dir, STATE_KEY);
        CoapServer one = server(0, first, store1);
        int port = one.port();
        String uri = "coaps://127.0.0.1:" + port;
        DtlsLayer clientLayer = Dtls.client(DtlsConfig.client().psk("dev1", "secret").connectionId(cid).build());
        try (CoapClient client = CoapClient.builder().security(clientLayer).build()) {
            for (int i = 0; i < 3; i++) {
                assertThat(client.get(uri + "/hello").payloadString()).isEqualTo("Hello World!");
            }
            assertThat(first.sessions()).singleElement().satisfies(s -> assertThat(s.cipherSuite()).isEqualTo(suite));
            one.close();
            store1.close();

            DtlsLayer second = serverLayer(suite);
            EncryptedStateFile store2 = EncryptedStateFile.open(dir, STATE_KEY);
            try (CoapServer two = server(port, second, store2)) {
                assertThat(two.port()).isEqualTo(port);
                await().atMost(Duration.ofSeconds(5)).until(() -> second.sessions().size() == 1);
                DtlsSession restored = second.sessions().get(0);
                assertThat(restored.peerIdentity().name()).isEqualTo("dev1");
                assertThat(restored.connectionId().isEmpty()).isEqualTo(!cid);
                for (int i = 0; i < 3; i++) {
                    assertThat(client.get(uri + "/hello").payloadString()).isEqualTo("Hello World!");
                    assertThat(client.post(uri + "/count", Bytes.utf8("x"), 0).payloadString()).isEqualTo(Integer.toString(i + 1));
                }
                assertThat(second.statistics().handshakesCompleted()).as("server handshakes after the restart").isZero();
                assertThat(second.statistics().helloVerifyRequests()).isZero();
                assertThat(clientLayer.statistics().handshakesCompleted()).as("client handshakes in all").isEqualTo(1);
            } finally {
                store2.close();
            }
        }
    }

    @Test
    void aRecordReplayedAfterTheRestartIsDiscarded() throws Exception {
        DtlsLayer first = serverLayer(null);
        EncryptedStateFile store1 = EncryptedStateFile.open(dir, STATE_KEY);
        CoapServer one = server(0, first, store1);
        int port = one.port();
        try (Relay relay = new Relay(new InetSocketAddress("127.0.0.1", port));
             CoapClient client = CoapClient.builder()
                     .security(Dtls.client(DtlsConfig.client().psk("dev1", "secret").build())).build()) {
            String uri = "coaps://127.0.0.1:" + relay.port() + "/count";
            assertThat(client.post(uri, Bytes.utf8("a"), 0).payloadString()).isEqualTo("1");
            byte[] beforeRestart = relay.last();
            one.close();
            store1.close();

            DtlsLayer second = serverLayer(null);
            EncryptedStateFile store2 = EncryptedStateFile.open(dir, STATE_KEY);
            try (CoapServer two = server(port, second, store2)) {
                assertThat(two.port()).isEqualTo(port);
                await().atMost(Duration.ofSeconds(5)).until(() -> second.sessions().size() == 1);
                relay.replay(beforeRestart); // a POST the previous process accepted (RFC 6347 §4.1.2.6)
                assertThat(client.post(uri, Bytes.utf8("b"), 0).payloadString()).isEqualTo("2");
                byte[] afterRestart = relay.last();
                relay.replay(afterRestart);
                relay.replay(beforeRestart);
                assertThat(client.post(uri, Bytes.utf8("c"), 0).payloadString()).isEqualTo("3");
                assertThat(posts.get()).as("each POST handled once").isEqualTo(3);
                // the new process went on above the old one's numbers: no (key, nonce) pair used twice
                assertThat(relay.serverRecords).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(4);
                assertThat(second.statistics().handshakesCompleted()).isZero();
            } finally {
                store2.close();
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"true, 0", "false, 1"})
    void aRestartedClientGoesOnWithItsSessionOnlyWithAConnectionId(boolean cid, int abbreviated) throws Exception {
        DtlsLayer server = serverLayer(null);
        try (CoapServer s = server(0, server, null);
             EncryptedStateFile store = EncryptedStateFile.open(dir, STATE_KEY)) {
            String uri = "coaps://127.0.0.1:" + s.port() + "/hello";
            DtlsConfig config = DtlsConfig.client().psk("dev1", "secret").connectionId(cid).build();
            try (CoapClient before = CoapClient.builder().security(Dtls.client(config)).state(store, r -> null).build()) {
                assertThat(before.get(uri).payloadString()).isEqualTo("Hello World!");
            } // a client's close saves its state (a CID session handed over, else close_notify and the resumption cache)
            DtlsLayer again = Dtls.client(config);
            try (CoapClient after = CoapClient.builder().security(again).state(store, r -> null).build()) {
                assertThat(after.get(uri).payloadString()).isEqualTo("Hello World!"); // from another port
                assertThat(again.statistics().handshakesCompleted()).isEqualTo(abbreviated);
            }
            assertThat(server.statistics().handshakesCompleted()).isEqualTo(1 + abbreviated);
        }
    }

    @Test
    void aSessionOfAnIdentityTheServerNoLongerKnowsIsNotRestored() throws Exception {
        Map<Bytes, byte[]> records = handedOver(serverLayer(null));
        DtlsLayer revoked = Dtls.server(DtlsConfig.server().pskStore("dev2", PSK).build());
        revoked.restoreState(records);
        try (CoapServer s = server(0, revoked, null)) {
            assertThat(s.port()).isPositive();
            assertThat(revoked.sessions()).isEmpty();
        }
        DtlsLayer same = serverLayer(null);
        same.restoreState(records);
        try (CoapServer s = server(0, same, null)) {
            assertThat(s.port()).isPositive();
            await().atMost(Duration.ofSeconds(5)).until(() -> same.sessions().size() == 1);
        }
    }

    @Test
    void damagedForeignOrExcessRecordsAreSkipped() throws Exception {
        Map<Bytes, byte[]> records = handedOver(serverLayer(null));
        Map.Entry<Bytes, byte[]> session = records.entrySet().stream()
                .filter(e -> e.getKey().get(0) == 'E').findFirst().orElseThrow();
        byte[] truncated = java.util.Arrays.copyOf(session.getValue(), session.getValue().length - 3);
        byte[] trailing = java.util.Arrays.copyOf(session.getValue(), session.getValue().length + 1);
        byte[] bigLength = session.getValue().clone();
        bigLength[1] = (byte) 0xFF; // the address field claims 65 280 bytes
        for (byte[] bad : List.of(truncated, trailing, bigLength, new byte[0], new byte[] {1})) {
            DtlsLayer layer = serverLayer(null);
            layer.restoreState(Map.of(session.getKey(), bad));
            try (CoapServer s = server(0, layer, null)) {
                assertThat(s.port()).isPositive();
                assertThat(layer.sessions()).isEmpty();
            }
        }
        DtlsLayer client = Dtls.client(DtlsConfig.client().psk("dev1", "secret").build());
        client.restoreState(records); // a server's session is not a client's
        try (CoapClient c = CoapClient.builder().security(client).build()) {
            assertThat(c.localAddress()).isNotNull();
            assertThat(client.sessions()).isEmpty(); // asked after the endpoint's start took the records
        }
        DtlsLayer capped = Dtls.server(DtlsConfig.server().pskStore("dev1", PSK).maxSessions(1).build());
        Map<Bytes, byte[]> two = new java.util.HashMap<>(records);
        two.putAll(handedOver(serverLayer(null)));
        assertThat(two.keySet().stream().filter(k -> k.get(0) == 'E').count()).isEqualTo(2);
        capped.restoreState(two);
        try (CoapServer s = server(0, capped, null)) {
            assertThat(s.port()).isPositive();
            await().atMost(Duration.ofSeconds(5)).until(() -> capped.sessions().size() == 1);
        }
    }

    /** The records a server with one established session hands over. */
    private Map<Bytes, byte[]> handedOver(DtlsLayer layer) throws Exception {
        try (CoapServer s = server(0, layer, null);
             CoapClient c = CoapClient.builder().security(Dtls.client(DtlsConfig.client().psk("dev1", "secret")
                     .build())).build()) {
            c.get("coaps://127.0.0.1:" + s.port() + "/hello");
            Map<Bytes, byte[]> out = layer.exportState();
            assertThat(layer.sessions()).as("handed over: gone here").isEmpty();
            return out;
        }
    }

    /** Forwards datagrams between one client and the server, keeping the client's last one. */
    private static final class Relay implements AutoCloseable {
        private final DatagramSocket front = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        private final DatagramSocket back = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        private final List<byte[]> fromClient = new CopyOnWriteArrayList<>();
        /** The epoch and sequence number of every record the server sent (RFC 6347 §4.1). */
        private final List<Long> serverRecords = new CopyOnWriteArrayList<>();
        private final InetSocketAddress server;
        private volatile InetSocketAddress client;

        Relay(InetSocketAddress server) throws Exception {
            this.server = server;
            pump(front, true);
            pump(back, false);
        }

        int port() {
            return front.getLocalPort();
        }

        byte[] last() {
            return fromClient.get(fromClient.size() - 1);
        }

        void replay(byte[] datagram) throws Exception {
            back.send(new DatagramPacket(datagram, datagram.length, server));
        }

        private void pump(DatagramSocket in, boolean toServer) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[2048];
                while (!in.isClosed()) {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    try {
                        in.receive(p);
                        byte[] d = java.util.Arrays.copyOf(p.getData(), p.getLength());
                        if (toServer) {
                            client = (InetSocketAddress) p.getSocketAddress();
                            fromClient.add(d);
                            back.send(new DatagramPacket(d, d.length, server));
                        } else if (client != null) {
                            if (d.length >= 13) {
                                serverRecords.add(java.nio.ByteBuffer.wrap(d, 3, 8).getLong());
                            }
                            front.send(new DatagramPacket(d, d.length, client));
                        }
                    } catch (java.io.IOException e) {
                        // closed, or the server is between processes
                    }
                }
            }, "relay");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() {
            front.close();
            back.close();
        }
    }
}
