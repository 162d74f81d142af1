package dev.tern.coap.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.MessageTracer;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway's coap clients on its own event loops ({@link LoopDatagrams}): the exchange, its
 * retransmission timer and its completion all run on the loop's thread; the caller's coap client
 * is used instead when the proxy was given one.
 */
class LoopDatagramsTest {
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anExchangeRetransmitsAndCompletesOnTheLoopThread(boolean epoll) throws Exception {
        onOwnLoop(epoll, (loop, peer) -> {
            LoopDatagrams datagrams = LoopDatagrams.open(loop, new InetSocketAddress(0));
            int port = datagrams.localAddress().getPort();
            EndpointConfig fast = EndpointConfig.clientDefaults().toBuilder().ackTimeout(Duration.ofMillis(200)).build();
            CoapClient client = CoapClient.builder().config(fast).transport(datagrams, datagrams).build();
            CompletableFuture<Boolean> onLoop = new CompletableFuture<>();
            CompletableFuture<Response> sent = client.send(Request.get("coap://127.0.0.1:" + peer.getLocalPort() + "/x").build());
            sent.whenComplete((r, e) -> onLoop.complete(loop.inEventLoop()));

            byte[] first = receive(peer);
            byte[] again = receive(peer); // the first is never answered: the loop's timer retransmits it
            assertThat(again).isEqualTo(first); // RFC 7252 §4.2: the same message, the same Message ID
            int tkl = first[0] & 0x0F;
            byte[] ack = new byte[4 + tkl + 3];
            ack[0] = (byte) (0x60 | tkl); // version 1, ACK, the request's token length
            ack[1] = 0x45; // 2.05 Content
            System.arraycopy(first, 2, ack, 2, 2 + tkl); // its Message ID and token
            ack[4 + tkl] = (byte) 0xFF;
            ack[5 + tkl] = 'h';
            ack[6 + tkl] = 'i';
            peer.send(new DatagramPacket(ack, ack.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));

            assertThat(sent.get(5, TimeUnit.SECONDS).payload().utf8()).isEqualTo("hi");
            assertThat(onLoop.get(5, TimeUnit.SECONDS)).isTrue();
            client.close();
            Awaitility.await().atMost(Duration.ofSeconds(5)).ignoreExceptions().untilAsserted(() -> {
                try (DatagramSocket rebound = new DatagramSocket(port)) {
                    assertThat(rebound.getLocalPort()).isEqualTo(port); // closing the client released the socket
                }
            });
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void sendsOfOneLoopTurnGoOutTogetherAtItsEndInOrder(boolean epoll) throws Exception {
        onOwnLoop(epoll, (loop, peer) -> {
            peer.setReceiveBufferSize(1 << 20);
            LoopDatagrams datagrams = LoopDatagrams.open(loop, new InetSocketAddress(0));
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), peer.getLocalPort());
            int sends = SendBatch.MAX_DATAGRAMS + 6;
            int[] held = new int[3];
            loop.submit(() -> {
                for (int i = 0; i < sends; i++) {
                    datagrams.send(new byte[] {(byte) i, 1, 2, 3}, 4, to);
                    if (i == 0) {
                        held[0] = datagrams.heldSends(); // the first waits for the end of the turn
                    }
                }
                held[1] = datagrams.heldSends(); // a full batch went out when the 65th came
            }).sync();
            assertThat(held[0]).isEqualTo(1);
            assertThat(held[1]).isEqualTo(sends - SendBatch.MAX_DATAGRAMS);
            for (int i = 0; i < sends; i++) {
                assertThat(receive(peer)).containsExactly((byte) i, 1, 2, 3); // all of them, in order
            }
            assertThat(loop.submit(datagrams::heldSends).get(5, TimeUnit.SECONDS)).isZero();

            byte[] big = new byte[30_000];
            loop.submit(() -> {
                for (int i = 0; i < 3; i++) {
                    big[0] = (byte) i;
                    datagrams.send(big, big.length, to);
                }
                held[2] = datagrams.heldSends(); // the third did not fit beside two: those two went first
            }).sync();
            assertThat(held[2]).isEqualTo(1);
            for (int i = 0; i < 3; i++) {
                DatagramPacket p = new DatagramPacket(new byte[65_536], 65_536);
                peer.receive(p);
                assertThat(p.getLength()).isEqualTo(big.length);
                assertThat(p.getData()[0]).isEqualTo((byte) i);
            }
            datagrams.close();
        });
    }

    /** A test body with its own one-thread event loop (NIO, or epoll where it loads) and a loopback UDP peer. */
    private interface OnLoop {
        void run(IoEventLoop loop, DatagramSocket peer) throws Exception;
    }

    private static void onOwnLoop(boolean epoll, OnLoop body) throws Exception {
        assumeTrue(!epoll || Epoll.isAvailable(), "no native epoll here");
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try (DatagramSocket peer = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            peer.setSoTimeout(10_000);
            body.run(group.next(), peer);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theGatewayHasAClientPerIoThreadUnlessTheProxysIsGiven(boolean nativeTransport) throws Exception {
        try (Loopback.Origin origin = new Loopback.Origin()) {
            String target = "/hc/" + origin.uri("/hello");
            CoapProxy proxy = CoapProxy.builder().allow("127.0.0.1").build();
            HttpGateway gateway = HttpGateway.builder(proxy).ioThreads(2).nativeTransport(nativeTransport).build().start();
            try {
                assertThat(gateway.loopClients()).isEqualTo(2);
                assertThat(get(gateway, target)).isEqualTo("Hello []");
            } finally {
                gateway.close();
                proxy.close();
            }
            assertThat(gateway.loopClients()).isZero(); // closed with the gateway

            AtomicInteger traced = new AtomicInteger();
            try (CoapClient mine = CoapClient.builder().tracer(new MessageTracer() {
                @Override
                public void sent(InetSocketAddress peer, String summary) {
                    traced.incrementAndGet();
                }

                @Override
                public void received(InetSocketAddress peer, String summary) {
                }
            }).build()) {
                CoapProxy given = CoapProxy.builder().allow("127.0.0.1").coapClient(mine).build();
                HttpGateway through = HttpGateway.builder(given).nativeTransport(nativeTransport).build().start();
                try {
                    assertThat(through.loopClients()).isZero();
                    assertThat(get(through, target)).isEqualTo("Hello []");
                    assertThat(traced.get()).isPositive(); // the caller's client carried the exchange
                } finally {
                    through.close();
                    given.close();
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anIpv6UpstreamIsReachedFromTheLoopsSocket(boolean nativeTransport) throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(v6, 0))) {
            assumeTrue(probe.isBound(), "no IPv6 loopback here");
        } catch (java.net.SocketException e) {
            assumeTrue(false, "no IPv6 loopback here: " + e.getMessage());
        }
        CoapServer origin = CoapServer.builder().port(0).bind("::1")
                .service(Router.builder().get("/hello", r -> Response.content("Hello v6")).build()).build().start();
        CoapProxy proxy = CoapProxy.builder().allow("::1").build();
        HttpGateway gateway = HttpGateway.builder(proxy).nativeTransport(nativeTransport).build().start();
        try {
            assertThat(gateway.loopClients()).isPositive(); // the exchange runs on the loop's own socket
            // a dual-stack socket bound to the wildcard: IPv6 targets too, and the answer's source matches
            String target = java.net.URLEncoder.encode("coap://[::1]:" + origin.port() + "/hello", StandardCharsets.UTF_8);
            assertThat(get(gateway, "/hc/?target_uri=" + target)).isEqualTo("Hello v6"); // RFC 8075 §5.4
        } finally {
            gateway.close();
            proxy.close();
            origin.close();
        }
    }

    private static byte[] receive(DatagramSocket socket) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[1500], 1500);
        socket.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    private static String get(HttpGateway gateway, String pathAndQuery) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                + pathAndQuery)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }
}
