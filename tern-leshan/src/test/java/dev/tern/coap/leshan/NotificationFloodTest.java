package dev.tern.coap.leshan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.MessageType;
import dev.tern.coap.Options;
import dev.tern.coap.testkit.CoapMessage;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.response.ObserveCompositeResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.server.observation.ObservationListener;
import org.eclipse.leshan.server.registration.Registration;
import org.junit.jupiter.api.Test;

/**
 * LW5: a registered device floods NON notifications (RFC 7641 §4.2), each with a newer Observe
 * number, while Leshan's observation listener is busy: at most one notification per observation
 * waits for Leshan (the newest), and once the listener is free the latest value arrives.
 */
class NotificationFloodTest {

    @Test
    void lw5_aNotificationFloodWaitsWithinTheBoundAndTheLatestStateArrives() throws Exception {
        TernServerEndpointsProvider transport = TernServerEndpointsProvider.builder()
                .coap(new InetSocketAddress("127.0.0.1", 0)).build();
        LeshanServer server = new LeshanServerBuilder().setEndpointsProviders(transport).build();
        CountDownLatch busy = new CountDownLatch(1);
        List<ObserveResponse> seen = new CopyOnWriteArrayList<>();
        server.getObservationService().addListener(new Blocking(seen, busy));
        server.start();
        int port = server.getEndpoints().get(0).getURI().getPort();
        try (DatagramSocket device = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            device.setSoTimeout(5000);
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            send(device, to, new CoapMessage(MessageType.CON, Code.POST, 1, Bytes.of((byte) 1), Options.builder()
                    .uriPath("rd").uriQuery("ep=flood").uriQuery("lt=300").uriQuery("lwm2m=1.1").uriQuery("b=U")
                    .contentFormat(40).build(), Bytes.utf8("</3/0>")));
            assertThat(receive(device).code()).isEqualTo(Code.CREATED);
            Registration registration = server.getRegistrationStore().getRegistrationByEndpoint("flood");

            CompletableFuture<ObserveResponse> observing = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.send(registration, new ObserveRequest(ContentFormat.TEXT, 3, 0, 13), 10_000);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            CoapMessage get = receive(device);
            Bytes token = get.token();
            send(device, to, new CoapMessage(MessageType.ACK, Code.CONTENT, get.messageId(), token,
                    Options.builder().observe(1).contentFormat(0).build(), Bytes.utf8("1700000000")));
            assertThat(observing.get(10, TimeUnit.SECONDS).getObservation()).isNotNull();

            int flood = 3000;
            for (int i = 1; i <= flood; i++) {
                send(device, to, new CoapMessage(MessageType.NON, Code.CONTENT, 100 + i, token,
                        Options.builder().observe(1 + i).contentFormat(0).build(),
                        Bytes.utf8(Long.toString(1_700_000_000L + i))));
            }
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(20))
                    .until(() -> transport.pendingNotifications() <= 1);
            busy.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> !seen.isEmpty() && ((LwM2mSingleResource) seen
                    .get(seen.size() - 1).getContent()).getValue().equals(new Date((1_700_000_000L + flood) * 1000)));
            assertThat(seen.size()).isLessThanOrEqualTo(50); // not 3000: the first, one waiting, the few after the release
        } finally {
            busy.countDown();
            server.destroy();
        }
    }

    private static void send(DatagramSocket s, InetSocketAddress to, CoapMessage m) throws Exception {
        byte[] b = m.encode();
        s.send(new DatagramPacket(b, b.length, to));
    }

    private static CoapMessage receive(DatagramSocket s) throws Exception {
        byte[] buffer = new byte[2048];
        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
        s.receive(p);
        return CoapMessage.decode(Arrays.copyOf(buffer, p.getLength()));
    }

    /** Collects notifications; the first one holds Leshan's notification thread until released. */
    private static final class Blocking implements ObservationListener {
        private final List<ObserveResponse> seen;
        private final CountDownLatch busy;

        Blocking(List<ObserveResponse> seen, CountDownLatch busy) {
            this.seen = seen;
            this.busy = busy;
        }

        @Override
        public void newObservation(Observation observation, Registration registration) {
        }

        @Override
        public void cancelled(Observation observation) {
        }

        @Override
        public void onResponse(SingleObservation observation, Registration registration, ObserveResponse response) {
            try {
                busy.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seen.add(response);
        }

        @Override
        public void onResponse(CompositeObservation observation, Registration registration,
                               ObserveCompositeResponse response) {
        }

        @Override
        public void onError(Observation observation, Registration registration, Exception error) {
        }
    }
}
