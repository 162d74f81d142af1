package dev.tern.coap.tcp;

import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.spi.ReliableSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Connections still in their TLS handshake or WebSocket upgrade count against the connection
 * limits (RFC 8323 §9.1, §4): a flood of peers that connect and stay silent cannot hold more than
 * {@code maxConnectionsPerAddress} handshakes (each with a TLS engine) until the handshake timeout.
 */
@Timeout(60)
class HandshakeFloodTest {
    private static final TlsConfig SERVER = TlsConfig.builder()
            .identity(TestPki.key("server"), List.of(TestPki.certificate("server"))).build();

    @Test
    void silentHandshakesBeyondThePerAddressLimitAreClosedAtOnce() throws IOException {
        flood(SERVER);
    }

    /** Raw public keys go through BouncyCastle's handler, under the same accept limits. */
    @Test
    void sameForRawPublicKeys() throws IOException {
        flood(TlsConfig.builder().rawPublicKey(RpkTlsLoopbackTest.SERVER).build());
    }

    private static void flood(TlsConfig tls) throws IOException {
        ReliableSettings limits = ReliableSettings.defaults().withMaxConnections(100, 5);
        Router router = Router.builder().get("/hello", req -> Response.content("Hello")).build();
        try (CoapServer server = CoapServer.builder().port(0).service(router)
                .listener(TlsTransports.builder().config(tls).port(0).settings(limits)
                        .handshakeTimeout(Duration.ofSeconds(30)).buildServer())
                .listener(WebSocketTransports.builder().port(0).settings(limits)
                        .handshakeTimeout(Duration.ofSeconds(30)).buildServer())
                .build().start()) {
            for (String scheme : new String[] {"coaps+tcp", "coap+ws"}) {
                int port = server.localAddress(scheme).getPort();
                List<Socket> flood = new ArrayList<>();
                try {
                    for (int i = 0; i < 20; i++) {
                        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
                        s.setSoTimeout(10);
                        flood.add(s);
                    }
                    // polled, not waited for socket by socket: the admitted ones stay open
                    Set<Socket> gone = new HashSet<>();
                    await(scheme + ": closed at once (well before the 30 s handshake timeout)")
                            .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50)).until(() -> {
                                for (Socket s : flood) {
                                    if (!gone.contains(s) && closed(s)) {
                                        gone.add(s);
                                    }
                                }
                                return gone.size() >= 15;
                            });
                } finally {
                    for (Socket s : flood) {
                        s.close();
                    }
                }
            }
            // the slots come back when the flood is gone
            try (CoapClient client = CoapClient.builder().transport(WebSocketTransports.client()).build()) {
                String uri = "coap+ws://127.0.0.1:" + server.localAddress("coap+ws").getPort() + "/hello";
                await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                        .until(() -> client.get(uri, Duration.ofSeconds(2)).isSuccess());
            }
        }
    }

    /** Whether the server closed {@code s}, waiting its short read timeout at most. */
    private static boolean closed(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }
}
