package dev.tern.coap.leshan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.request.CancelObservationRequest;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.DiscoverRequest;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.WriteRequest;
import org.eclipse.leshan.core.response.CancelObservationResponse;
import org.eclipse.leshan.core.response.DiscoverResponse;
import org.eclipse.leshan.core.response.ExecuteResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.core.response.WriteResponse;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.servers.security.InMemorySecurityStore;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interop: Eclipse Leshan's client on its Californium transport registers at a Leshan server on
 * Tern's transport, then the server manages it (OMA LwM2M 1.1 Transport §6.2-§6.4): read /3/0 in
 * TLV, SenML JSON, SenML CBOR and text, write, execute, discover, observe /3/0/13 (current time)
 * with notifications, cancel the observation, LwM2M 1.1 Send, deregister; over coap and over coaps
 * with a PSK.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LeshanOnTernInteropTest {
    private static final long TIMEOUT_MS = 10_000;

    private LeshanServer server;
    private LeshanClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.destroy(false);
        }
        if (server != null) {
            server.destroy();
        }
    }

    @Test
    void leshanClientOnCaliforniumIsManagedByLeshanServerOnTernOverCoap() throws Exception {
        server = LeshanPeers.server(false, null);
        TestDevice device = new TestDevice();
        scenario(device, uri -> Security.noSec(uri, LeshanPeers.SHORT_SERVER_ID));
    }

    @Test
    void leshanClientOnCaliforniumIsManagedByLeshanServerOnTernOverDtlsPsk() throws Exception {
        InMemorySecurityStore store = new InMemorySecurityStore();
        byte[] key = "secret-psk-key-1".getBytes(StandardCharsets.UTF_8);
        store.add(SecurityInfo.newPreSharedKeyInfo("tern-device", "tern-identity", key));
        server = LeshanPeers.server(true, store);
        TestDevice device = new TestDevice();
        scenario(device, uri -> Security.psk(uri, LeshanPeers.SHORT_SERVER_ID,
                "tern-identity".getBytes(StandardCharsets.UTF_8), key));
        assertThat(server.getRegistrationStore().getAllRegistrations()).isExhausted();
    }

    private void scenario(TestDevice device, java.util.function.Function<String, Security> security)
            throws Exception {
        LeshanPeers.Registrations events = new LeshanPeers.Registrations();
        server.getRegistrationService().addListener(events);
        List<ObserveResponse> notifications = new CopyOnWriteArrayList<>();
        server.getObservationService().addListener(new SingleNotifications(notifications));
        server.start();
        String uri = server.getEndpoints().get(0).getURI().toString();

        client = LeshanPeers.client("tern-device", security.apply(uri), device);
        client.start();
        Registration registration = events.registered.poll(30, TimeUnit.SECONDS);
        assertThat(registration).as("registered").isNotNull();
        assertThat(registration.getEndpoint()).isEqualTo("tern-device");
        assertThat(registration.getObjectLinks()).isNotEmpty();

        // read /3/0 in each content format Leshan's encoders speak
        for (ContentFormat format : List.of(ContentFormat.TLV, ContentFormat.SENML_JSON, ContentFormat.SENML_CBOR)) {
            ReadResponse read = server.send(registration, new ReadRequest(format, 3, 0), TIMEOUT_MS);
            assertThat(read.isSuccess()).as("read /3/0 as %s: %s", format, read).isTrue();
            LwM2mObjectInstance instance = (LwM2mObjectInstance) read.getContent();
            assertThat(instance.getResource(0).getValue()).isEqualTo("Tern");
            assertThat(instance.getResource(1).getValue()).isEqualTo("test-device");
        }
        ReadResponse text = server.send(registration, new ReadRequest(ContentFormat.TEXT, 3, 0, 2), TIMEOUT_MS);
        assertThat(((LwM2mSingleResource) text.getContent()).getValue()).isEqualTo("0001");

        // write the UTC offset, read it back
        WriteResponse write = server.send(registration, new WriteRequest(3, 0, 14, "+02:00"), TIMEOUT_MS);
        assertThat(write.isSuccess()).as("write: %s", write).isTrue();
        ReadResponse offset = server.send(registration, new ReadRequest(3, 0, 14), TIMEOUT_MS);
        assertThat(((LwM2mSingleResource) offset.getContent()).getValue()).isEqualTo("+02:00");

        // execute reboot
        ExecuteResponse execute = server.send(registration, new ExecuteRequest(3, 0, 4), TIMEOUT_MS);
        assertThat(execute.isSuccess()).as("execute: %s", execute).isTrue();
        assertThat(device.reboots).hasValue(1);

        // discover the Device object
        DiscoverResponse discover = server.send(registration, new DiscoverRequest(3), TIMEOUT_MS);
        assertThat(discover.isSuccess()).as("discover: %s", discover).isTrue();
        assertThat(discover.getObjectLinks()).extracting(l -> l.getPath().toString()).contains("/3/0/13");

        // observe the current time; each tick of the clock is a notification
        ObserveResponse observe = server.send(registration, new ObserveRequest(3, 0, 13), TIMEOUT_MS);
        assertThat(observe.isSuccess()).as("observe: %s", observe).isTrue();
        SingleObservation observation = observe.getObservation();
        assertThat(observation).isNotNull();
        assertThat(server.getObservationService().getObservations(registration)).containsExactly(observation);
        for (int i = 1; i <= 3; i++) {
            device.tick();
            int expected = i;
            await().atMost(Duration.ofSeconds(20)).until(() -> notifications.size() >= expected);
            ObserveResponse last = notifications.get(notifications.size() - 1);
            assertThat(((LwM2mSingleResource) last.getContent()).getValue()).isEqualTo(new Date(device.now()));
        }

        // cancel it actively (GET with Observe=1), then passively: no more notifications
        CancelObservationResponse cancel = server.send(registration, new CancelObservationRequest(observation),
                TIMEOUT_MS);
        assertThat(cancel.isSuccess()).as("cancel: %s", cancel).isTrue();
        server.getObservationService().cancelObservation(observation);
        assertThat(server.getObservationService().getObservations(registration)).isEmpty();
        int seen = notifications.size();
        device.tick();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> notifications.size() == seen);

        // LwM2M 1.1 Send: the client pushes the current time to /dp
        List<org.eclipse.leshan.core.node.TimestampedLwM2mNodes> sent = new CopyOnWriteArrayList<>();
        server.getSendService().addListener(new org.eclipse.leshan.server.send.SendListener() {
            @Override
            public void dataReceived(Registration r, org.eclipse.leshan.core.node.TimestampedLwM2mNodes data,
                                     org.eclipse.leshan.core.request.SendRequest request) {
                sent.add(data);
            }

            @Override
            public void onError(Registration r, String errorMessage, Exception error) {
            }
        });
        org.eclipse.leshan.client.servers.LwM2mServer lwm2mServer = LeshanPeers.awaitRegistration(client);
        org.eclipse.leshan.core.response.SendResponse send = client.getSendService().sendData(lwm2mServer,
                ContentFormat.SENML_CBOR, List.of("/3/0/13"), TIMEOUT_MS);
        assertThat(send.isSuccess()).as("send: %s", send).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> !sent.isEmpty());
        assertThat(((LwM2mSingleResource) sent.get(0).getMostRecentNodes()
                .get(new org.eclipse.leshan.core.node.LwM2mPath("/3/0/13"))).getValue())
                .isEqualTo(new Date(device.now()));

        // deregister
        client.stop(true);
        Registration gone = events.unregistered.poll(30, TimeUnit.SECONDS);
        assertThat(gone).isNotNull();
        assertThat(gone.getId()).isEqualTo(registration.getId());
    }
}
