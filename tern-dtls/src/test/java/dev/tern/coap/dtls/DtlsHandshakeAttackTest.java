package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.EndpointConfig;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks on DTLS handshakes (FAULTS.md rows A1.2, A1.3, A2.6), each performed against a running
 * Tern DTLS server on loopback: half-open handshakes kept alive from 100 ports of another host
 * (127.0.0.2), a replayed cookie-bearing ClientHello, and a resumption offer of a victim's session ID
 * that then fails.
 */
class DtlsHandshakeAttackTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private CoapServer server;
    private DtlsLayer layer;
    private volatile boolean flooding;

    private void start(DtlsConfig.ServerBuilder config) {
        layer = Dtls.server(config.pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8)).build());
        server = CoapServer.builder().port(0).bind("127.0.0.1").security(layer)
                .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build())
                .build().start();
    }

    private InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.port());
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closeables.add(c);
        return c;
    }

    @AfterEach
    void stop() throws Exception {
        flooding = false;
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** A Tern client's GET /hello, bounded by {@code seconds}; null when it did not complete in time. */
    private String ternGet(int seconds) {
        CoapClient c = CoapClient.builder().security(Dtls.client(DtlsConfig.client().psk("dev1", "secret").build()))
                .config(EndpointConfig.builder().requestTimeout(Duration.ofSeconds(seconds)).build()).build();
        try {
            return CompletableFuture.supplyAsync(() -> c.get("coaps://127.0.0.1:" + server.port() + "/hello")
                    .payloadString()).orTimeout(seconds, TimeUnit.SECONDS).exceptionally(e -> null).join();
        } finally {
            c.close();
        }
    }

    /**
     * A1.2: 100 ports of another host complete the cookie exchange once each, then re-send their
     * cookie-bearing ClientHello every second; legitimate handshakes keep succeeding meanwhile.
     */
    @Test
    void a1_2HalfOpenHandshakesFromOneHostDoNotBlockOthers() throws Exception {
        start(DtlsConfig.server());
        List<RawDtls> ports = new ArrayList<>();
        List<byte[]> hellos = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            RawDtls p = closeLater(new RawDtls(address(), "127.0.0.2"));
            byte[] random = RawDtls.random();
            p.send(p.clientHello(random, new byte[0], new byte[0]));
            byte[] cookie = RawDtls.cookieOf(p.receive(2000));
            assertThat(cookie).isNotNull();
            byte[] hello = p.clientHello(random, new byte[0], cookie);
            p.send(hello);
            ports.add(p);
            hellos.add(hello);
        }
        flooding = true;
        Thread flood = new Thread(() -> {
            while (flooding) {
                for (int i = 0; i < ports.size() && flooding; i++) {
                    try {
                        ports.get(i).send(hellos.get(i));
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "handshake-flood");
        flood.setDaemon(true);
        flood.start();
        Thread.sleep(1500); // the flood is in full swing
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            assertThat(ternGet(10)).as("legitimate handshake %d during the flood", i).isEqualTo("Hello World!");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        }
        assertThat(layer.handshakesInProgress()).isLessThanOrEqualTo(4 + 1);
        flooding = false;
        flood.join(3000);
    }

    /** The cookie-bearing ClientHellos the victim sent, in order (message_seq 1, RFC 6347 §4.2.2). */
    private static List<byte[]> cookieBearingHellos(BcTestClient victim) {
        List<byte[]> hellos = new ArrayList<>();
        for (byte[] d : victim.sent) {
            if (RawDtls.firstHandshakeType(d) == RawDtls.CLIENT_HELLO && (d[3] | d[4]) == 0 && d[13 + 5] == 1) {
                hellos.add(d);
            }
        }
        assertThat(hellos).isNotEmpty();
        return hellos;
    }

    private static String text(byte[] coap) {
        assertThat(coap).isNotNull();
        return new String(coap, StandardCharsets.UTF_8);
    }

    /**
     * A1.3: the victim's recorded cookie-bearing ClientHellos, replayed from its address: the one of
     * its current session is dropped, the one of an earlier session (the victim started over from the
     * same port) starts a handshake that runs beside the session; either way the session keeps working.
     */
    @Test
    void a1_3ReplayedClientHelloLeavesTheSessionWorking() throws Exception {
        start(DtlsConfig.server());
        BcTestClient victim = closeLater(new BcTestClient(address()));
        victim.connect("dev1", "secret", false);
        victim.connect("dev1", "secret", false); // started over from the same port
        victim.send(BcTestClient.coapGet("hello", 1));
        assertThat(text(victim.receive(2000))).endsWith("Hello World!");
        await().atMost(Duration.ofSeconds(10)).until(() -> layer.statistics().handshakesCompleted() == 2);
        List<byte[]> hellos = cookieBearingHellos(victim);
        victim.sendRaw(hellos.get(hellos.size() - 1)); // the forged source is the victim's own address
        victim.sendRaw(hellos.get(0));
        await().atMost(Duration.ofSeconds(10)).until(() -> layer.handshakesInProgress() == 1);
        for (int i = 2; i < 5; i++) {
            victim.send(BcTestClient.coapGet("hello", i));
            assertThat(text(victim.receive(2000))).as("request %d after the replay", i).endsWith("Hello World!");
        }
        assertThat(layer.sessions()).hasSize(1);
        assertThat(layer.statistics().handshakesCompleted()).isEqualTo(2);
    }

    /** A1.3: a cookie is accepted for {@code cookieLifetime} at most; a later replay gets a HelloVerifyRequest. */
    @Test
    void a1_3CookiesExpire() throws Exception {
        start(DtlsConfig.server().cookieLifetime(Duration.ofSeconds(2)));
        BcTestClient victim = closeLater(new BcTestClient(address()));
        victim.connect("dev1", "secret", false);
        victim.connect("dev1", "secret", false); // the first hello is no longer the session's own
        byte[] hello = cookieBearingHellos(victim).get(0);
        Thread.sleep(2500);
        long verifies = layer.statistics().helloVerifyRequests();
        victim.sendRaw(hello);
        await().atMost(Duration.ofSeconds(2)).until(() -> layer.statistics().helloVerifyRequests() == verifies + 1);
        assertThat(layer.handshakesInProgress()).isZero();
        victim.send(BcTestClient.coapGet("hello", 1));
        assertThat(text(victim.receive(2000))).endsWith("Hello World!");
    }

    /** A ClientHello offering {@code sessionId} with the Extended Master Secret extension (RFC 7627), as the victim did. */
    /**
     * A2.6 (issue 17.6): a peer with a cookie for its own address offers the victim's session ID and
     * then aborts the abbreviated handshake (a fatal alert instead of its Finished); the victim still
     * resumes.
     */
    @Test
    void a2_6FailedResumptionWithAKnownSessionIdKeepsTheCachedSession() throws Exception {
        start(DtlsConfig.server());
        BcTestClient victim = closeLater(new BcTestClient(address()));
        victim.connect("dev1", "secret", false);
        byte[] sessionId = victim.sessionId;
        assertThat(sessionId).hasSize(32);
        await().atMost(Duration.ofSeconds(2)).until(() -> layer.statistics().handshakesCompleted() == 1);

        RawDtls attacker = closeLater(new RawDtls(address()));
        byte[] random = RawDtls.random();
        attacker.send(attacker.resumptionHello(random, sessionId, new byte[0]));
        byte[] cookie = RawDtls.cookieOf(attacker.receive(2000));
        assertThat(cookie).isNotNull();
        attacker.send(attacker.resumptionHello(random, sessionId, cookie));
        byte[] serverHello = attacker.receive(2000);
        assertThat(RawDtls.firstHandshakeType(serverHello)).isEqualTo(RawDtls.SERVER_HELLO);
        int idLength = serverHello[13 + 12 + 2 + 32] & 0xFF;
        byte[] echoed = java.util.Arrays.copyOfRange(serverHello, 13 + 12 + 2 + 32 + 1, 13 + 12 + 2 + 32 + 1 + idLength);
        assertThat(echoed).as("the server offers to resume the victim's session").isEqualTo(sessionId);
        attacker.send(attacker.record(RawDtls.ALERT, 0, new byte[] {2, 40})); // fatal handshake_failure
        await().atMost(Duration.ofSeconds(3)).until(() -> layer.statistics().handshakesFailed() == 1);

        BcTestClient again = closeLater(new BcTestClient(address()));
        again.session = victim.session;
        again.connect("dev1", "secret", false);
        assertThat(again.resumed).as("the victim still resumes").isTrue();
        again.send(BcTestClient.coapGet("hello", 1));
        assertThat(text(again.receive(2000))).endsWith("Hello World!");
    }
}
