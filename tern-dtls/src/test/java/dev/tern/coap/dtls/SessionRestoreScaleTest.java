package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.spi.EncryptedStateFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restoring many handed-over DTLS sessions from the state file (issue 10: "restoring 10 000 DTLS
 * sessions from a state file: under 1 s"). One real session is handed over, then copied under
 * 10 000 peer ports (each copy rebuilds its own record keys on restore, as a real one does); the
 * time from opening the file to the last session taken in by the endpoint is printed, not asserted
 * (BENCHMARKS.md "State and restarts"). {@code -Dtern.restore.sessions=N} changes the count.
 */
class SessionRestoreScaleTest {
    private static final int SESSIONS = Integer.getInteger("tern.restore.sessions", 10_000);
    private static final byte[] STATE_KEY = "restore scale test key, 32 byte".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;

    private static DtlsLayer layer() {
        return Dtls.server(DtlsConfig.server().pskStore("dev1", "secret".getBytes(StandardCharsets.UTF_8))
                .maxSessions(SESSIONS).build());
    }

    private static CoapServer server(DtlsLayer layer, EncryptedStateFile store) {
        CoapServer.Builder b = CoapServer.builder().bind("127.0.0.1").port(0).security(layer)
                .service(Router.builder().get("/hello", r -> Response.content("hi")).build());
        if (store != null) {
            b.state(store);
        }
        return b.build().start();
    }

    @Test
    void tenThousandSessionsComeBackFromTheStateFile() throws Exception {
        DtlsLayer first = layer();
        Map<Bytes, byte[]> one;
        try (CoapServer s = server(first, null);
             CoapClient c = CoapClient.builder().security(Dtls.client(DtlsConfig.client().psk("dev1", "secret")
                     .build())).build()) {
            c.get("coaps://127.0.0.1:" + s.port() + "/hello");
            one = first.exportState();
        }
        Map.Entry<Bytes, byte[]> session = one.entrySet().stream().filter(e -> e.getKey().get(0) == 'E')
                .findFirst().orElseThrow();
        assertThat(session.getKey().length()).isEqualTo(7); // 'E', an IPv4 address, a port
        Map<Bytes, byte[]> many = new HashMap<>();
        for (int i = 0; i < SESSIONS; i++) {
            int port = 10_000 + i;
            byte[] key = session.getKey().toArray();
            byte[] value = session.getValue().clone();
            key[5] = (byte) (port >> 8);
            key[6] = (byte) port;
            value[7] = (byte) (port >> 8); // version, address length, four address bytes, then the port
            value[8] = (byte) port;
            many.put(Bytes.wrap(key), value);
        }
        try (EncryptedStateFile store = EncryptedStateFile.open(dir, STATE_KEY)) {
            store.save(layer().stateNamespace(), many);
            store.flush();
        }
        long t0 = System.nanoTime();
        DtlsLayer restored = layer();
        try (EncryptedStateFile store = EncryptedStateFile.open(dir, STATE_KEY);
             CoapServer s = server(restored, store)) {
            assertThat(s.port()).isPositive();
            int n = restored.sessions().size(); // asked after the endpoint took them in
            long millis = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("restored %d DTLS sessions from the state file in %d ms (file opened, server started,"
                    + " sessions taken in)%n", n, millis);
            assertThat(n).isEqualTo(SESSIONS);
        }
    }
}
