package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.PeerIdentity;
import dev.tern.coap.Request;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.dtls.Dtls;
import dev.tern.coap.dtls.DtlsConfig;
import dev.tern.coap.dtls.DtlsLayer;
import dev.tern.coap.dtls.DtlsSession;
import dev.tern.coap.dtls.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * coaps:// between Tern ({@code tern-dtls}) and libcoap 4.3 built on OpenSSL 3 and on GnuTLS
 * ({@code coap-client-openssl}, {@code coap-client-gnutls}, {@code coap-server-openssl},
 * {@code coap-server-gnutls} from Debian's libcoap3-bin), both directions: pre-shared keys, X.509
 * certificates with mutual authentication, and raw public keys (RFC 7250; libcoap supports them
 * with GnuTLS only). Skipped when the binaries are missing unless {@code TERN_INTEROP_REQUIRED=1}.
 *
 * <p>Each test prints the cipher suite negotiated, for the interop table in the README.
 */
@Timeout(120)
class LibcoapDtlsInteropTest {
    /** Tern's PSK suites, in its order of preference. */
    static final Set<String> TERN_PSK_SUITES = Set.of("TLS_PSK_WITH_AES_128_CCM_8", "TLS_PSK_WITH_AES_128_CCM",
            "TLS_PSK_WITH_AES_128_GCM_SHA256", "TLS_PSK_WITH_AES_256_CCM_8", "TLS_PSK_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", "TLS_PSK_WITH_AES_128_CBC_SHA256");
    /** Tern's ECDHE_ECDSA suites (raw public keys and EC certificates). */
    static final Set<String> TERN_ECDSA_SUITES = Set.of("TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8",
            "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256");

    private static final List<String> BINARIES = List.of("coap-client-openssl", "coap-client-gnutls",
            "coap-server-openssl", "coap-server-gnutls");
    private static final String IDENTITY = "dev1";
    private static final String KEY = "secret";
    private static final String CLIENT_CN = "libcoap-client";
    /** Bound on each coap-client run (its own -B wait is shorter). */
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    private static InteropPki pki;

    @BeforeAll
    static void libcoapPresent() {
        List<String> missing = BINARIES.stream().filter(b -> Peers.onPath(b).isEmpty()).toList();
        Peers.requirePeer(missing.isEmpty(), String.join(", ", missing)
                + " (Debian package libcoap3-bin) not on the PATH");
        pki = new InteropPki(dir, CLIENT_CN);
    }

    static void report(String combination, String suite) {
        System.out.println("[tern-interop] DTLS " + combination + ": " + suite);
    }

    /** Handlers that answer /hello and tell who the DTLS layer said the client is. */
    static Router router() {
        return Router.builder()
                .get("/hello", r -> Response.content("Hello World!"))
                .get("/whoami", r -> Response.content(r.peerIdentity().map(PeerIdentity::toString)
                        .orElse("anonymous")))
                .build();
    }

    /** libcoap's clients (OpenSSL, GnuTLS) against Tern DTLS servers, one per kind of credentials. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class LibcoapClientsAgainstTern {
        private CoapServer psk;
        private CoapServer x509;
        private CoapServer rpk;
        private DtlsLayer pskLayer;

        @BeforeAll
        void startServers() throws IOException {
            pskLayer = Dtls.server(DtlsConfig.server().pskStore(IDENTITY, KEY.getBytes(StandardCharsets.UTF_8))
                    .build());
            psk = start(pskLayer);
            // the server's credentials read back from the PEM files libcoap gets too
            x509 = start(Dtls.server(DtlsConfig.server()
                    .certificate(Pem.keyPair(dir.resolve("server.key")).getPrivate(),
                            Pem.certificates(dir.resolve("server.pem")))
                    .trustedCertificates(Pem.certificates(dir.resolve("ca.pem")))
                    .build()));
            rpk = start(Dtls.server(DtlsConfig.server().rawPublicKey(Pem.keyPair(dir.resolve("server-rpk.pem")))
                    .trustedKeys(Pem.publicKeys(dir.resolve("client-rpk.pem")))
                    .build()));
        }

        private CoapServer start(DtlsLayer layer) {
            return CoapServer.builder().port(0).bind("127.0.0.1").security(layer).service(router()).build().start();
        }

        @AfterAll
        void stopServers() {
            for (CoapServer s : new CoapServer[] {psk, x509, rpk}) {
                if (s != null) {
                    s.close();
                }
            }
        }

        private String uri(CoapServer server, String path) {
            return "coaps://127.0.0.1:" + server.port() + path;
        }

        @ParameterizedTest(name = "coap-client-{0}")
        @ValueSource(strings = {"openssl", "gnutls"})
        void preSharedKey(String tls) {
            long inPlace = pskLayer.statistics().fullInPlace();
            Peers.Result hello = coapClient(tls, "-u", IDENTITY, "-k", KEY, uri(psk, "/hello"));
            assertThat(hello.exitCode()).as("%s", hello).isZero();
            assertThat(hello.out().strip()).as("%s", hello).isEqualTo("Hello World!");

            Peers.Result who = coapClient(tls, "-u", IDENTITY, "-k", KEY, uri(psk, "/whoami"));
            assertThat(who.exitCode()).as("%s", who).isZero();
            String suite = identity(who, "PRE_SHARED_KEY " + IDENTITY);
            assertThat(suite).isIn(TERN_PSK_SUITES);
            // both take Tern's in-place PSK handshake (GnuTLS's hello with record_size_limit too)
            assertThat(pskLayer.statistics().fullInPlace() - inPlace).as("handshakes run on Tern's I/O thread")
                    .isEqualTo(2);
            report("coap-client-" + tls + " -> Tern, PSK", suite);
        }

        @ParameterizedTest(name = "coap-client-{0}")
        @ValueSource(strings = {"openssl", "gnutls"})
        void wrongPreSharedKeyIsRefused(String tls) {
            long failed = pskLayer.statistics().handshakesFailed();
            Peers.Result r = coapClient(tls, "-B", "3", "-u", IDENTITY, "-k", "not-the-key", uri(psk, "/hello"));
            assertThat(r.out()).as("%s", r).doesNotContain("Hello World!");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(pskLayer.statistics().handshakesFailed()).isGreaterThan(failed));
        }

        @ParameterizedTest(name = "coap-client-{0}")
        @ValueSource(strings = {"openssl", "gnutls"})
        void x509MutualAuthentication(String tls) {
            List<String> credentials = List.of("-c", pki.file("client.pem"), "-j", pki.file("client.key"),
                    "-C", pki.file("ca.pem"));
            Peers.Result hello = coapClient(tls, credentials, uri(x509, "/hello"));
            assertThat(hello.exitCode()).as("%s", hello).isZero();
            assertThat(hello.out().strip()).as("%s", hello).isEqualTo("Hello World!");

            Peers.Result who = coapClient(tls, credentials, uri(x509, "/whoami"));
            String suite = identity(who, "X509 CN=" + CLIENT_CN);
            assertThat(suite).isIn(TERN_ECDSA_SUITES);
            report("coap-client-" + tls + " -> Tern, X.509", suite);
        }

        /** libcoap supports raw public keys with GnuTLS only ({@code -h}: "no RPK support" with OpenSSL). */
        @Test
        void rawPublicKeyGnutls() {
            List<String> credentials = List.of("-M", pki.file("client-rpk.pem"));
            Peers.Result hello = coapClient("gnutls", credentials, uri(rpk, "/hello"));
            assertThat(hello.exitCode()).as("%s", hello).isZero();
            assertThat(hello.out().strip()).as("%s", hello).isEqualTo("Hello World!");

            Peers.Result who = coapClient("gnutls", credentials, uri(rpk, "/whoami"));
            String suite = identity(who, "RAW_PUBLIC_KEY " + PeerIdentity.niName(pki.clientRpk.getPublic()));
            assertThat(suite).isIn(TERN_ECDSA_SUITES);
            report("coap-client-gnutls -> Tern, RPK", suite);
        }

        /** Checks that /whoami answered {@code "<expected> (<suite>)"} and returns the suite. */
        private String identity(Peers.Result who, String expected) {
            assertThat(who.exitCode()).as("%s", who).isZero();
            String body = who.out().strip();
            assertThat(body).as("%s", who).startsWith(expected + " (").endsWith(")");
            return body.substring(expected.length() + 2, body.length() - 1);
        }
    }

    /** Tern's client against libcoap's example servers (OpenSSL, GnuTLS). */
    @Nested
    class TernAgainstLibcoapServers {
        private static final String BANNER = "This is a test server made with libcoap";

        /** GETs / over coaps and returns the session Tern's client layer established. */
        private DtlsSession getBanner(Peers.LibcoapServer server, DtlsConfig config) {
            DtlsLayer layer = Dtls.client(config);
            try (CoapClient client = CoapClient.builder().security(layer).build()) {
                Response r = client.call(Request.get("coaps://127.0.0.1:" + server.dtlsPort() + "/")
                        .timeout(REQUEST_TIMEOUT).build());
                assertThat(r.code()).as("%s", server.daemon()).isEqualTo(Code.CONTENT);
                assertThat(r.payloadString()).contains(BANNER);
                List<DtlsSession> sessions = layer.sessions();
                assertThat(sessions).hasSize(1);
                return sessions.get(0);
            }
        }

        @ParameterizedTest(name = "coap-server-{0}")
        @ValueSource(strings = {"openssl", "gnutls"})
        void preSharedKey(String tls) {
            try (Peers.LibcoapServer server = Peers.startLibcoapDtlsServer("coap-server-" + tls,
                    List.of("-k", KEY, "-h", "hint"))) {
                DtlsSession s = getBanner(server, DtlsConfig.client().psk(IDENTITY, KEY).build());
                assertThat(s.cipherSuite()).isIn(TERN_PSK_SUITES);
                assertThat(s.peerIdentity().kind()).isEqualTo(PeerIdentity.Kind.PRE_SHARED_KEY);
                report("Tern -> coap-server-" + tls + ", PSK", s.cipherSuite());
            }
        }

        /** A libcoap server answers a wrong PSK with silence; Tern's client says what that likely means. */
        @ParameterizedTest(name = "coap-server-{0}")
        @ValueSource(strings = {"openssl", "gnutls"})
        void wrongPreSharedKeyFailsWithAHint(String tls) {
            try (Peers.LibcoapServer server = Peers.startLibcoapDtlsServer("coap-server-" + tls,
                    List.of("-k", KEY, "-h", "hint"));
                 CoapClient client = CoapClient.builder().security(Dtls.client(DtlsConfig.client()
                         .psk(IDENTITY, "not-the-key").handshakeTimeout(Duration.ofSeconds(4)).build())).build()) {
                assertThatThrownBy(() -> client.call(Request.get("coaps://127.0.0.1:" + server.dtlsPort() + "/")
                        .timeout(REQUEST_TIMEOUT).build()))
                        .isInstanceOf(dev.tern.coap.CoapSecurityException.class)
                        .hasMessageContaining("pre-shared key");
            }
        }

        /** libcoap 4.3.1 has no RFC 9146: it ignores Tern's connection_id extension, and the session has no CID. */
        @ParameterizedTest(name = "coap-server-{0}")
        @ValueSource(strings = {"openssl", "gnutls"})
        void connectionIdOfferIsIgnored(String tls) {
            try (Peers.LibcoapServer server = Peers.startLibcoapDtlsServer("coap-server-" + tls,
                    List.of("-k", KEY, "-h", "hint"))) {
                DtlsSession s = getBanner(server, DtlsConfig.client().psk(IDENTITY, KEY).connectionId(true).build());
                assertThat(s.connectionId()).isEmpty();
                assertThat(s.cipherSuite()).isIn(TERN_PSK_SUITES);
            }
        }

        @ParameterizedTest(name = "coap-server-{0}")
        @ValueSource(strings = {"openssl", "gnutls"})
        void x509MutualAuthentication(String tls) {
            try (Peers.LibcoapServer server = Peers.startLibcoapDtlsServer("coap-server-" + tls,
                    List.of("-c", pki.file("server.pem"), "-j", pki.file("server.key"), "-C", pki.file("ca.pem")))) {
                DtlsSession s = getBanner(server, DtlsConfig.client()
                        .certificate(pki.clientKeys.getPrivate(), pki.clientChain())
                        .trustedCertificates(List.of(pki.ca)).build());
                assertThat(s.cipherSuite()).isIn(TERN_ECDSA_SUITES);
                assertThat(s.peerIdentity().kind()).isEqualTo(PeerIdentity.Kind.X509);
                assertThat(s.peerIdentity().name()).isEqualTo("CN=localhost");
                report("Tern -> coap-server-" + tls + ", X.509", s.cipherSuite());
            }
        }

        @Test
        void rawPublicKeyGnutls() {
            try (Peers.LibcoapServer server = Peers.startLibcoapDtlsServer("coap-server-gnutls",
                    List.of("-M", pki.file("server-rpk.pem")))) {
                DtlsSession s = getBanner(server, DtlsConfig.client().rawPublicKey(pki.clientRpk)
                        .trustedKeys(List.of(pki.serverRpk.getPublic())).build());
                assertThat(s.cipherSuite()).isIn(TERN_ECDSA_SUITES);
                assertThat(s.peerIdentity().kind()).isEqualTo(PeerIdentity.Kind.RAW_PUBLIC_KEY);
                assertThat(s.peerIdentity().name()).isEqualTo(PeerIdentity.niName(pki.serverRpk.getPublic()));
                report("Tern -> coap-server-gnutls, RPK", s.cipherSuite());
            }
        }
    }

    /** Runs coap-client-{@code tls} with a 5 s wait for the response, bounded by {@link #PROCESS_TIMEOUT}. */
    private static Peers.Result coapClient(String tls, String... args) {
        return coapClient(tls, List.of(), args);
    }

    private static Peers.Result coapClient(String tls, List<String> credentials, String... args) {
        List<String> command = new ArrayList<>(List.of("coap-client-" + tls, "-B", "5"));
        command.addAll(credentials);
        command.addAll(List.of(args));
        return Peers.run(PROCESS_TIMEOUT, command);
    }
}
