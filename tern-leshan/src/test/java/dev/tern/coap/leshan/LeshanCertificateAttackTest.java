package dev.tern.coap.leshan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Code;
import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapException;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.servers.security.InMemorySecurityStore;
import org.eclipse.leshan.servers.security.SecurityInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Attacks with certificates and raw public keys on a Leshan server on Tern, performed on loopback
 * with Tern's DTLS client as the attacker (FAULTS.md rows LW6, LW7).
 */
class LeshanCertificateAttackTest {
    private LeshanServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.destroy();
        }
    }

    /**
     * LW6: a device with a valid certificate (trusted CA) for {@code CN=device-a} registers as
     * {@code device-b}: 4.03, nothing registered, while it registers as {@code device-a}; a
     * self-signed certificate for {@code CN=device-b} gets no DTLS session (RFC 7252 §9.1.3.3; OMA
     * LwM2M 1.1 Transport §7.1: the certificate's subject CN is the endpoint name).
     */
    @Test
    void lw6_aCertificateForOneDeviceCannotRegisterAnotherDevicesName() throws Exception {
        KeyPair caKeys = TestKeys.ecKeyPair();
        X509Certificate ca = TestKeys.ca("CN=Tern test CA", caKeys);
        KeyPair serverKeys = TestKeys.ecKeyPair();
        X509Certificate serverCertificate = TestKeys.leaf("CN=lwm2m-server", serverKeys, ca, caKeys);
        InMemorySecurityStore store = new InMemorySecurityStore();
        store.add(SecurityInfo.newX509CertInfo("device-a"));
        store.add(SecurityInfo.newX509CertInfo("device-b"));
        server = LeshanCertificatesOnTernInteropTest.server(TernServerEndpointsProvider.builder()
                .certificate(serverKeys.getPrivate(), List.of(serverCertificate))
                .trustedCertificates(List.of(ca)), store);
        server.start();
        String rd = server.getEndpoints().get(0).getURI() + "/rd";

        KeyPair aKeys = TestKeys.ecKeyPair();
        X509Certificate a = TestKeys.leaf("CN=device-a", aKeys, ca, caKeys);
        try (CoapClient attacker = client(DtlsConfig.client().certificate(aKeys.getPrivate(), List.of(a))
                .trustedCertificates(List.of(ca)).serverName("lwm2m-server"))) {
            assertThat(attacker.call(register(rd, "device-b")).code()).isEqualTo(Code.FORBIDDEN);
            assertThat(server.getRegistrationStore().getRegistrationByEndpoint("device-b")).isNull();
            assertThat(attacker.call(register(rd, "device-a")).code()).isEqualTo(Code.CREATED);
        }
        KeyPair forgedKeys = TestKeys.ecKeyPair();
        X509Certificate forged = TestKeys.ca("CN=device-b", forgedKeys);
        try (CoapClient stranger = client(DtlsConfig.client().certificate(forgedKeys.getPrivate(), List.of(forged))
                .trustedCertificates(List.of(ca)).serverName("lwm2m-server"))) {
            assertThatThrownBy(() -> stranger.call(register(rd, "device-b"))).isInstanceOf(CoapException.class);
        }
        assertThat(server.getRegistrationStore().getRegistrationByEndpoint("device-b")).isNull();
    }

    /**
     * LW7: a device authenticated by its raw public key registers as another device: 4.03, nothing
     * registered; a raw public key that no device of the security store has gets no DTLS session
     * (RFC 7250, RFC 7252 §9.1.3.2; OMA LwM2M 1.1 Transport §7.1).
     */
    @Test
    void lw7_aRawPublicKeyCannotRegisterAnotherDevicesNameAndUnknownKeysGetNoSession() throws Exception {
        KeyPair serverKeys = TestKeys.ecKeyPair();
        KeyPair aKeys = TestKeys.ecKeyPair();
        InMemorySecurityStore store = new InMemorySecurityStore();
        store.add(SecurityInfo.newRawPublicKeyInfo("device-a", aKeys.getPublic()));
        store.add(SecurityInfo.newRawPublicKeyInfo("device-b", TestKeys.ecKeyPair().getPublic()));
        server = LeshanCertificatesOnTernInteropTest.server(TernServerEndpointsProvider.builder()
                .rawPublicKey(serverKeys), store);
        server.start();
        String rd = server.getEndpoints().get(0).getURI() + "/rd";

        try (CoapClient attacker = client(DtlsConfig.client().rawPublicKey(aKeys)
                .trustedKeys(List.of(serverKeys.getPublic())))) {
            assertThat(attacker.call(register(rd, "device-b")).code()).isEqualTo(Code.FORBIDDEN);
            assertThat(server.getRegistrationStore().getRegistrationByEndpoint("device-b")).isNull();
            assertThat(attacker.call(register(rd, "device-a")).code()).isEqualTo(Code.CREATED);
        }
        try (CoapClient stranger = client(DtlsConfig.client().rawPublicKey(TestKeys.ecKeyPair())
                .trustedKeys(List.of(serverKeys.getPublic())))) {
            assertThatThrownBy(() -> stranger.call(register(rd, "device-c"))).isInstanceOf(CoapException.class);
        }
        assertThat(server.getRegistrationStore().getRegistrationByEndpoint("device-c")).isNull();
    }

    private static CoapClient client(DtlsConfig.ClientBuilder dtls) {
        return CoapClient.builder().security(Dtls.client(dtls.handshakeTimeout(Duration.ofSeconds(3)).build()))
                .build();
    }

    private static Request register(String rd, String endpoint) {
        return Request.post(rd + "?ep=" + endpoint + "&lt=300&lwm2m=1.1&b=U").contentFormat(40)
                .payload("</3/0>").timeout(Duration.ofSeconds(10)).build();
    }
}
