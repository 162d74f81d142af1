package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import dev.tern.coap.dtls.DtlsLayer;
import dev.tern.coap.dtls.DtlsSession;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.DtlsEndpointContext;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.auth.RawPublicKeyIdentity;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.elements.exception.ConnectorException;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.DTLSContext;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedMultiPskStore;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * coaps:// between Tern ({@code tern-dtls}) and Eclipse Californium 3.14 with Scandium, its DTLS
 * 1.2 stack, as an in-JVM peer: Californium's CoapClient and CoapServer over a Scandium
 * {@link DTLSConnector}, both directions, with pre-shared keys, raw public keys and Connection IDs
 * (RFC 9146). The Connection ID tests put a {@link RebindingRelay} in between and move the client's
 * apparent address: the session must carry on without a new handshake. Scandium comes from Maven,
 * so these tests always run.
 */
@Timeout(60)
class ScandiumInteropTest {
    private static final String IDENTITY = "dev1";
    private static final byte[] KEY = "secret".getBytes(StandardCharsets.UTF_8);
    private static final long TIMEOUT_MS = 10_000;
    private static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @BeforeAll
    static void registerCaliforniumModules() {
        CoapConfig.register();
        UdpConfig.register();
        org.eclipse.californium.scandium.config.DtlsConfig.register();
    }

    /** Californium's configuration without its properties file; {@code cidLength} null disables CIDs. */
    static Configuration configuration(org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole role,
                                       Integer cidLength) {
        Configuration c = Configuration.createStandardWithoutFile();
        c.set(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_ROLE, role);
        c.set(org.eclipse.californium.scandium.config.DtlsConfig.DTLS_CONNECTION_ID_LENGTH, cidLength);
        return c;
    }

    static DtlsConnectorConfig.Builder psk(DtlsConnectorConfig.Builder b, boolean server) {
        if (server) {
            AdvancedMultiPskStore store = new AdvancedMultiPskStore();
            store.setKey(IDENTITY, KEY);
            return b.setAdvancedPskStore(store);
        }
        return b.setAdvancedPskStore(new AdvancedSinglePskStore(IDENTITY, KEY));
    }

    static DtlsConnectorConfig.Builder rpk(DtlsConnectorConfig.Builder b, KeyPair own, KeyPair trusted) {
        return b.setCertificateIdentityProvider(new SingleCertificateProvider(own.getPrivate(), own.getPublic()))
                .setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder()
                        .setTrustedRPKs(new RawPublicKeyIdentity(trusted.getPublic())).build());
    }

    static String hex(org.eclipse.californium.elements.util.Bytes cid) {
        return cid == null ? "" : cid.getAsString().toLowerCase(Locale.ROOT);
    }

    static void report(String combination, String suite) {
        System.out.println("[tern-interop] DTLS " + combination + ": " + suite);
    }

    /** Californium's CoapClient over a Scandium connector against Tern DTLS servers. */
    @Nested
    class ScandiumClientAgainstTern {
        private CoapServer server;
        private DtlsLayer serverLayer;
        private DTLSConnector connector;
        private org.eclipse.californium.core.CoapClient client;

        private void startTern(DtlsConfig config) {
            serverLayer = Dtls.server(config);
            server = CoapServer.builder().port(0).bind("127.0.0.1").security(serverLayer)
                    .service(LibcoapDtlsInteropTest.router()).build().start();
        }

        private void startScandium(DtlsConnectorConfig.Builder config) {
            DtlsConnectorConfig built = config.setAddress(ANY_LOOPBACK).build();
            Configuration c = built.getConfiguration();
            connector = new DTLSConnector(built);
            client = new org.eclipse.californium.core.CoapClient();
            client.setEndpoint(new CoapEndpoint.Builder().setConfiguration(c).setConnector(connector).build());
            client.setTimeout(TIMEOUT_MS);
        }

        @AfterEach
        void stop() {
            if (client != null) {
                client.shutdown();
                client.getEndpoint().destroy();
            }
            if (server != null) {
                server.close();
            }
        }

        private String get(InetSocketAddress to, String path) throws ConnectorException, IOException {
            client.setURI("coaps://127.0.0.1:" + to.getPort() + path);
            CoapResponse r = client.get();
            assertThat(r).as("response from Tern to Scandium's GET %s", path).isNotNull();
            assertThat(r.getCode()).isEqualTo(CoAP.ResponseCode.CONTENT);
            return r.getResponseText();
        }

        private InetSocketAddress tern() {
            return new InetSocketAddress("127.0.0.1", server.port());
        }

        private InetSocketAddress scandium() {
            return connector.getAddress();
        }

        @Test
        void preSharedKey() throws Exception {
            startTern(DtlsConfig.server().pskStore(IDENTITY, KEY).build());
            startScandium(psk(DtlsConnectorConfig.builder(configuration(
                    org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole.CLIENT_ONLY, null)), false));

            assertThat(get(tern(), "/hello")).isEqualTo("Hello World!");
            DtlsSession s = serverLayer.session(scandium()).orElseThrow();
            assertThat(get(tern(), "/whoami")).isEqualTo("PRE_SHARED_KEY dev1 (" + s.cipherSuite() + ")");
            assertThat(s.cipherSuite()).isIn(LibcoapDtlsInteropTest.TERN_PSK_SUITES)
                    .isEqualTo(connector.getSessionByAddress(tern()).getCipherSuite().name());
            assertThat(s.connectionId()).as("no CID without the extension").isEmpty();
            assertThat(serverLayer.statistics().fullInPlace()).as("run on Tern's I/O thread").isEqualTo(1);
            report("Scandium client -> Tern, PSK", s.cipherSuite());
        }

        @Test
        void rawPublicKey() throws Exception {
            KeyPair ternKeys = InteropPki.ecKeyPair();
            KeyPair scandiumKeys = InteropPki.ecKeyPair();
            startTern(DtlsConfig.server().rawPublicKey(ternKeys).trustedKeys(List.of(scandiumKeys.getPublic()))
                    .build());
            startScandium(rpk(DtlsConnectorConfig.builder(configuration(
                    org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole.CLIENT_ONLY, null)),
                    scandiumKeys, ternKeys));

            assertThat(get(tern(), "/hello")).isEqualTo("Hello World!");
            DtlsSession s = serverLayer.session(scandium()).orElseThrow();
            assertThat(get(tern(), "/whoami")).isEqualTo("RAW_PUBLIC_KEY "
                    + PeerIdentity.niName(scandiumKeys.getPublic()) + " (" + s.cipherSuite() + ")");
            assertThat(s.cipherSuite()).isIn(LibcoapDtlsInteropTest.TERN_ECDSA_SUITES);
            // both name a raw public key the RFC 6920 way
            assertThat(connector.getSessionByAddress(tern()).getPeerIdentity().getName())
                    .isEqualTo(PeerIdentity.niName(ternKeys.getPublic()));
            report("Scandium client -> Tern, RPK", s.cipherSuite());
        }

        /** Scandium offers CIDs (length 0: it uses Tern's, needs none itself); Tern issues 6 bytes. */
        @Test
        void connectionIdSurvivesAddressChange() throws Exception {
            startTern(DtlsConfig.server().pskStore(IDENTITY, KEY).build());
            startScandium(psk(DtlsConnectorConfig.builder(configuration(
                    org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole.CLIENT_ONLY, 0)), false));
            try (RebindingRelay nat = new RebindingRelay(tern())) {
                assertThat(get(nat.address(), "/hello")).isEqualTo("Hello World!");
                DtlsSession s = serverLayer.session(nat.upstreamAddress()).orElseThrow();
                assertThat(s.connectionId()).hasSize(12); // 6 bytes, in hex
                DTLSContext scandiumSide = connector.getDtlsContextByAddress(nat.address());
                assertThat(hex(scandiumSide.getWriteConnectionId())).isEqualTo(s.connectionId());
                assertThat(scandiumSide.getReadConnectionId().isEmpty()).isTrue();

                nat.rebind();
                assertThat(get(nat.address(), "/whoami")).startsWith("PRE_SHARED_KEY dev1");
                DtlsSession moved = serverLayer.session(nat.upstreamAddress()).orElseThrow();
                assertThat(moved.connectionId()).isEqualTo(s.connectionId());
                assertThat(serverLayer.statistics().handshakesCompleted()).as("no second handshake").isEqualTo(1);
                assertThat(serverLayer.statistics().fullInPlace()).as("run on Tern's I/O thread").isEqualTo(1);
                report("Scandium client -> Tern, PSK + CID " + s.connectionId() + " across a rebinding",
                        s.cipherSuite());
            }
        }
    }

    /** Scandium resuming against Tern: the client side of Tern's abbreviated handshake without a handshake thread. */
    @Nested
    class ScandiumResumesAtTern {
        private final ScandiumClientAgainstTern base = new ScandiumClientAgainstTern();

        @AfterEach
        void stop() {
            base.stop();
        }

        private void resumeAndCheck(String combination) throws Exception {
            assertThat(base.get(base.tern(), "/hello")).isEqualTo("Hello World!");
            DtlsSession first = base.serverLayer.session(base.scandium()).orElseThrow();
            base.connector.forceResumeSessionFor(base.tern());
            assertThat(base.get(base.tern(), "/hello")).isEqualTo("Hello World!");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> base.serverLayer.statistics().handshakesCompleted() == 2);
            DtlsSession s = base.serverLayer.session(base.scandium()).orElseThrow();
            assertThat(s.resumed()).isTrue();
            assertThat(s.peerIdentity()).isEqualTo(first.peerIdentity());
            assertThat(base.serverLayer.statistics().handshakesResumed()).isEqualTo(1);
            assertThat(base.serverLayer.statistics().resumedInPlace()).as("run on Tern's I/O thread").isEqualTo(1);
            if (!first.connectionId().isEmpty()) {
                assertThat(s.connectionId()).as("a fresh CID (RFC 9146 §3)").hasSize(12)
                        .isNotEqualTo(first.connectionId());
            }
            report("Scandium client -> Tern, " + combination + ", resumed", s.cipherSuite());
        }

        @Test
        void preSharedKeyWithConnectionId() throws Exception {
            base.startTern(DtlsConfig.server().pskStore(IDENTITY, KEY).build());
            base.startScandium(psk(DtlsConnectorConfig.builder(configuration(
                    org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole.CLIENT_ONLY, 0)), false));
            resumeAndCheck("PSK + CID");
        }

        @Test
        void rawPublicKey() throws Exception {
            KeyPair ternKeys = InteropPki.ecKeyPair();
            KeyPair scandiumKeys = InteropPki.ecKeyPair();
            base.startTern(DtlsConfig.server().rawPublicKey(ternKeys).trustedKeys(List.of(scandiumKeys.getPublic()))
                    .build());
            base.startScandium(rpk(DtlsConnectorConfig.builder(configuration(
                    org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole.CLIENT_ONLY, null)),
                    scandiumKeys, ternKeys));
            resumeAndCheck("RPK");
        }
    }

    /** Tern's client against Californium's CoapServer over a Scandium connector. */
    @Nested
    class TernAgainstScandium {
        private org.eclipse.californium.core.CoapServer server;
        private DTLSConnector connector;

        private void startScandium(DtlsConnectorConfig.Builder config) {
            DtlsConnectorConfig built = config.setAddress(ANY_LOOPBACK).build();
            Configuration c = built.getConfiguration();
            connector = new DTLSConnector(built);
            server = new org.eclipse.californium.core.CoapServer(c);
            server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(c).setConnector(connector).build());
            server.add(new CoapResource("hello") {
                @Override
                public void handleGET(CoapExchange exchange) {
                    exchange.respond("Hello from Californium");
                }
            });
            server.add(new CoapResource("whoami") {
                @Override
                public void handleGET(CoapExchange exchange) {
                    EndpointContext ctx = exchange.advanced().getRequest().getSourceContext();
                    Principal who = ctx.getPeerIdentity();
                    exchange.respond((who == null ? "anonymous" : who.getName()) + " ("
                            + ctx.get(DtlsEndpointContext.KEY_CIPHER) + ")");
                }
            });
            server.start();
        }

        @AfterEach
        void stop() {
            if (server != null) {
                server.destroy();
            }
        }

        private InetSocketAddress scandium() {
            return connector.getAddress();
        }

        /** GETs /hello and /whoami through {@code to}; returns the session Tern's client established. */
        private DtlsSession getBoth(DtlsLayer layer, InetSocketAddress to, String expectedName) {
            try (CoapClient client = CoapClient.builder().security(layer).build()) {
                String base = "coaps://127.0.0.1:" + to.getPort();
                Response hello = client.call(Request.get(base + "/hello").timeout(Duration.ofMillis(TIMEOUT_MS)).build());
                assertThat(hello.code()).isEqualTo(Code.CONTENT);
                assertThat(hello.payloadString()).isEqualTo("Hello from Californium");
                DtlsSession s = layer.session(to).orElseThrow();
                Response who = client.call(Request.get(base + "/whoami").timeout(Duration.ofMillis(TIMEOUT_MS)).build());
                assertThat(who.payloadString()).isEqualTo(expectedName + " (" + s.cipherSuite() + ")");
                return s;
            }
        }

        @Test
        void preSharedKey() {
            startScandium(psk(DtlsConnectorConfig.builder(configuration(
                    org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole.SERVER_ONLY, null)), true));
            DtlsLayer layer = Dtls.client(DtlsConfig.client().psk(IDENTITY, KEY).build());
            DtlsSession s = getBoth(layer, scandium(), IDENTITY);
            assertThat(s.cipherSuite()).isIn(LibcoapDtlsInteropTest.TERN_PSK_SUITES);
            assertThat(s.peerIdentity().kind()).isEqualTo(PeerIdentity.Kind.PRE_SHARED_KEY);
            report("Tern -> Scandium server, PSK", s.cipherSuite());
        }

        @Test
        void rawPublicKey() {
            KeyPair ternKeys = InteropPki.ecKeyPair();
            KeyPair scandiumKeys = InteropPki.ecKeyPair();
            startScandium(rpk(DtlsConnectorConfig.builder(configuration(
                    org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole.SERVER_ONLY, null)),
                    scandiumKeys, ternKeys));
            DtlsLayer layer = Dtls.client(DtlsConfig.client().rawPublicKey(ternKeys)
                    .trustedKeys(List.of(scandiumKeys.getPublic())).build());
            DtlsSession s = getBoth(layer, scandium(), PeerIdentity.niName(ternKeys.getPublic()));
            assertThat(s.cipherSuite()).isIn(LibcoapDtlsInteropTest.TERN_ECDSA_SUITES);
            assertThat(s.peerIdentity().name()).isEqualTo(PeerIdentity.niName(scandiumKeys.getPublic()));
            report("Tern -> Scandium server, RPK", s.cipherSuite());
        }

        /** Scandium issues 6-byte CIDs; Tern offers to use them and sends its records with it. */
        @Test
        void connectionIdSurvivesAddressChange() {
            startScandium(psk(DtlsConnectorConfig.builder(configuration(
                    org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole.SERVER_ONLY, 6)), true));
            DtlsLayer layer = Dtls.client(DtlsConfig.client().psk(IDENTITY, KEY).connectionId(true).build());
            try (RebindingRelay nat = new RebindingRelay(scandium());
                 CoapClient client = CoapClient.builder().security(layer).build()) {
                String base = "coaps://127.0.0.1:" + nat.address().getPort();
                assertThat(client.call(Request.get(base + "/hello").timeout(Duration.ofMillis(TIMEOUT_MS)).build())
                        .payloadString()).isEqualTo("Hello from Californium");
                DtlsSession s = layer.session(nat.address()).orElseThrow();
                assertThat(s.connectionId()).hasSize(12); // 6 bytes, in hex
                DTLSContext scandiumSide = connector.getDtlsContextByAddress(nat.upstreamAddress());
                assertThat(hex(scandiumSide.getReadConnectionId())).isEqualTo(s.connectionId());

                nat.rebind();
                Response who = client.call(Request.get(base + "/whoami").timeout(Duration.ofMillis(TIMEOUT_MS)).build());
                assertThat(who.payloadString()).startsWith(IDENTITY + " (");
                assertThat(connector.getDtlsContextByAddress(nat.upstreamAddress()))
                        .as("Scandium moved the session to the new address").isSameAs(scandiumSide);
                assertThat(layer.statistics().handshakesCompleted()).as("no second handshake").isEqualTo(1);
                report("Tern -> Scandium server, PSK + CID " + s.connectionId() + " across a rebinding",
                        s.cipherSuite());
            }
        }
    }
}
