package dev.tern.coap.leshan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapException;
import dev.tern.coap.CoapServer;
import dev.tern.coap.MessageType;
import dev.tern.coap.ObservableResource;
import dev.tern.coap.Options;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.RouteOptions;
import dev.tern.coap.Router;
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import dev.tern.coap.testkit.CoapMessage;
import dev.tern.coap.testkit.RawUdp;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.servers.security.InMemorySecurityStore;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Attacks on a Leshan server on Tern, performed on loopback (FAULTS.md rows LW2, LW3). */
class LeshanAttackTest {
    private LeshanServer server;
    private CoapServer device;

    @AfterEach
    void stop() {
        if (device != null) {
            device.close();
        }
        if (server != null) {
            server.destroy();
        }
    }

    /**
     * LW2: an off-path host that knows an observation's token sends a forged notification (NON 2.05,
     * Observe, the token) from its own port: Leshan never sees it; the device's own notifications
     * still arrive (RFC 7252 §5.3.2, RFC 7641 §3.2).
     */
    @Test
    void lw2_aForgedNotificationFromAnotherPortNeverReachesLeshan() throws Exception {
        server = LeshanPeers.server(false, null);
        List<ObserveResponse> notifications = new CopyOnWriteArrayList<>();
        server.getObservationService().addListener(new SingleNotifications(notifications));
        server.start();
        InetSocketAddress at = new InetSocketAddress("127.0.0.1",
                server.getEndpoints().get(0).getURI().getPort());
        ObservableResource clock = ObservableResource.create();
        AtomicLong seconds = new AtomicLong(1_700_000_000L);
        device = CoapServer.builder().bind("127.0.0.1").port(0).service(Router.builder()
                .get("/3/0/13", clock.handler(req -> Response.builder(Code.CONTENT).contentFormat(0)
                        .payload(Long.toString(seconds.get())).build()), RouteOptions.create().observable())
                .build()).build().start();
        Response created = device.client().call(Request.post("coap://127.0.0.1:" + at.getPort()
                + "/rd?ep=victim&lt=300&lwm2m=1.1&b=U").contentFormat(40).payload("</3/0>").build());
        assertThat(created.code()).isEqualTo(Code.CREATED);
        Registration registration = server.getRegistrationStore().getRegistrationByEndpoint("victim");
        ObserveResponse observe = server.send(registration, new ObserveRequest(ContentFormat.TEXT, 3, 0, 13), 5000);
        assertThat(observe.getObservation()).isNotNull();
        Bytes token = Bytes.wrap(observe.getObservation().getId().getBytes());

        try (DatagramSocket attacker = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 20; i++) {
                CoapMessage forged = new CoapMessage(MessageType.NON, Code.CONTENT, 4000 + i, token,
                        Options.builder().observe(100 + i).contentFormat(0).build(), Bytes.utf8("42"));
                RawUdp.send(attacker, forged.encode(), at.getPort());
            }
        }
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(notifications::isEmpty);

        seconds.set(1_700_000_001L);
        clock.changed();
        await().atMost(Duration.ofSeconds(10)).until(() -> !notifications.isEmpty());
        assertThat(notifications).extracting(n -> ((LwM2mSingleResource) n.getContent()).getValue())
                .containsOnly(new Date(1_700_000_001_000L));
    }

    /**
     * LW3: a device authenticated with its own PSK identity registers under another device's
     * endpoint name: 4.03, nothing registered; an identity the security store does not know gets no
     * DTLS session at all (RFC 7252 §9.1.3.1; OMA LwM2M 1.1 Transport §7.1).
     */
    @Test
    void lw3_aPskIdentityCannotRegisterAnotherDevicesName() throws Exception {
        InMemorySecurityStore store = new InMemorySecurityStore();
        byte[] keyA = "key-of-device-a!".getBytes(StandardCharsets.UTF_8);
        store.add(SecurityInfo.newPreSharedKeyInfo("device-a", "id-a", keyA));
        store.add(SecurityInfo.newPreSharedKeyInfo("device-b", "id-b", "key-of-device-b!".getBytes(
                StandardCharsets.UTF_8)));
        server = LeshanPeers.server(true, store);
        server.start();
        String rd = server.getEndpoints().get(0).getURI() + "/rd";
        try (CoapClient a = CoapClient.builder().security(Dtls.client(DtlsConfig.client().psk("id-a", keyA)
                .build())).build()) {
            Response asB = a.call(Request.post(rd + "?ep=device-b&lt=300&lwm2m=1.1&b=U").contentFormat(40)
                    .payload("</3/0>").build());
            assertThat(asB.code()).isEqualTo(Code.FORBIDDEN);
            assertThat(server.getRegistrationStore().getRegistrationByEndpoint("device-b")).isNull();
            Response asA = a.call(Request.post(rd + "?ep=device-a&lt=300&lwm2m=1.1&b=U").contentFormat(40)
                    .payload("</3/0>").build());
            assertThat(asA.code()).isEqualTo(Code.CREATED);
        }
        try (CoapClient stranger = CoapClient.builder().security(Dtls.client(DtlsConfig.client()
                .psk("id-unknown", keyA).handshakeTimeout(Duration.ofSeconds(3)).build())).build()) {
            assertThatThrownBy(() -> stranger.call(Request.post(rd + "?ep=device-a&lt=300").contentFormat(40)
                    .payload("</3/0>").timeout(Duration.ofSeconds(10)).build())).isInstanceOf(CoapException.class);
        }
    }

    /**
     * LW4: a host other than the LwM2M server sends device management requests to a Leshan client on
     * Tern (a Write of /3/0/14 and an Execute of /3/0/4, from its own port): 4.03, the device
     * unchanged; the server's own Write still works (OMA LwM2M 1.1 Transport §6.3, RFC 7252 §5.3.2).
     */
    @Test
    void lw4_aHostOtherThanTheServerCannotManageTheClient() throws Exception {
        server = LeshanPeers.server(false, null);
        LeshanPeers.Registrations events = new LeshanPeers.Registrations();
        server.getRegistrationService().addListener(events);
        server.start();
        TestDevice device = new TestDevice();
        TernClientEndpointsProvider transport = TernClientEndpointsProvider.builder()
                .bind(InetAddress.getLoopbackAddress()).build();
        org.eclipse.leshan.client.LeshanClient client = LeshanPeers.client("target",
                org.eclipse.leshan.client.object.Security.noSec(server.getEndpoints().get(0).getURI().toString(),
                        LeshanPeers.SHORT_SERVER_ID), device, transport);
        client.start();
        try {
            Registration registration = events.registered.poll(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(registration).isNotNull();
            int port = transport.getEndpoints().get(0).getURI().getPort();
            try (CoapClient attacker = CoapClient.create()) {
                Response write = attacker.call(Request.put("coap://127.0.0.1:" + port + "/3/0/14").contentFormat(0)
                        .payload("+09:00").build());
                assertThat(write.code()).isEqualTo(Code.FORBIDDEN);
                Response execute = attacker.call(Request.post("coap://127.0.0.1:" + port + "/3/0/4").build());
                assertThat(execute.code()).isEqualTo(Code.FORBIDDEN);
            }
            assertThat(device.reboots).hasValue(0);
            org.eclipse.leshan.core.response.ReadResponse offset = server.send(registration,
                    new org.eclipse.leshan.core.request.ReadRequest(3, 0, 14), 5000);
            assertThat(((LwM2mSingleResource) offset.getContent()).getValue()).isNotEqualTo("+09:00");
            assertThat(server.send(registration, new org.eclipse.leshan.core.request.WriteRequest(3, 0, 14, "+03:00"),
                    5000).isSuccess()).isTrue();
        } finally {
            client.destroy(false);
        }
    }
}
