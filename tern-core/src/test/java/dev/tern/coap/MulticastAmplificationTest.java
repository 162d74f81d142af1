package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 17 point 1, performed on {@code lo}: NON requests to 224.0.1.187 from a raw socket (the
 * "victim" is whatever source the attacker puts on them; here the raw socket itself) must not be
 * answered by routes that did not opt in to group requests (RFC 7252 §11.3), must not run their
 * handlers, and the answers of opted-in routes stay within {@link EndpointConfig#multicastAmplificationLimit()}
 * times the request (RFC 9175 §2.4), sliced as a smaller Block2 block 0 (RFC 7959 §2.4) that the
 * client completes by unicast. Skipped when {@code lo} has no MULTICAST flag, unless
 * {@code TERN_INTEROP_REQUIRED=1}.
 */
class MulticastAmplificationTest {
    private static final EndpointConfig FAST = EndpointConfig.builder().multicastLeisure(Duration.ofMillis(20)).build();
    private static final String LARGE = "x".repeat(4000);
    private static final Duration QUIET = Duration.ofMillis(600);

    static Optional<NetworkInterface> loopback() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (nif.isUp() && nif.supportsMulticast() && nif.isLoopback()
                        && nif.inetAddresses().anyMatch(Inet4Address.class::isInstance)) {
                    return Optional.of(nif);
                }
            }
        } catch (SocketException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    static NetworkInterface requireLoopback() {
        Optional<NetworkInterface> nif = loopback();
        String why = "lo has no MULTICAST flag (run: ip link set lo multicast on)";
        if ("1".equals(System.getenv("TERN_INTEROP_REQUIRED"))) {
            assertThat(nif).as(why).isPresent();
        }
        assumeTrue(nif.isPresent(), why);
        return nif.get();
    }

    private final AtomicInteger posts = new AtomicInteger();

    private Router router() {
        return Router.builder()
                .get("/large", req -> Response.content(LARGE), RouteOptions.create().title("large"))
                .post("/items", req -> {
                    posts.incrementAndGet();
                    return Response.of(Code.CREATED);
                })
                .get("/all", req -> Response.content(LARGE), RouteOptions.create().multicastUncapped())
                .get("/opted-in-sensor", req -> Response.content(LARGE), RouteOptions.create().multicast(true))
                .get("/a-route-with-a-rather-long-name-to-make-the-link-list-longer",
                        req -> Response.content("x"), RouteOptions.create().resourceType("filler"))
                .build();
    }

    private static CoapServer server(NetworkInterface lo, Router router, EndpointConfig config) throws Exception {
        return CoapServer.builder().port(0).bind("127.0.0.1").config(config).service(router)
                .joinMulticast(InetAddress.getByName(CoapServer.ALL_COAP_NODES_IPV4), lo).build().start();
    }

    /** An attacker's socket: sends group datagrams out of {@code lo} and reads what comes back. */
    private static final class Attacker implements AutoCloseable {
        final MulticastSocket socket;
        final int port;
        int mid = 0x4000;
        long sent;
        long received;

        Attacker(NetworkInterface lo, int port) throws Exception {
            this.socket = new MulticastSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            this.socket.setNetworkInterface(lo);
            this.socket.setTimeToLive(0);
            this.port = port;
        }

        byte[] request(Code method, String path, String query) {
            Options.Builder o = Options.builder().uriPath(path);
            if (query != null) {
                o.uriQuery(query);
            }
            Message m = new Message(MessageType.NON, method, mid++, Bytes.of(new byte[] {(byte) mid}), o.build(),
                    Bytes.EMPTY);
            return MessageEncoder.encode(m);
        }

        void sendToGroup(byte[] datagram) throws Exception {
            socket.send(new DatagramPacket(datagram, datagram.length,
                    InetAddress.getByName(CoapServer.ALL_COAP_NODES_IPV4), port));
            sent += datagram.length;
        }

        /** The next CoAP message from the server's port within {@code wait}, or empty. */
        Optional<Message> receive(Duration wait) throws Exception {
            long deadline = System.nanoTime() + wait.toNanos();
            byte[] buf = new byte[2048];
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return Optional.empty();
                }
                socket.setSoTimeout((int) left);
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    return Optional.empty();
                }
                DecodeResult r = MessageDecoder.decode(buf, 0, p.getLength());
                if (p.getPort() == port && r instanceof Message m) {
                    received += p.getLength();
                    return Optional.of(m);
                }
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    @Test
    void aGroupGetToARouteThatDidNotOptInIsIgnored() throws Exception {
        NetworkInterface lo = requireLoopback();
        try (CoapServer server = server(lo, router(), FAST); Attacker a = new Attacker(lo, server.port())) {
            a.sendToGroup(a.request(Code.GET, "/large", null));
            assertThat(a.receive(QUIET)).as("answer to a group GET /large").isEmpty();
            assertThat(a.received).isZero();
        }
    }

    @Test
    void aGroupPostDoesNotRunTheHandler() throws Exception {
        NetworkInterface lo = requireLoopback();
        try (CoapServer server = server(lo, router(), FAST); Attacker a = new Attacker(lo, server.port())) {
            a.sendToGroup(a.request(Code.POST, "/items", null));
            assertThat(a.receive(QUIET)).isEmpty();
            assertThat(posts).hasValue(0);
        }
    }

    @Test
    void wellKnownCoreIsAnsweredWithinTheMultiplierAndCompletedByUnicast() throws Exception {
        NetworkInterface lo = requireLoopback();
        try (CoapServer server = server(lo, router(), FAST); Attacker a = new Attacker(lo, server.port())) {
            byte[] request = a.request(Code.GET, "/.well-known/core", null);
            a.sendToGroup(request);
            Message first = a.receive(Duration.ofSeconds(5)).orElseThrow();
            int size = MessageEncoder.encodedSize(first);
            assertThat(first.code()).isEqualTo(Code.CONTENT);
            assertThat(size).isLessThanOrEqualTo(3 * request.length);
            Block block = first.options().block2().orElseThrow();
            assertThat(block.num()).isZero();
            assertThat(block.more()).isTrue();

            try (CoapClient client = CoapClient.builder().build()) {
                Response whole = client.send(Request.get("coap://127.0.0.1:" + server.port() + "/.well-known/core")
                        .build()).get();
                assertThat(whole.payloadString()).startsWith(new String(first.payload().toArray(),
                        java.nio.charset.StandardCharsets.UTF_8));
                Response next = client.send(Request.get("coap://127.0.0.1:" + server.port() + "/.well-known/core")
                        .block2(1, block.size()).build()).get();
                assertThat(next.code()).isEqualTo(Code.CONTENT);
                assertThat(whole.payloadString()).contains(next.payloadString());
            }
        }
    }

    @Test
    void theClientCompletesACutLinkListByUnicast() throws Exception {
        NetworkInterface lo = requireLoopback();
        try (CoapServer server = server(lo, router(), FAST);
             CoapClient client = CoapClient.builder().multicastInterface(lo).build()) {
            String expected = client.send(Request.get("coap://127.0.0.1:" + server.port() + "/.well-known/core")
                    .build()).get().payloadString();
            assertThat(expected.length()).isGreaterThan(100);
            List<Response> answers = client.multicast(Request.get("coap://" + CoapServer.ALL_COAP_NODES_IPV4 + ":"
                    + server.port() + "/.well-known/core").build(), Duration.ofMillis(500)).get();
            assertThat(answers).singleElement().satisfies(r -> {
                assertThat(r.payloadString()).isEqualTo(expected);
                assertThat(r.peer()).isPresent();
            });
        }
    }

    @Test
    void aFloodOfSpoofedGroupRequestsGetsAtMostTheMultiplier() throws Exception {
        NetworkInterface lo = requireLoopback();
        try (CoapServer server = server(lo, router(), FAST); Attacker a = new Attacker(lo, server.port())) {
            List<byte[]> requests = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                requests.add(a.request(Code.GET, i % 2 == 0 ? "/.well-known/core" : "/large", null));
            }
            for (byte[] r : requests) {
                a.sendToGroup(r);
            }
            while (a.receive(QUIET).isPresent()) {
                // count every byte the server sends back
            }
            assertThat(a.received).as("bytes answered to %s bytes of group requests", a.sent)
                    .isPositive().isLessThanOrEqualTo(3 * a.sent);
        }
    }

    @Test
    void anOptedInRouteIsCappedAndAnUncappedOneIsNot() throws Exception {
        NetworkInterface lo = requireLoopback();
        try (CoapServer server = server(lo, router(), FAST); Attacker a = new Attacker(lo, server.port())) {
            byte[] some = a.request(Code.GET, "/opted-in-sensor", null);
            a.sendToGroup(some);
            Message capped = a.receive(Duration.ofSeconds(5)).orElseThrow();
            assertThat(MessageEncoder.encodedSize(capped)).isLessThanOrEqualTo(3 * some.length);
            assertThat(capped.options().block2()).isPresent();

            a.sendToGroup(a.request(Code.GET, "/all", null));
            Message full = a.receive(Duration.ofSeconds(5)).orElseThrow();
            assertThat(full.payload().length()).isEqualTo(FAST.preferredBlockSize());
        }
    }

    @Test
    void theEchoGuardAppliesToGroupRequestsToo() throws Exception {
        NetworkInterface lo = requireLoopback();
        EndpointConfig guarded = EndpointConfig.builder().multicastLeisure(Duration.ofMillis(20))
                .amplificationLimit(2).build();
        try (CoapServer server = server(lo, router(), guarded); Attacker a = new Attacker(lo, server.port())) {
            byte[] all = a.request(Code.GET, "/all", null);
            a.sendToGroup(all);
            Optional<Message> r = a.receive(QUIET);
            r.ifPresent(m -> assertThat(MessageEncoder.encodedSize(m)).isLessThanOrEqualTo(2 * all.length));
        }
    }
}
