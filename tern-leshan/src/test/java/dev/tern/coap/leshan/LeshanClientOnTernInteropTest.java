package dev.tern.coap.leshan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.core.endpoint.EndpointUri;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.WriteRequest;
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
 * Interop, the other way round: Eclipse Leshan's client on Tern's transport
 * ({@link TernClientEndpointsProvider}) registers at a Leshan server on its Californium transport,
 * which reads /3/0, writes, executes, observes /3/0/13 with notifications; then the client
 * deregisters. Over coap and over coaps with a PSK (OMA LwM2M 1.1 Transport §6.2-§6.4).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LeshanClientOnTernInteropTest {
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
    void leshanClientOnTernIsManagedByLeshanServerOnCaliforniumOverCoap() throws Exception {
        server = LeshanPeers.californiumServer(null);
        scenario("coap", uri -> Security.noSec(uri, LeshanPeers.SHORT_SERVER_ID));
    }

    @Test
    void leshanClientOnTernIsManagedByLeshanServerOnCaliforniumOverDtlsPsk() throws Exception {
        InMemorySecurityStore store = new InMemorySecurityStore();
        byte[] key = "secret-psk-key-2".getBytes(StandardCharsets.UTF_8);
        store.add(SecurityInfo.newPreSharedKeyInfo("tern-client", "tern-client-id", key));
        server = LeshanPeers.californiumServer(store);
        scenario("coaps", uri -> Security.psk(uri, LeshanPeers.SHORT_SERVER_ID,
                "tern-client-id".getBytes(StandardCharsets.UTF_8), key));
    }

    private void scenario(String scheme, java.util.function.Function<String, Security> security) throws Exception {
        LeshanPeers.Registrations events = new LeshanPeers.Registrations();
        server.getRegistrationService().addListener(events);
        List<ObserveResponse> notifications = new CopyOnWriteArrayList<>();
        server.getObservationService().addListener(new SingleNotifications(notifications));
        server.start();
        EndpointUri uri = server.getEndpoints().stream().map(e -> e.getURI())
                .filter(u -> u.getScheme().equals(scheme)).findFirst().orElseThrow();
        TestDevice device = new TestDevice();
        client = LeshanPeers.client("tern-client", security.apply(uri.toString()), device,
                TernClientEndpointsProvider.builder().bind(InetAddress.getLoopbackAddress()).build());
        client.start();
        Registration registration = events.registered.poll(30, TimeUnit.SECONDS);
        assertThat(registration).as("registered").isNotNull();
        assertThat(registration.getEndpoint()).isEqualTo("tern-client");
        LeshanPeers.awaitRegistration(client);

        for (ContentFormat format : List.of(ContentFormat.TLV, ContentFormat.SENML_CBOR)) {
            ReadResponse read = server.send(registration, new ReadRequest(format, 3, 0), TIMEOUT_MS);
            assertThat(read.isSuccess()).as("read /3/0 as %s: %s", format, read).isTrue();
            assertThat(((LwM2mObjectInstance) read.getContent()).getResource(0).getValue()).isEqualTo("Tern");
        }
        WriteResponse write = server.send(registration, new WriteRequest(3, 0, 14, "+01:00"), TIMEOUT_MS);
        assertThat(write.isSuccess()).as("write: %s", write).isTrue();
        ReadResponse offset = server.send(registration, new ReadRequest(3, 0, 14), TIMEOUT_MS);
        assertThat(((LwM2mSingleResource) offset.getContent()).getValue()).isEqualTo("+01:00");
        ExecuteResponse execute = server.send(registration, new ExecuteRequest(3, 0, 4), TIMEOUT_MS);
        assertThat(execute.isSuccess()).as("execute: %s", execute).isTrue();
        assertThat(device.reboots).hasValue(1);

        ObserveResponse observe = server.send(registration, new ObserveRequest(3, 0, 13), TIMEOUT_MS);
        assertThat(observe.isSuccess()).as("observe: %s", observe).isTrue();
        assertThat(observe.getObservation()).isNotNull();
        for (int i = 1; i <= 3; i++) {
            device.tick();
            int expected = i;
            await().atMost(Duration.ofSeconds(20)).until(() -> notifications.size() >= expected);
            ObserveResponse last = notifications.get(notifications.size() - 1);
            assertThat(((LwM2mSingleResource) last.getContent()).getValue()).isEqualTo(new Date(device.now()));
        }

        client.stop(true);
        Registration gone = events.unregistered.poll(30, TimeUnit.SECONDS);
        assertThat(gone).isNotNull();
        assertThat(gone.getId()).isEqualTo(registration.getId());
    }
}
