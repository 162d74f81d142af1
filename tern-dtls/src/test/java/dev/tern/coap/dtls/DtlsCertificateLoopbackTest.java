package dev.tern.coap.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapSecurityException;
import dev.tern.coap.CoapServer;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Raw public keys (RFC 7250) and X.509 between a Tern client and a Tern server on loopback. */
class DtlsCertificateLoopbackTest {
    private static final TestPki PKI = new TestPki();
    private CoapServer server;

    private CoapServer start(DtlsConfig config) {
        server = CoapServer.builder().port(0).bind("127.0.0.1").security(Dtls.server(config))
                .service(Router.builder()
                        .get("/whoami", r -> Response.content(r.peerIdentity().map(PeerIdentity::toString)
                                .orElse("anonymous")))
                        .build())
                .build().start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String get(DtlsConfig client, String host) {
        try (CoapClient c = CoapClient.builder().security(Dtls.client(client)).build()) {
            Response r = c.get("coaps://" + host + ":" + server.port() + "/whoami");
            return r.payloadString();
        }
    }

    @Test
    void rawPublicKeysBothWays() {
        KeyPair serverKeys = TestPki.ecKeyPair();
        KeyPair clientKeys = TestPki.ecKeyPair();
        start(DtlsConfig.server().rawPublicKey(serverKeys).trustedKeys(List.of(clientKeys.getPublic())).build());
        String who = get(DtlsConfig.client().rawPublicKey(clientKeys).trustedKeys(List.of(serverKeys.getPublic()))
                .build(), "127.0.0.1");
        assertThat(who).isEqualTo("RAW_PUBLIC_KEY " + PeerIdentity.niName(clientKeys.getPublic())
                + " (TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8)");
    }

    /** A server that looks client keys up at handshake time (DtlsBuilder#keyTrust): known keys in, others out. */
    @Test
    void keyTrustDecidesPerHandshake() {
        KeyPair serverKeys = TestPki.ecKeyPair();
        KeyPair known = TestPki.ecKeyPair();
        java.util.Set<java.security.PublicKey> store = java.util.concurrent.ConcurrentHashMap.newKeySet();
        start(DtlsConfig.server().rawPublicKey(serverKeys).keyTrust(store::contains).build());
        DtlsConfig.ClientBuilder client = DtlsConfig.client().trustedKeys(List.of(serverKeys.getPublic()));
        assertThatThrownBy(() -> get(client.rawPublicKey(known).build(), "127.0.0.1"))
                .isInstanceOf(CoapSecurityException.class);
        store.add(known.getPublic());
        assertThat(get(client.rawPublicKey(known).build(), "127.0.0.1"))
                .startsWith("RAW_PUBLIC_KEY " + PeerIdentity.niName(known.getPublic()));
        assertThatThrownBy(() -> get(client.rawPublicKey(TestPki.ecKeyPair()).build(), "127.0.0.1"))
                .isInstanceOf(CoapSecurityException.class);
    }

    @Test
    void untrustedServerKeyFailsCleanly() {
        start(DtlsConfig.server().rawPublicKey(TestPki.ecKeyPair()).clientAuth(ClientAuth.NONE).build());
        assertThatThrownBy(() -> get(DtlsConfig.client().rawPublicKey(TestPki.ecKeyPair())
                .trustedKeys(List.of(TestPki.ecKeyPair().getPublic())).build(), "127.0.0.1"))
                .isInstanceOf(CoapSecurityException.class).hasMessageContaining("is not trusted");
    }

    @Test
    void x509WithHostnameAndClientCertificate() {
        TestPki.Leaf serverLeaf = PKI.leaf("server", "localhost", "127.0.0.1");
        TestPki.Leaf clientLeaf = PKI.leaf("device-42");
        start(DtlsConfig.server().certificate(serverLeaf.keys().getPrivate(), serverLeaf.chain())
                .trustedCertificates(List.of(PKI.ca)).build());
        String who = get(DtlsConfig.client().certificate(clientLeaf.keys().getPrivate(), clientLeaf.chain())
                .trustedCertificates(List.of(PKI.ca)).build(), "localhost");
        assertThat(who).startsWith("X509 CN=device-42");
    }

    @Test
    void x509HostnameMismatchFails() {
        TestPki.Leaf serverLeaf = PKI.leaf("server", "other.example");
        start(DtlsConfig.server().certificate(serverLeaf.keys().getPrivate(), serverLeaf.chain()).build());
        assertThatThrownBy(() -> get(DtlsConfig.client().trustedCertificates(List.of(PKI.ca)).build(), "127.0.0.1"))
                .isInstanceOf(CoapSecurityException.class).hasMessageContaining("is not valid for 127.0.0.1");
        // the same server accepted when the check is switched off
        assertThat(get(DtlsConfig.client().trustAll(true).build(), "127.0.0.1")).isEqualTo("anonymous");
    }

    @Test
    void x509ClientWithoutCertificateRejectedWhenNeeded() {
        TestPki.Leaf serverLeaf = PKI.leaf("server", "127.0.0.1");
        start(DtlsConfig.server().certificate(serverLeaf.keys().getPrivate(), serverLeaf.chain())
                .trustedCertificates(List.of(PKI.ca)).build());
        assertThatThrownBy(() -> get(DtlsConfig.client().trustedCertificates(List.of(PKI.ca)).build(), "127.0.0.1"))
                .isInstanceOf(CoapSecurityException.class);
    }
}
