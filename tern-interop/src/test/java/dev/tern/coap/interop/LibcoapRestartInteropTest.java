package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapServer;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.spi.EncryptedStateFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A libcoap observer ({@code coap-client-notls -s}) keeps receiving notifications when the Tern
 * server it observes is restarted with its state file (issue 10 part 2): the restored relation
 * goes on with the same token and larger Observe numbers (RFC 7641 §4.4), and libcoap, which never
 * registers again within its observe time, prints the values of the new process.
 */
@Timeout(90)
class LibcoapRestartInteropTest {
    private static final byte[] KEY = "interop restart key of 32 bytes!".getBytes(StandardCharsets.US_ASCII);
    private final AtomicInteger tick = new AtomicInteger();

    @TempDir
    Path dir;

    private CoapServer server(int port, String generation, ObservableResource obs, EncryptedStateFile store) {
        Router router = Router.builder().get("/obs", obs.handler(r -> Response.builder(dev.tern.coap.Code.CONTENT)
                        .payload("[" + generation + tick.get() + "]").maxAge(30).build()),
                RouteOptions.create().observable()).build();
        return CoapServer.builder().bind("127.0.0.1").port(port).service(router).state(store).build().start();
    }

    @Test
    void libcoapObserverKeepsReceivingAcrossATernRestart() throws Exception {
        Peers.requirePeer(Peers.onPath("coap-client-notls").isPresent(), "coap-client-notls is not on the PATH");
        int port = Peers.freeUdpPort();
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        ObservableResource before = ObservableResource.create();
        ObservableResource after = ObservableResource.create();
        java.util.concurrent.atomic.AtomicReference<ObservableResource> current =
                new java.util.concurrent.atomic.AtomicReference<>(before);
        ticks.scheduleAtFixedRate(() -> {
            tick.incrementAndGet();
            current.get().changed();
        }, 300, 300, TimeUnit.MILLISECONDS);
        EncryptedStateFile store1 = EncryptedStateFile.open(dir, KEY);
        CoapServer first = server(port, "a", before, store1);
        try (Peers.Daemon observer = Peers.Daemon.start(null, List.of("coap-client-notls", "-s", "8",
                "coap://127.0.0.1:" + port + "/obs"))) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> observer.output().contains("[a3"));
            first.close();
            store1.close();
            EncryptedStateFile store2 = EncryptedStateFile.open(dir, KEY);
            current.set(after);
            try (CoapServer second = server(port, "b", after, store2)) {
                assertThat(second.port()).isEqualTo(port);
                assertThat(store2.rejection()).isEmpty();
                Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> observer.output().contains("[b"));
                assertThat(after.observerCount()).as("the restored relation").isEqualTo(1);
                int seenB = count(observer.output(), "[b");
                Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> count(observer.output(), "[b") > seenB + 1);
            } finally {
                store2.close();
            }
        } finally {
            ticks.shutdownNow();
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }
}
