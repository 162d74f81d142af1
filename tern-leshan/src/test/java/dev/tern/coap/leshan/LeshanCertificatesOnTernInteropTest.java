package dev.tern.coap.leshan;

import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
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
    private RegisterReadDeregister scenario;

    @AfterEach
    void tearDown() {
        if (scenario != null) {
            scenario.close();
        }
    }

    @Test
    void leshanClientOnCaliforniumRegistersAtLeshanServerOnTernWithRawPublicKey() throws Exception {
        KeyPair serverKeys = TestKeys.ecKeyPair();
        KeyPair deviceKeys = TestKeys.ecKeyPair();
        InMemorySecurityStore store = new InMemorySecurityStore();
        store.add(SecurityInfo.newRawPublicKeyInfo("tern-device", deviceKeys.getPublic()));
        run(server(TernServerEndpointsProvider.builder().rawPublicKey(serverKeys), store),
                uri -> Security.rpk(uri, LeshanPeers.SHORT_SERVER_ID, deviceKeys.getPublic().getEncoded(),
                        deviceKeys.getPrivate().getEncoded(), serverKeys.getPublic().getEncoded()));
    }

    /** The server's key pair set the Leshan way ({@code LeshanServerBuilder.setPrivateKey/setPublicKey}). */
    @Test
    void theServersRawPublicKeyMayComeFromLeshansServerBuilder() throws Exception {
        KeyPair serverKeys = TestKeys.ecKeyPair();
        KeyPair deviceKeys = TestKeys.ecKeyPair();
        InMemorySecurityStore store = new InMemorySecurityStore();
        store.add(SecurityInfo.newRawPublicKeyInfo("tern-device", deviceKeys.getPublic()));
        LeshanServer server = new LeshanServerBuilder()
                .setEndpointsProviders(TernServerEndpointsProvider.builder()
                        .coaps(new InetSocketAddress("127.0.0.1", 0)).build())
                .setPrivateKey(serverKeys.getPrivate()).setPublicKey(serverKeys.getPublic())
                .setSecurityStore(store).build();
        run(server, uri -> Security.rpk(uri, LeshanPeers.SHORT_SERVER_ID, deviceKeys.getPublic().getEncoded(),
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
        LeshanServer server = server(TernServerEndpointsProvider.builder()
                .certificate(serverKeys.getPrivate(), List.of(serverCertificate))
                .trustedCertificates(List.of(ca)), store);
        byte[] device = deviceCertificate.getEncoded();
        byte[] serverDer = serverCertificate.getEncoded();
        run(server, uri -> Security.x509(uri, LeshanPeers.SHORT_SERVER_ID, device,
                deviceKeys.getPrivate().getEncoded(), serverDer));
    }

    static LeshanServer server(TernServerEndpointsProvider.Builder endpoints, InMemorySecurityStore store) {
        return new LeshanServerBuilder()
                .setEndpointsProviders(endpoints.coaps(new InetSocketAddress("127.0.0.1", 0)).build())
                .setSecurityStore(store).build();
    }

    private void run(LeshanServer server, Function<String, Security> security) throws InterruptedException {
        scenario = new RegisterReadDeregister(server);
        scenario.run("tern-device", security, LeshanPeers.californiumClientTransport());
    }
}
