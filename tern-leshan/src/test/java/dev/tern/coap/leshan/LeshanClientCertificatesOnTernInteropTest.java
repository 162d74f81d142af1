package dev.tern.coap.leshan;

import java.net.InetAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.servers.security.InMemorySecurityStore;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.eclipse.leshan.transport.californium.server.endpoint.CaliforniumServerEndpointsProvider;
import org.eclipse.leshan.transport.californium.server.endpoint.coaps.CoapsServerProtocolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interop: a Leshan client on Tern's transport registers at a Leshan server on Californium over
 * coaps with a raw public key (RFC 7250, RFC 7252 §9.1.3.2) and with an X.509 certificate
 * (§9.1.3.3), is read (/3/0) and deregisters (OMA LwM2M 1.1 Transport §6.2, §6.4).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LeshanClientCertificatesOnTernInteropTest {
    private RegisterReadDeregister scenario;

    @AfterEach
    void tearDown() {
        if (scenario != null) {
            scenario.close();
        }
    }

    @Test
    void leshanClientOnTernRegistersAtLeshanServerOnCaliforniumWithRawPublicKey() throws Exception {
        KeyPair serverKeys = TestKeys.ecKeyPair();
        KeyPair deviceKeys = TestKeys.ecKeyPair();
        InMemorySecurityStore store = new InMemorySecurityStore();
        store.add(SecurityInfo.newRawPublicKeyInfo("tern-client", deviceKeys.getPublic()));
        LeshanServer server = californium(store, builder -> builder.setPrivateKey(serverKeys.getPrivate())
                .setPublicKey(serverKeys.getPublic()));
        run(server, uri -> Security.rpk(uri, LeshanPeers.SHORT_SERVER_ID, deviceKeys.getPublic().getEncoded(),
                deviceKeys.getPrivate().getEncoded(), serverKeys.getPublic().getEncoded()));
    }

    @Test
    void leshanClientOnTernRegistersAtLeshanServerOnCaliforniumWithX509() throws Exception {
        KeyPair caKeys = TestKeys.ecKeyPair();
        X509Certificate ca = TestKeys.ca("CN=Tern test CA", caKeys);
        KeyPair serverKeys = TestKeys.ecKeyPair();
        X509Certificate serverCertificate = TestKeys.leaf("CN=lwm2m-server", serverKeys, ca, caKeys, "127.0.0.1");
        KeyPair deviceKeys = TestKeys.ecKeyPair();
        X509Certificate deviceCertificate = TestKeys.leaf("CN=tern-client", deviceKeys, ca, caKeys);
        InMemorySecurityStore store = new InMemorySecurityStore();
        store.add(SecurityInfo.newX509CertInfo("tern-client"));
        LeshanServer server = californium(store, builder -> builder.setPrivateKey(serverKeys.getPrivate())
                .setPublicKey(serverKeys.getPublic())
                .setCertificateChain(new X509Certificate[] {serverCertificate})
                .setTrustedCertificates(new X509Certificate[] {ca}));
        byte[] device = deviceCertificate.getEncoded();
        byte[] serverDer = serverCertificate.getEncoded();
        run(server, uri -> Security.x509(uri, LeshanPeers.SHORT_SERVER_ID, device, deviceKeys.getPrivate().getEncoded(),
                serverDer));
    }

    /**
     * LW8: a server that is not the one the Security object names (another raw public key; a
     * certificate from the same CA for the same name, with another key) answers the client's
     * handshake: the client on Tern refuses the session and never registers (RFC 7250, RFC 7252
     * §9.1.3.2-§9.1.3.3; OMA LwM2M 1.1 Core §E.1 Server Public Key).
     */
    @Test
    void lw8_theClientDoesNotRegisterAtAnImpostorServer() throws Exception {
        KeyPair deviceKeys = TestKeys.ecKeyPair();
        KeyPair impostorKeys = TestKeys.ecKeyPair();
        InMemorySecurityStore store = new InMemorySecurityStore();
        store.add(SecurityInfo.newRawPublicKeyInfo("tern-client", deviceKeys.getPublic()));
        scenario = new RegisterReadDeregister(californium(store, builder -> builder
                .setPrivateKey(impostorKeys.getPrivate()).setPublicKey(impostorKeys.getPublic())));
        byte[] expectedServerKey = TestKeys.ecKeyPair().getPublic().getEncoded();
        scenario.expectNoRegistration("tern-client", uri -> Security.rpk(uri, LeshanPeers.SHORT_SERVER_ID,
                deviceKeys.getPublic().getEncoded(), deviceKeys.getPrivate().getEncoded(), expectedServerKey),
                ternTransport());
        scenario.close();

        KeyPair caKeys = TestKeys.ecKeyPair();
        X509Certificate ca = TestKeys.ca("CN=Tern test CA", caKeys);
        X509Certificate genuine = TestKeys.leaf("CN=lwm2m-server", TestKeys.ecKeyPair(), ca, caKeys, "127.0.0.1");
        X509Certificate impostor = TestKeys.leaf("CN=lwm2m-server", impostorKeys, ca, caKeys, "127.0.0.1");
        X509Certificate deviceCertificate = TestKeys.leaf("CN=tern-client", deviceKeys, ca, caKeys);
        InMemorySecurityStore x509 = new InMemorySecurityStore();
        x509.add(SecurityInfo.newX509CertInfo("tern-client"));
        scenario = new RegisterReadDeregister(californium(x509, builder -> builder
                .setPrivateKey(impostorKeys.getPrivate()).setPublicKey(impostorKeys.getPublic())
                .setCertificateChain(new X509Certificate[] {impostor})
                .setTrustedCertificates(new X509Certificate[] {ca})));
        byte[] device = deviceCertificate.getEncoded();
        byte[] expected = genuine.getEncoded();
        scenario.expectNoRegistration("tern-client", uri -> Security.x509(uri, LeshanPeers.SHORT_SERVER_ID, device,
                deviceKeys.getPrivate().getEncoded(), expected), ternTransport());
    }

    private void run(LeshanServer server, Function<String, Security> security) throws InterruptedException {
        scenario = new RegisterReadDeregister(server);
        scenario.run("tern-client", security, ternTransport());
    }

    private static TernClientEndpointsProvider ternTransport() {
        return TernClientEndpointsProvider.builder().bind(InetAddress.getLoopbackAddress()).build();
    }

    private static LeshanServer californium(InMemorySecurityStore store,
                                            Function<LeshanServerBuilder, LeshanServerBuilder> credentials) {
        CaliforniumServerEndpointsProvider transport = new CaliforniumServerEndpointsProvider.Builder(
                new CoapsServerProtocolProvider()).addEndpoint("coaps://127.0.0.1:0").build();
        return credentials.apply(new LeshanServerBuilder().setEndpointsProviders(transport).setSecurityStore(store))
                .build();
    }
}
