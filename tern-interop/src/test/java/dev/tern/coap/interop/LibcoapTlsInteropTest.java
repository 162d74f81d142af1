package dev.tern.coap.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapClient;
import dev.tern.coap.CoapServer;
import dev.tern.coap.Code;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import dev.tern.coap.tcp.TlsConfig;
import dev.tern.coap.tcp.TlsTransports;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CoAP over TLS ({@code coaps+tcp}, RFC 8323 §9.1) with X.509, pre-shared keys and (GnuTLS only:
 * libcoap's {@code -M} is GnuTLS/TinyDTLS only) raw public keys (RFC 7250), the latter two through
 * BouncyCastle, against libcoap 4.3.1, OpenSSL and GnuTLS builds, both directions: its client against a Tern
 * {@code coaps+tcp} listener (the handler sees the client's certificate), Tern's client against
 * its server (TLS on its port + 1).
 */
@Timeout(120)
class LibcoapTlsInteropTest {
    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(30);
    private static final String CLIENT_CN = "libcoap-client";
    @TempDir
    static Path dir;
    private static InteropPki pki;
    private static final String IDENTITY = "libcoap";
    private static final String KEY = "interop-secret";
    private static CoapServer server;
    private static CoapServer pskServer;
    private static CoapServer rpkServer;

    @BeforeAll
    static void start() {
        Peers.requirePeer(Peers.onPath("coap-client-openssl").isPresent() && Peers.onPath("coap-client-gnutls").isPresent()
                && Peers.onPath("coap-server-openssl").isPresent() && Peers.onPath("coap-server-gnutls").isPresent(),
                "libcoap 4.3.1 with OpenSSL and GnuTLS (coap-client-openssl, ...) not on the PATH");
        pki = new InteropPki(dir, CLIENT_CN);
        Router router = Router.builder()
                .get("/hello", req -> Response.content("Hello World!"))
                .get("/whoami", req -> Response.content(req.peerIdentity().map(id -> id.kind() + " " + id.name())
                        .orElse("anonymous")))
                .get("/suite", req -> Response.content(req.peerIdentity().map(id -> id.cipherSuite()).orElse("")))
                .build();
        TlsConfig config = TlsConfig.builder().identity(pki.serverKeys.getPrivate(), pki.serverChain())
                .trust(List.of(pki.ca)).build();
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .listener(TlsTransports.builder().config(config).bind(InetAddress.getLoopbackAddress()).port(0)
                        .buildServer())
                .build().start();
        TlsConfig psk = TlsConfig.builder().pskStore(id -> IDENTITY.equals(id)
                ? KEY.getBytes(StandardCharsets.UTF_8) : null).build();
        pskServer = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .listener(TlsTransports.builder().config(psk).bind(InetAddress.getLoopbackAddress()).port(0)
                        .buildServer())
                .build().start();
        TlsConfig rpk = TlsConfig.builder().rawPublicKey(pki.serverRpk).trustedKeys(List.of(pki.clientRpk.getPublic()))
                .requireClientCertificate(true).build();
        rpkServer = CoapServer.builder().port(0).bind("127.0.0.1").service(router)
                .listener(TlsTransports.builder().config(rpk).bind(InetAddress.getLoopbackAddress()).port(0)
                        .buildServer())
                .build().start();
    }

    @AfterAll
    static void stop() {
        for (CoapServer s : new CoapServer[] {server, pskServer, rpkServer}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @ParameterizedTest(name = "coap-client-{0}")
    @ValueSource(strings = {"openssl", "gnutls"})
    void libcoapClientWithPreSharedKeyToTern(String tls) {
        String uri = "coaps+tcp://127.0.0.1:" + pskServer.localAddress("coaps+tcp").getPort() + "/whoami";
        Peers.Result r = Peers.run(PROCESS_TIMEOUT, List.of("coap-client-" + tls, "-B", "5", "-u", IDENTITY,
                "-k", KEY, uri));
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out().strip()).as("%s", r).isEqualTo("PRE_SHARED_KEY " + IDENTITY);
        Peers.Result suite = Peers.run(PROCESS_TIMEOUT, List.of("coap-client-" + tls, "-B", "5", "-u", IDENTITY,
                "-k", KEY, uri.replace("/whoami", "/suite")));
        assertThat(suite.out().strip()).as("%s", suite).isEqualTo(LIBCOAP_PSK_SUITE);
        Peers.Result wrong = Peers.run(PROCESS_TIMEOUT, List.of("coap-client-" + tls, "-B", "3", "-u", IDENTITY,
                "-k", "not-the-key", uri));
        assertThat(wrong.out()).as("%s", wrong).doesNotContain("PRE_SHARED_KEY");
    }

    @ParameterizedTest(name = "coap-server-{0}")
    @ValueSource(strings = {"openssl", "gnutls"})
    void ternClientWithPreSharedKeyToLibcoap(String tls) {
        int port = Peers.freeUdpPortPair();
        TlsConfig config = TlsConfig.builder().psk(IDENTITY, KEY.getBytes(StandardCharsets.UTF_8)).build();
        try (Peers.Daemon libcoap = Peers.Daemon.start(null, List.of("coap-server-" + tls, "-A", "127.0.0.1", "-p",
                Integer.toString(port), "-k", KEY, "-h", "hint"));
             CoapClient client = CoapClient.builder()
                     .transport(TlsTransports.builder().config(config).buildClient()).build()) {
            String uri = "coaps+tcp://127.0.0.1:" + (port + 1) + "/";
            Response index = Awaitility.await("coap-server-" + tls + " on " + uri).atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                    .failFast("coap-server-" + tls + " exited", () -> !libcoap.isAlive())
                    .until(() -> client.get(uri, Duration.ofSeconds(3)), Response::isSuccess);
            assertThat(index.payloadString()).as("%s", libcoap).contains("libcoap");
        }
    }

    /** The suite both libcoap 4.3.1 clients end up on with Tern's server: with a PSK they negotiate TLS 1.2 (Tern offers 1.3 too). */
    private static final String LIBCOAP_PSK_SUITE = "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256";

    @org.junit.jupiter.api.Test
    void libcoapGnutlsClientWithRawPublicKeyToTern() {
        String base = "coaps+tcp://127.0.0.1:" + rpkServer.localAddress("coaps+tcp").getPort();
        Peers.Result r = Peers.run(PROCESS_TIMEOUT, List.of("coap-client-gnutls", "-B", "5", "-M",
                pki.file("client-rpk.pem"), base + "/whoami"));
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out().strip()).as("%s", r)
                .isEqualTo("RAW_PUBLIC_KEY " + dev.tern.coap.PeerIdentity.niName(pki.clientRpk.getPublic()));
        Peers.Result stranger = Peers.run(PROCESS_TIMEOUT, List.of("coap-client-gnutls", "-B", "3", "-M",
                pki.file("server-rpk.pem"), base + "/whoami"));
        assertThat(stranger.out()).as("%s", stranger).doesNotContain("RAW_PUBLIC_KEY");
    }

    @org.junit.jupiter.api.Test
    void ternClientWithRawPublicKeyToLibcoapGnutls() {
        int port = Peers.freeUdpPortPair();
        TlsConfig config = TlsConfig.builder().rawPublicKey(pki.clientRpk)
                .trustedKeys(List.of(pki.serverRpk.getPublic())).build();
        try (Peers.Daemon libcoap = Peers.Daemon.start(null, List.of("coap-server-gnutls", "-A", "127.0.0.1", "-p",
                Integer.toString(port), "-M", pki.file("server-rpk.pem")));
             CoapClient client = CoapClient.builder()
                     .transport(TlsTransports.builder().config(config).buildClient()).build()) {
            String uri = "coaps+tcp://127.0.0.1:" + (port + 1) + "/";
            Response index = Awaitility.await("coap-server-gnutls on " + uri).atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                    .failFast("coap-server-gnutls exited", () -> !libcoap.isAlive())
                    .until(() -> client.get(uri, Duration.ofSeconds(3)), Response::isSuccess);
            assertThat(index.payloadString()).as("%s", libcoap).contains("libcoap");
        }
    }

    @ParameterizedTest(name = "coap-client-{0}")
    @ValueSource(strings = {"openssl", "gnutls"})
    void libcoapClientWithCertificateToTern(String tls) {
        String base = "coaps+tcp://127.0.0.1:" + server.localAddress("coaps+tcp").getPort();
        List<String> command = new ArrayList<>(List.of("coap-client-" + tls, "-B", "5", "-c", pki.file("client.pem"),
                "-j", pki.file("client.key"), "-C", pki.file("ca.pem")));
        command.add(base + "/whoami");
        Peers.Result r = Peers.run(PROCESS_TIMEOUT, command);
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out().strip()).as("%s", r).startsWith("X509 CN=" + CLIENT_CN);
    }

    @ParameterizedTest(name = "coap-server-{0}")
    @ValueSource(strings = {"openssl", "gnutls"})
    void ternClientWithCertificateToLibcoap(String tls) {
        int port = Peers.freeUdpPortPair();
        TlsConfig config = TlsConfig.builder().identity(pki.clientKeys.getPrivate(), pki.clientChain())
                .trust(List.of(pki.ca)).build();
        try (Peers.Daemon libcoap = Peers.Daemon.start(null, List.of("coap-server-" + tls, "-A", "127.0.0.1", "-p",
                Integer.toString(port), "-c", pki.file("server.pem"), "-j", pki.file("server.key"),
                "-C", pki.file("ca.pem")));
             CoapClient client = CoapClient.builder()
                     .transport(TlsTransports.builder().config(config).buildClient()).build()) {
            String uri = "coaps+tcp://127.0.0.1:" + (port + 1) + "/";
            Response index = Awaitility.await("coap-server-" + tls + " on " + uri).atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                    .failFast("coap-server-" + tls + " exited", () -> !libcoap.isAlive())
                    .until(() -> client.get(uri, Duration.ofSeconds(3)), Response::isSuccess);
            assertThat(index.code()).isEqualTo(Code.CONTENT);
            assertThat(index.payloadString()).as("%s", libcoap).contains("libcoap");
        }
    }
}
