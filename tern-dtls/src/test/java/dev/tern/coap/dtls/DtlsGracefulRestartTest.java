package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.spi.EncryptedStateFile;
import dev.tern.coap.spi.EndpointMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graceful restart of a DTLS server (issue 10 part 2): every established session goes into the
 * encrypted state file on close (handed over: no close_notify) and comes back on start, so each of
 * 1 000 PSK devices is answered again with no handshake at all, neither full nor abbreviated (RFC 5246
 * §7.3). Counted by the server's {@link EndpointMetrics#handshakeCompleted(boolean)}.
 */
class DtlsGracefulRestartTest {
    private static final int CLIENTS = Integer.getInteger("tern.restart.clients", 1000);
    private static final byte[] STATE_KEY = "an operator key of 32 bytes ....".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private static final class Handshakes implements EndpointMetrics {
        final AtomicInteger full = new AtomicInteger();
        final AtomicInteger abbreviated = new AtomicInteger();

        @Override
        public void handshakeCompleted(boolean resumed) {
            (resumed ? abbreviated : full).incrementAndGet();
        }
    }

    private static DtlsLayer layer() {
        return Dtls.server(DtlsConfig.server().pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8))
                .sessionCacheSize(2 * CLIENTS).maxSessions(Math.max(10_000, CLIENTS)).maxHandshakes(200)
                .maxHandshakesPerAddress(64).build());
    }

    private CoapServer server(int port, EncryptedStateFile store, Handshakes metrics, DtlsLayer layer) {
        return CoapServer.builder().port(port).bind("127.0.0.1").security(layer).state(store).metrics(metrics)
                .service(Router.builder().get("/hello", r -> Response.content("Hello World!")).build()).build().start();
    }

    @Test
    void everyDeviceGoesOnWithoutAHandshakeAfterARestart() throws Exception {
        Handshakes before = new Handshakes();
        EncryptedStateFile store1 = EncryptedStateFile.open(dir, STATE_KEY);
        CoapServer first = server(0, store1, before, layer());
        int port = first.port();
        String uri = "coaps://127.0.0.1:" + port + "/hello";
        List<CoapClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(CoapClient.builder().security(Dtls.client(DtlsConfig.client().psk("dev1", "secret")
                        .build())).build());
            }
            requestAll(pool, clients, uri);
            assertThat(before.full.get()).isEqualTo(CLIENTS);
            assertThat(before.abbreviated.get()).isZero();

            first.close(); // hands every session over to the state file (and saves the resumption cache)
            store1.close();

            Handshakes after = new Handshakes();
            long t0 = System.nanoTime();
            EncryptedStateFile store2 = EncryptedStateFile.open(dir, STATE_KEY);
            DtlsLayer restored = layer();
            CoapServer second = server(port, store2, after, restored);
            assertThat(restored.sessions()).hasSize(CLIENTS); // asked after the endpoint took them in
            long restoreMillis = (System.nanoTime() - t0) / 1_000_000;
            try {
                long t1 = System.nanoTime();
                requestAll(pool, clients, uri);
                long recoverMillis = (System.nanoTime() - t1) / 1_000_000;
                System.out.printf("restart of %d DTLS clients: state loaded, %d sessions restored and server started in %d ms;"
                        + " all answered again in %d ms; handshakes after: %d full, %d abbreviated%n",
                        CLIENTS, CLIENTS, restoreMillis, recoverMillis, after.full.get(), after.abbreviated.get());
                assertThat(after.full.get()).as("full handshakes after the restart").isZero();
                assertThat(after.abbreviated.get()).as("abbreviated handshakes after the restart").isZero();
            } finally {
                second.close();
                store2.close();
            }
        } finally {
            pool.shutdownNow();
            clients.forEach(CoapClient::close);
        }
    }

    private static void requestAll(ExecutorService pool, List<CoapClient> clients, String uri) throws Exception {
        List<Future<String>> answers = new ArrayList<>();
        for (CoapClient c : clients) {
            answers.add(pool.submit(() -> c.get(uri).payloadString()));
        }
        for (Future<String> f : answers) {
            assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo("Hello World!");
        }
    }
}
