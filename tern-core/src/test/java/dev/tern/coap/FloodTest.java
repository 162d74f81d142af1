package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.internal.codec.DecodeResult;
import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageDecoder;
import dev.tern.coap.internal.codec.MessageEncoder;
import dev.tern.coap.internal.engine.CoapEndpoint;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The "State that must be bounded" table of faults.md: each table is flooded from twice its cap of
 * distinct source ports (real UDP on loopback) and must stay within the cap while a legitimate
 * client is still served.
 */
class FloodTest {
    private static final int CAP = 20;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final List<DatagramSocket> sockets = new ArrayList<>();
    private final ObservableResource observable = ObservableResource.create();
    private CoapServer server;

    @AfterEach
    void stop() {
        sockets.forEach(DatagramSocket::close);
        if (server != null) {
            server.close();
        }
    }

    private CoapServer start(EndpointConfig config) {
        Service.Handler observed = observable.handler(r -> Response.content("v"));
        Service service = request -> switch (request.path()) {
            case "/obs" -> CompletableFuture.completedFuture(observed.handle(request));
            case "/big" -> CompletableFuture.completedFuture(Response.content("b".repeat(3000)));
            case "/upload" -> CompletableFuture.completedFuture(Response.of(Code.CHANGED));
            default -> CompletableFuture.completedFuture(Response.content("Hello World!"));
        };
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(service).config(config).build().start();
        return server;
    }

    private DatagramSocket socket() throws Exception {
        DatagramSocket s = new DatagramSocket(0, LOOPBACK);
        s.setSoTimeout(3000);
        sockets.add(s);
        return s;
    }

    private void send(DatagramSocket s, Message m) throws Exception {
        byte[] out = MessageEncoder.encode(m);
        dev.tern.coap.testkit.RawUdp.send(s, out, server.port());
    }

    private static Message receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        DecodeResult d = MessageDecoder.decode(buf, 0, p.getLength());
        return (Message) d;
    }

    private static Message request(MessageType type, Code code, int mid, String path, Option... extra) {
        Options.Builder o = Options.builder().uriPath(path);
        for (Option x : extra) {
            o.add(x);
        }
        return new Message(type, code, mid, Bytes.fromHex("0a0b0c0d"), o.build(), Bytes.EMPTY);
    }

    /** Each of {@code 2 x CAP} sockets sends one message and reads one reply. */
    private List<Message> flood(Message m) throws Exception {
        List<DatagramSocket> flooders = new ArrayList<>();
        for (int i = 0; i < 2 * CAP; i++) {
            DatagramSocket s = socket();
            flooders.add(s);
            send(s, m);
        }
        List<Message> replies = new ArrayList<>();
        for (DatagramSocket s : flooders) {
            replies.add(receive(s));
        }
        return replies;
    }

    private int table(ToIntFunction<CoapEndpoint> t) {
        return Tables.read(server.endpoint(), t);
    }

    private void legitimateClientIsServed() {
        try (CoapClient client = CoapClient.create()) {
            Response r = client.get("coap://127.0.0.1:" + server.port() + "/hello");
            assertThat(r.code()).isEqualTo(Code.CONTENT);
            assertThat(r.payloadString()).isEqualTo("Hello World!");
        }
    }

    @Test
    void deduplicationEntriesStayWithinCap() throws Exception {
        start(EndpointConfig.builder().maxDeduplicationEntries(CAP).build());
        List<Message> replies = flood(request(MessageType.CON, Code.GET, 7, "/hello"));
        assertThat(replies).allSatisfy(r -> assertThat(r.code()).isEqualTo(Code.CONTENT));
        assertThat(table(CoapEndpoint::deduplicationEntries)).isLessThanOrEqualTo(CAP);
        legitimateClientIsServed();
    }

    @Test
    void peersStayWithinCap() throws Exception {
        // NON requests get NON responses with a fresh Message ID: per-peer MessageIdAllocator state.
        start(EndpointConfig.builder().maxPeers(CAP).build());
        List<Message> replies = flood(request(MessageType.NON, Code.GET, 7, "/hello"));
        assertThat(replies).allSatisfy(r -> assertThat(r.type()).isEqualTo(MessageType.NON));
        assertThat(table(CoapEndpoint::peers)).isGreaterThan(0).isLessThanOrEqualTo(CAP);
        legitimateClientIsServed();
    }

    @Test
    void observersStayWithinCap() throws Exception {
        start(EndpointConfig.builder().maxObservers(CAP).build());
        List<Message> replies = flood(request(MessageType.CON, Code.GET, 7, "/obs",
                Option.ofUint(OptionNumber.OBSERVE, 0)));
        assertThat(replies).allSatisfy(r -> assertThat(r.code()).isEqualTo(Code.CONTENT));
        long registered = replies.stream().filter(r -> r.options().observe().isPresent()).count();
        assertThat(registered).isEqualTo(CAP); // beyond the cap: a plain 2.05 (RFC 7641 §4.1)
        assertThat(table(CoapEndpoint::observers)).isLessThanOrEqualTo(CAP);
        legitimateClientIsServed();
    }

    @Test
    void blockwiseBodiesStayWithinCap() throws Exception {
        start(EndpointConfig.builder().maxBlockwiseTransfers(CAP).build());
        Message first = new Message(MessageType.CON, Code.PUT, 7, Bytes.fromHex("0a0b0c0d"),
                Options.builder().uriPath("/upload").add(Block.ofSize(0, true, 64).toOption(OptionNumber.BLOCK1))
                        .build(), Bytes.wrap(new byte[64]));
        List<Message> replies = flood(first);
        // a new body evicts the stalest rather than being refused (FAULTS.md A2.4); one source
        // address holds at most maxBlockwiseBodiesPerAddress of them
        assertThat(replies).allSatisfy(r -> assertThat(r.code()).isEqualTo(Code.CONTINUE));
        assertThat(table(CoapEndpoint::blockwiseBodies)).isLessThanOrEqualTo(CAP)
                .isLessThanOrEqualTo(EndpointConfig.defaults().maxBlockwiseBodiesPerAddress());
        legitimateClientIsServed();
    }

    @Test
    void blockwiseRepresentationsStayWithinCap() throws Exception {
        start(EndpointConfig.builder().maxBlockwiseTransfers(CAP).build());
        List<Message> replies = flood(request(MessageType.CON, Code.GET, 7, "/big"));
        assertThat(replies).allSatisfy(r -> assertThat(r.options().has(OptionNumber.BLOCK2)).isTrue());
        assertThat(table(CoapEndpoint::blockwiseRepresentations)).isLessThanOrEqualTo(CAP);
        legitimateClientIsServed();
    }

    @Test
    void clientExchangesToASilentPortFailFastBeyondCap() throws Exception {
        DatagramSocket silent = socket();
        EndpointConfig config = EndpointConfig.builder().maxClientExchanges(CAP).build();
        try (CoapClient client = CoapClient.builder().config(config).build()) {
            List<CompletableFuture<Response>> futures = new ArrayList<>();
            for (int i = 0; i < 2 * CAP; i++) {
                futures.add(client.send(Request.get("coap://127.0.0.1:" + silent.getLocalPort() + "/x").build()));
            }
            long start = System.nanoTime();
            int failedFast = 0;
            for (CompletableFuture<Response> f : futures) {
                try {
                    f.get(200, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(CoapTransportException.class);
                    failedFast++;
                } catch (java.util.concurrent.TimeoutException e) {
                    // still waiting for the silent peer: within the cap
                }
            }
            assertThat(failedFast).isEqualTo(CAP);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
            assertThat(Tables.read(client.endpoint(), CoapEndpoint::clientExchanges)).isLessThanOrEqualTo(CAP);
        }
    }

    @Test
    void saturatedExecutorAnswers503WithMaxAge() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor tiny = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(2));
        try {
            Service blocking = request -> {
                if (request.path().equals("/block")) {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return CompletableFuture.completedFuture(Response.content("Hello World!"));
            };
            server = CoapServer.builder().port(0).bind("127.0.0.1").service(blocking).executor(tiny)
                    .config(EndpointConfig.builder().separateResponseDelay(Duration.ofSeconds(5)).build())
                    .build().start();
            List<DatagramSocket> flooders = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                DatagramSocket s = socket();
                flooders.add(s);
                send(s, request(MessageType.CON, Code.GET, 7, "/block"));
            }
            // 1 running + 2 queued; the other 7 are refused at once.
            int refused = 0;
            for (DatagramSocket s : flooders) {
                s.setSoTimeout(500);
                try {
                    Message r = receive(s);
                    assertThat(r.code()).isEqualTo(Code.SERVICE_UNAVAILABLE);
                    assertThat(r.options().maxAge()).isPresent();
                    refused++;
                } catch (SocketTimeoutException e) {
                    // held by the executor
                }
            }
            assertThat(refused).isEqualTo(7);
            release.countDown();
            legitimateClientIsServed();
        } finally {
            release.countDown();
            tiny.shutdownNow();
        }
    }
}
