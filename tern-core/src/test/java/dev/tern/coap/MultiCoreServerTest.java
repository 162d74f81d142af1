package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A server with several I/O threads sharing one port with SO_REUSEPORT ({@link CoapServer.Builder#ioThreads}). */
class MultiCoreServerTest {
    private final AtomicInteger counter = new AtomicInteger();
    private final Set<String> ioThreads = ConcurrentHashMap.newKeySet();
    private final ObservableResource observable = ObservableResource.create();
    private final List<CoapClient> clients = new ArrayList<>();
    private CoapServer server;

    private CoapServer.Builder builder(int port) {
        Router router = Router.builder()
                .get("/hello", req -> {
                    ioThreads.add(Thread.currentThread().getName());
                    return Response.content("Hello World!");
                })
                .post("/counter", req -> Response.content(Integer.toString(counter.incrementAndGet())))
                .get("/obs", observable.handler(req -> Response.content("n" + counter.get())),
                        RouteOptions.create().observable())
                .build();
        // Handlers on the I/O threads, as `tern serve` runs them: the thread names tell the loops apart.
        return CoapServer.builder().port(port).bind("127.0.0.1").ioThreads(2).executor(Runnable::run).service(router);
    }

    @AfterEach
    void stop() {
        clients.forEach(CoapClient::close);
        if (server != null) {
            server.close();
        }
    }

    private CoapClient client() {
        CoapClient c = CoapClient.create();
        clients.add(c);
        return c;
    }

    @Test
    void manyClientsAllGetAnswersFromBothLoops() {
        server = builder(0).build().start();
        assertThat(server.port()).isPositive();
        String uri = "coap://127.0.0.1:" + server.port() + "/hello";
        List<CompletableFuture<Response>> answers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            answers.add(client().send(Request.get(uri).build()));
        }
        for (CompletableFuture<Response> f : answers) {
            Response r = f.orTimeout(10, TimeUnit.SECONDS).join();
            assertThat(r.payloadString()).isEqualTo("Hello World!");
        }
        // 50 peers hashed over two sockets: both loops served some (all on one has probability 2^-49).
        assertThat(ioThreads).hasSize(2);
    }

    @Test
    void duplicatesAreAnsweredFromTheCachePerPeer() throws Exception {
        server = builder(0).build().start();
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
        int peers = 20;
        for (int p = 0; p < peers; p++) {
            try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                socket.setSoTimeout(5000);
                byte[] con = postCounter(0x1000 + p);
                String first = exchange(socket, con, target);
                String second = exchange(socket, con, target); // the same CON again: the cached response
                assertThat(second).isEqualTo(first);
            }
        }
        assertThat(counter.get()).isEqualTo(peers);
    }

    @Test
    void observersOnBothLoopsAreNotified() {
        server = builder(0).build().start();
        String uri = "coap://127.0.0.1:" + server.port() + "/obs";
        List<List<String>> seen = new ArrayList<>();
        List<Observation> observations = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            List<String> mine = new CopyOnWriteArrayList<>();
            seen.add(mine);
            observations.add(client().observe(Request.get(uri).build(), r -> mine.add(r.payloadString())));
        }
        observations.forEach(o -> o.registered().orTimeout(10, TimeUnit.SECONDS).join());
        assertThat(observable.observerCount()).isEqualTo(10);
        counter.set(7);
        observable.changed();
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().allMatch(s -> s.contains("n7")));
        observations.forEach(Observation::cancel);
    }

    @Test
    void closeReleasesThePort() {
        server = builder(0).build().start();
        int port = server.port();
        assertThat(client().get("coap://127.0.0.1:" + port + "/hello").payloadString()).isEqualTo("Hello World!");
        server.close();
        server = builder(port).ioThreads(1).build().start(); // without SO_REUSEPORT: only a free port binds
        assertThat(server.port()).isEqualTo(port);
        assertThat(client().get("coap://127.0.0.1:" + port + "/hello").payloadString()).isEqualTo("Hello World!");
    }

    @Test
    void ioThreadsMustBePositiveAndExcludeMulticast() {
        assertThatThrownBy(() -> CoapServer.builder().ioThreads(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CoapServer.builder().port(0).ioThreads(2).joinAllCoapNodes().build().start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ioThreads(1)");
    }

    /** CON POST /counter with Message ID {@code mid} and no token. */
    private static byte[] postCounter(int mid) {
        byte[] path = "counter".getBytes(StandardCharsets.US_ASCII);
        byte[] m = new byte[5 + path.length];
        m[0] = 0x40; // version 1, CON, TKL 0
        m[1] = 0x02; // POST
        m[2] = (byte) (mid >> 8);
        m[3] = (byte) mid;
        m[4] = (byte) (0xB0 | path.length); // Uri-Path (11)
        System.arraycopy(path, 0, m, 5, path.length);
        return m;
    }

    /** Sends {@code request} and returns the response datagram as hex. */
    private static String exchange(DatagramSocket socket, byte[] request, InetSocketAddress target) throws Exception {
        socket.send(new DatagramPacket(request, request.length, target));
        DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
        socket.receive(p);
        byte[] data = Arrays.copyOf(p.getData(), p.getLength());
        assertThat(data[1]).isEqualTo((byte) 0x45); // 2.05 Content
        return java.util.HexFormat.of().formatHex(data);
    }
}
