package dev.tern.coap.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.spi.ReliableSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input and bounds of coap+ws (RFC 8323 §4, RFC 6455), performed against a running listener
 * with hand-made frames: text frames, frames above the Max-Message-Size, a peer that never
 * completes the upgrade.
 */
@Timeout(60)
class WebSocketAttackTest {
    private CoapServer server;
    private int port;

    @BeforeEach
    void start() {
        Router router = Router.builder().get("/hello", req -> Response.content("Hello WS")).build();
        server = CoapServer.builder().port(0).service(router)
                .listener(WebSocketTransports.builder().port(0).handshakeTimeout(Duration.ofMillis(500))
                        .settings(ReliableSettings.defaults().withMaxMessageSize(2048)).buildServer())
                .build().start();
        port = server.localAddress("coap+ws").getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void upgradeNamesTheCoapSubprotocol() throws IOException {
        try (RawWebSocket ws = new RawWebSocket(port)) {
            String head = ws.upgrade("/.well-known/coap", "coap");
            assertThat(head).startsWith("HTTP/1.1 101").containsIgnoringCase("sec-websocket-protocol: coap");
            ws.send(RawWebSocket.BINARY, new byte[] {0x00, (byte) 0xE1}); // CSM
            byte[] csm = ws.receive();
            assertThat(csm[0]).isEqualTo((byte) RawWebSocket.BINARY);
            assertThat(csm[2]).isEqualTo((byte) 0xE1);
            assertThat(csm[1] & 0xF0).as("Len nibble is 0 over WebSockets (§4.2)").isZero();
        }
    }

    @Test
    void textFrameIsClosedWith1003() throws IOException {
        try (RawWebSocket ws = new RawWebSocket(port)) {
            assertThat(ws.upgrade("/.well-known/coap", "coap")).startsWith("HTTP/1.1 101");
            ws.send(RawWebSocket.TEXT, "GET /hello".getBytes(StandardCharsets.UTF_8));
            assertThat(ws.closeCode()).isEqualTo(1003);
            assertThat(ws.closedByServer()).isTrue();
        }
    }

    @Test
    void frameAboveMaxMessageSizeIsRefusedBeforeItIsBuffered() throws IOException {
        try (RawWebSocket ws = new RawWebSocket(port)) {
            assertThat(ws.upgrade("/.well-known/coap", "coap")).startsWith("HTTP/1.1 101");
            ws.send(RawWebSocket.BINARY, new byte[] {0x00, (byte) 0xE1});
            ws.receive(); // the server's CSM
            ws.sendHeader(RawWebSocket.BINARY, 1L << 40); // claims a terabyte, sends nothing of it
            assertThat(ws.closeCode()).isEqualTo(1009);
            assertThat(ws.closedByServer()).isTrue();
        }
    }

    @Test
    void upgradeNotCompletedWithinTheHandshakeTimeoutIsClosed() throws IOException {
        try (RawWebSocket ws = new RawWebSocket(port)) {
            long start = System.nanoTime();
            assertThat(ws.closedByServer()).isTrue(); // sent nothing at all
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void floodOfSilentConnectionsIsCutOffAndAGoodClientIsServedMeanwhile() throws IOException {
        List<RawWebSocket> silent = new ArrayList<>();
        try (CoapClient client = CoapClient.builder().transport(WebSocketTransports.client()).build()) {
            for (int i = 0; i < 200; i++) {
                silent.add(new RawWebSocket(port));
            }
            Response r = client.get("coap+ws://127.0.0.1:" + port + "/hello", Duration.ofSeconds(10));
            assertThat(r.payloadString()).isEqualTo("Hello WS");
            for (RawWebSocket ws : silent) {
                assertThat(ws.closedByServer()).isTrue();
            }
        } finally {
            for (RawWebSocket ws : silent) {
                ws.close();
            }
        }
    }

    @Test
    void otherPathsAreRefused() throws IOException {
        try (RawWebSocket ws = new RawWebSocket(port)) {
            assertThat(ws.upgrade("/other", "coap")).doesNotStartWith("HTTP/1.1 101");
        }
    }
}
