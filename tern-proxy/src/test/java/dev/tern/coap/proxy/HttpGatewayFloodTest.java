package dev.tern.coap.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Attacks on the HTTP gateway and floods against its bounds (FAULTS.md H1-H8), on loopback. */
class HttpGatewayFloodTest {
    private final Loopback.Origin origin = new Loopback.Origin();
    private CoapProxy proxy;
    private HttpGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        origin.close();
    }

    private void start(CoapProxy.Builder p, java.util.function.Consumer<HttpGateway.Builder> g) {
        proxy = p.build();
        HttpGateway.Builder b = HttpGateway.builder(proxy);
        g.accept(b);
        gateway = b.build().start();
    }

    private String get(String target) throws IOException {
        return RawHttp.exchange(gateway.port(), "GET /hc/" + target + " HTTP/1.1\r\nHost: gw\r\n\r\n");
    }

    /** H1: targets off the allow-list, the gateway's own loopback included, are refused with 403 and never reached. */
    @Test
    void h1_openRelayAttemptsAreRefused() throws IOException {
        start(CoapProxy.builder().allow("192.0.2.0/24"), b -> { });
        assertThat(get(origin.uri("/hello"))).startsWith("HTTP/1.1 403");
        assertThat(get("coap://localhost:" + origin.server.port() + "/hello")).startsWith("HTTP/1.1 403");
        assertThat(get("coap://[::1]:" + origin.server.port() + "/hello")).startsWith("HTTP/1.1 403");
        assertThat(get("coap://224.0.1.187/.well-known/core")).startsWith("HTTP/1.1 403");
        String encoded = java.net.URLEncoder.encode(origin.uri("/hello"), StandardCharsets.UTF_8);
        assertThat(RawHttp.exchange(gateway.port(), "GET /hc/?target_uri=" + encoded + " HTTP/1.1\r\nHost: gw\r\n\r\n"))
                .startsWith("HTTP/1.1 403");
        assertThat(origin.requests).isEmpty();
    }

    /** H2: connections beyond maxConnections are closed before any byte is read; the gateway serves again after. */
    @Test
    void h2_connectionFloodStopsAtTheBound() throws Exception {
        start(CoapProxy.builder().allow("127.0.0.1"), b -> b.maxConnections(4));
        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                flood.add(RawHttp.open(gateway.port()));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.connections() == 4);
            int refused = 0;
            for (Socket s : flood) {
                s.setSoTimeout(200);
                try {
                    if (s.getInputStream().read() < 0) {
                        refused++;
                    }
                } catch (SocketTimeoutException e) {
                    // held open: one of the four
                } catch (IOException e) {
                    refused++;
                }
            }
            assertThat(refused).isEqualTo(36);
            assertThat(gateway.connections()).isEqualTo(4);
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.connections() == 0);
        assertThat(get(origin.uri("/hello"))).startsWith("HTTP/1.1 200");
    }

    /** H3: request headers beyond maxHeaderBytes get 431 and the connection closes. */
    @Test
    void h3_hugeHeadersGet431() throws IOException {
        start(CoapProxy.builder().allow("127.0.0.1"), b -> b.maxHeaderBytes(4096));
        String big = "X-Junk: " + "a".repeat(64 * 1024) + "\r\n";
        String answer = RawHttp.exchange(gateway.port(), "GET /hc/" + origin.uri("/hello") + " HTTP/1.1\r\nHost: gw\r\n"
                + big + "\r\n");
        assertThat(answer).startsWith("HTTP/1.1 431");
        assertThat(origin.requests).isEmpty();
    }

    /** H4: a body beyond maxBodyBytes gets 413 and never goes upstream, whether announced or chunked. */
    @Test
    void h4_hugeBodiesGet413() throws IOException {
        start(CoapProxy.builder().allow("127.0.0.1"), b -> b.maxBodyBytes(16 * 1024));
        String put = "PUT /hc/" + origin.uri("/store") + " HTTP/1.1\r\nHost: gw\r\n";
        assertThat(RawHttp.exchange(gateway.port(), put + "Content-Length: 1000000000\r\n\r\nabc"))
                .startsWith("HTTP/1.1 413");
        try (Socket s = RawHttp.open(gateway.port())) {
            OutputStream out = s.getOutputStream();
            out.write((put + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = ("2000\r\n" + "x".repeat(0x2000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 64; i++) {
                    out.write(chunk); // 512 KiB in all, far past the bound
                }
            } catch (IOException e) {
                // the gateway closed the connection mid-body
            }
            assertThat(RawHttp.readUntilClosedOrResponse(s.getInputStream())).startsWith("HTTP/1.1 413");
        }
        assertThat(origin.count("/store")).isZero();
    }

    /** H5: a client that sends half a request and waits (slowloris) is disconnected after idleTimeout. */
    @Test
    void h5_idleAndSlowClientsAreDisconnected() throws IOException {
        start(CoapProxy.builder().allow("127.0.0.1"), b -> b.idleTimeout(Duration.ofMillis(500)));
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                Socket s = RawHttp.open(gateway.port());
                s.getOutputStream().write("GET /hc/coap://127.0.0.1/hello HTTP/1.1\r\nHost: g".getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            long started = System.nanoTime();
            for (Socket s : slow) {
                InputStream in = s.getInputStream();
                assertThat(in.read()).isEqualTo(-1); // closed by the gateway, within the 10 s socket timeout
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(5)).until(() -> gateway.connections() == 0);
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    /** H7: upstream requests beyond the proxy's maxConcurrentRequests get 503 with Retry-After semantics at once. */
    @Test
    void h7_requestsBeyondTheInFlightBoundGet503() throws Exception {
        start(CoapProxy.builder().allow("127.0.0.1").maxConcurrentRequests(3).upstreamTimeout(Duration.ofSeconds(30)),
                b -> { });
        List<CompletableFuture<String>> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String target = origin.uri("/hold?n=" + i);
            held.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return get(target);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> origin.held.size() == 3);
        for (int i = 0; i < 10; i++) {
            assertThat(get(origin.uri("/hello?busy=" + i))).startsWith("HTTP/1.1 503");
        }
        origin.held.forEach(f -> f.complete(dev.tern.coap.Response.content("done")));
        for (CompletableFuture<String> f : held) {
            assertThat(f.get(20, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200");
        }
    }

    /** H8: an upstream that answers every request with garbage: 504 (or 502), and the gateway keeps serving. */
    @Test
    void h8_upstreamSendingGarbageGets504() throws Exception {
        start(CoapProxy.builder().allow("127.0.0.1").upstreamTimeout(Duration.ofSeconds(2)), b -> { });
        AtomicInteger seen = new AtomicInteger();
        try (DatagramSocket liar = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[2048];
                while (!liar.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        liar.receive(p);
                        seen.incrementAndGet();
                        byte[] garbage = new byte[40];
                        Arrays.fill(garbage, (byte) 0xFF); // not CoAP: version 3, token length 15
                        liar.send(new DatagramPacket(garbage, garbage.length, p.getSocketAddress()));
                        byte[] bad = Arrays.copyOf(buf, p.getLength());
                        bad[0] = (byte) ((bad[0] & 0xCF) | 0x20); // an ACK with its Message ID ...
                        bad[1] = 0x45; // ... 2.05 ...
                        liar.send(new DatagramPacket(Arrays.copyOf(bad, Math.min(bad.length, 6)), Math.min(bad.length, 6),
                                p.getSocketAddress())); // ... cut inside its token
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "liar");
            t.setDaemon(true);
            t.start();
            String answer = get("coap://127.0.0.1:" + liar.getLocalPort() + "/x");
            assertThat(answer).matches("(?s)HTTP/1.1 50[24].*");
            assertThat(seen.get()).isPositive();
        }
        assertThat(get(origin.uri("/hello"))).startsWith("HTTP/1.1 200");
    }
}
