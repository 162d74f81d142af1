package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.internal.codec.Message;
import dev.tern.coap.internal.codec.MessageEncoder;
import dev.tern.coap.testkit.RawUdp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * FAULTS.md A1.4 (issue 15 point 4), against a running server over real UDP: one spoofed 13-byte
 * NON {@code GET /obs} with {@code Observe: 0} must not make the server notify its victim for ever.
 * The victim's socket never answers; the resource changes faster than the CON back-off. The server
 * must send a bounded number of datagrams (conNotificationInterval + MAX_RETRANSMIT after the first
 * response) and drop the relation within bounded time (RFC 7641 §4.5, §4.5.2).
 */
class ObserveReflectionTest {
    private static final int INTERVAL = 4;
    private static final int MAX_RETRANSMIT = 2;
    private static final Duration QUIET = Duration.ofSeconds(3);

    private final ObservableResource obs = ObservableResource.create();
    private final ScheduledExecutorService changer = Executors.newSingleThreadScheduledExecutor();
    private CoapServer server;
    private DatagramSocket victim;

    @BeforeEach
    void start() throws IOException {
        Router router = Router.builder()
                .get("/obs", obs.handler(req -> Response.content("state of the resource")),
                        RouteOptions.create().observable())
                .build();
        EndpointConfig config = EndpointConfig.builder().ackTimeout(Duration.ofMillis(100)).ackRandomFactor(1.0)
                .maxRetransmit(MAX_RETRANSMIT).conNotificationInterval(INTERVAL).build();
        server = CoapServer.builder().port(0).bind("127.0.0.1").config(config).service(router).build().start();
        victim = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @AfterEach
    void stop() {
        changer.shutdownNow();
        victim.close();
        server.close();
    }

    @Test
    void a1_4_spoofedNonRegistrationGetsABoundedNumberOfNotificationsAndTheRelationEnds() {
        byte[] registration = MessageEncoder.encode(new Message(MessageType.NON, Code.GET, 0x1234,
                Bytes.fromHex("ab"), Options.builder().uriPath("/obs").observe(0).build(), Bytes.EMPTY));
        assertThat(registration.length).as("the attacker's datagram").isLessThanOrEqualTo(13);
        RawUdp.send(victim, registration, server.port()); // the victim's address as source; it never answers
        await().atMost(5, TimeUnit.SECONDS).until(() -> obs.observerCount() == 1);
        // The resource changes every 20 ms: far faster than the back-off of 100, 200, 400 ms.
        changer.scheduleAtFixedRate(obs::changed, 0, 20, TimeUnit.MILLISECONDS);

        long started = System.nanoTime();
        int received = 0;
        long deadline = started + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() - deadline < 0 && receive(victim, QUIET)) {
            received++;
        }
        long quietAfter = System.nanoTime() - started;
        assertThat(received).as("datagrams reflected at the victim: the first response, INTERVAL - 1 NONs,"
                + " a CON and MAX_RETRANSMIT transmissions in its place").isEqualTo(1 + INTERVAL + MAX_RETRANSMIT);
        assertThat(Duration.ofNanos(quietAfter)).as("the server fell silent").isLessThan(Duration.ofSeconds(12));
        await().atMost(5, TimeUnit.SECONDS).until(() -> obs.observerCount() == 0);
        assertThat(Tables.read(server.endpoint(), e -> e.observers())).isZero();
        assertThat(receive(victim, Duration.ofMillis(300))).as("nothing more while the resource keeps changing")
                .isFalse();
    }

    /** Whether a datagram arrived within {@code timeout} (read, never answered). */
    private static boolean receive(DatagramSocket socket, Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
            socket.receive(new DatagramPacket(new byte[2048], 2048));
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
