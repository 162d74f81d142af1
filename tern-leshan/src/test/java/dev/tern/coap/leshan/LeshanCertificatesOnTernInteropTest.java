package dev.tern.coap.leshan;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.servers.security.InMemorySecurityStore;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interop: Eclipse Leshan's client on its Californium transport registers at a Leshan server on
 * Tern's transport over coaps with a raw public key (RFC 7250, RFC 7252 §9.1.3.2) and with an X.509
 * certificate (RFC 7252 §9.1.3.3), is read (/3/0) and deregisters (OMA LwM2M 1.1 Transport §6.2, §6.4).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LeshanCertificatesOnTernInteropTest {
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
    void leshanClientOnCaliforniumRegistersAtLeshanServerOnTernWithRawPublicKey() throws Exception {
        KeyPair serverKeys = TestKeys.ecKeyPair();
        KeyPair deviceKeys = TestKeys.ecKeyPair();
        InMemorySecurityStore store = new InMemorySecurityStore();
        store.add(SecurityInfo.newRawPublicKeyInfo("tern-device", deviceKeys.getPublic()));
        server = server(TernServerEndpointsProvider.builder().rawPublicKey(serverKeys), store);
        scenario(uri -> Security.rpk(uri, LeshanPeers.SHORT_SERVER_ID, deviceKeys.getPublic().getEncoded(),
                deviceKeys.getPrivate().getEncoded(), serverKeys.getPublic().getEncoded()));
    }

    /** The server's key pair set the Leshan way ({@code LeshanServerBuilder.setPrivateKey/setPublicKey}). */
    @Test
    void theServersRawPublicKeyMayComeFromLeshansServerBuilder() throws Exception {
        KeyPair serverKeys = TestKeys.ecKeyPair();
        KeyPair deviceKeys = TestKeys.ecKeyPair();
        InMemorySecurityStore store = new InMemorySecurityStore();
        store.add(SecurityInfo.newRawPublicKeyInfo("tern-device", deviceKeys.getPublic()));
        server = new LeshanServerBuilder()
                .setEndpointsProviders(TernServerEndpointsProvider.builder()
                        .coaps(new InetSocketAddress("127.0.0.1", 0)).build())
                .setPrivateKey(serverKeys.getPrivate()).setPublicKey(serverKeys.getPublic())
                .setSecurityStore(store).build();
        scenario(uri -> Security.rpk(uri, LeshanPeers.SHORT_SERVER_ID, deviceKeys.getPublic().getEncoded(),
                deviceKeys.getPrivate().getEncoded(), serverKeys.getPublic().getEncoded()));
    }

    @Test
    void leshanClientOnCaliforniumRegistersAtLeshanServerOnTernWithX509() throws Exception {
        KeyPair caKeys = TestKeys.ecKeyPair();
        X509Certificate ca = TestKeys.ca("CN=Tern test CA", caKeys);
        KeyPair serverKeys = TestKeys.ecKeyPair();
        X509Certificate serverCertificate = TestKeys.leaf("CN=localhost", serverKeys, ca, caKeys);
        KeyPair deviceKeys = TestKeys.ecKeyPair();
        X509Certificate deviceCertificate = TestKeys.leaf("CN=tern-device", deviceKeys, ca, caKeys);
        InMemorySecurityStore store = new InMemorySecurityStore();
        store.add(SecurityInfo.newX509CertInfo("tern-device"));
        server = server(TernServerEndpointsProvider.builder()
                .certificate(serverKeys.getPrivate(), List.of(serverCertificate))
                .trustedCertificates(List.of(ca)), store);
        byte[] device = deviceCertificate.getEncoded();
        byte[] serverDer = serverCertificate.getEncoded();
        scenario(uri -> Security.x509(uri, LeshanPeers.SHORT_SERVER_ID, device,
                deviceKeys.getPrivate().getEncoded(), serverDer));
    }

    static LeshanServer server(TernServerEndpointsProvider.Builder endpoints, InMemorySecurityStore store) {
        return new LeshanServerBuilder()
                .setEndpointsProviders(endpoints.coaps(new InetSocketAddress("127.0.0.1", 0)).build())
                .setSecurityStore(store).build();
    }

    private void scenario(Function<String, Security> security) throws Exception {
        LeshanPeers.Registrations events = new LeshanPeers.Registrations();
        server.getRegistrationService().addListener(events);
        server.start();
        String uri = server.getEndpoints().get(0).getURI().toString();
        client = LeshanPeers.client("tern-device", security.apply(uri), new TestDevice());
        client.start();
        Registration registration = events.registered.poll(30, TimeUnit.SECONDS);
        assertThat(registration).as("registered").isNotNull();
        assertThat(registration.getEndpoint()).isEqualTo("tern-device");

        ReadResponse read = server.send(registration, new ReadRequest(ContentFormat.SENML_CBOR, 3, 0), TIMEOUT_MS);
        assertThat(read.isSuccess()).as("read /3/0: %s", read).isTrue();
        assertThat(((LwM2mObjectInstance) read.getContent()).getResource(0).getValue()).isEqualTo("Tern");

        client.stop(true);
        assertThat(events.unregistered.poll(30, TimeUnit.SECONDS)).as("deregistered").isNotNull();
        assertThat(server.getRegistrationStore().getAllRegistrations()).isExhausted();
    }
}
