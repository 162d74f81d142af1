package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Tern server sends each handshake flight as one datagram when it fits (RFC 6347 §4.1.1), not
 * one datagram per record as BouncyCastle writes them: a scripted client reads the records of the
 * server's answer to its cookie-bearing ClientHello.
 */
class DtlsFlightDatagramTest {
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private CoapServer server;
    private DtlsLayer layer;

    private InetSocketAddress start() {
        layer = Dtls.server(DtlsConfig.server().pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8)).build());
        server = CoapServer.builder().port(0).bind("127.0.0.1").security(layer)
                .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build())
                .build().start();
        return new InetSocketAddress("127.0.0.1", server.port());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
    }

    /** The records of {@code datagram} as "type/epoch[/handshake type]", e.g. "22/0/2" for a ServerHello. */
    private static List<String> records(byte[] datagram) {
        List<String> out = new ArrayList<>();
        int p = 0;
        while (p + 13 <= datagram.length) {
            int type = datagram[p] & 0xFF;
            int epoch = (datagram[p + 3] & 0xFF) << 8 | (datagram[p + 4] & 0xFF);
            int length = (datagram[p + 11] & 0xFF) << 8 | (datagram[p + 12] & 0xFF);
            boolean plainHandshake = type == RawDtls.HANDSHAKE && epoch == 0 && length > 0;
            out.add(type + "/" + epoch + (plainHandshake ? "/" + (datagram[p + 13] & 0xFF) : ""));
            p += 13 + length;
        }
        assertThat(p).as("the datagram ends with a whole record").isEqualTo(datagram.length);
        return out;
    }

    @Test
    void fullHandshakeServerHelloAndServerHelloDoneShareOneDatagram() throws Exception {
        InetSocketAddress address = start();
        RawDtls client = new RawDtls(address);
        closeables.add(client);
        byte[] flight = client.helloWithCookie(RawDtls.random(), new byte[0]);
        assertThat(flight).isNotNull();
        // PSK without an identity hint: ServerHello (2) and ServerHelloDone (14), nothing between
        assertThat(records(flight)).containsExactly("22/0/2", "22/0/14");
        assertThat(client.receive(300)).as("no second datagram for the same flight").isNull();
    }

    @Test
    void abbreviatedHandshakeServerFlightIsOneDatagram() throws Exception {
        InetSocketAddress address = start();
        BcTestClient first = new BcTestClient(address);
        closeables.add(first);
        first.connect("dev1", "secret", false);
        await().atMost(Duration.ofSeconds(2)).until(() -> layer.statistics().handshakesCompleted() == 1);

        RawDtls client = new RawDtls(address);
        closeables.add(client);
        byte[] random = RawDtls.random();
        client.send(client.resumptionHello(random, first.sessionId, new byte[0]));
        byte[] cookie = RawDtls.cookieOf(client.receive(2000));
        assertThat(cookie).isNotNull();
        client.send(client.resumptionHello(random, first.sessionId, cookie));
        byte[] flight = client.receive(2000);
        assertThat(flight).isNotNull();
        // ServerHello, ChangeCipherSpec, and the Finished under the resumed keys (epoch 1)
        assertThat(records(flight)).containsExactly("22/0/2", "20/0", "22/1");
        assertThat(client.receive(300)).as("no second datagram for the same flight").isNull();
    }
}
