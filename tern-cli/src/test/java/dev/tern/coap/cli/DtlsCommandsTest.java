package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.PeerIdentity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tern serve --dtls} and the client commands over coaps:// on loopback, end to end: the
 * scenario of the CLI reference (PSK), hex and file keys, {@code -v}, X.509 and raw public keys
 * from PEM files, {@code -n}, and the failures (wrong key, untrusted certificate) with their exit
 * statuses.
 */
class DtlsCommandsTest {
    /** A PSK server shared by the PSK tests: dev1/secret, and dev2/dev3 from a PSK file. */
    private static Serving psk;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startPskServer() throws Exception {
        Path pskFile = Files.writeString(dir.resolve("keys.psk"),
                "# identity:key\ndev2:0x00112233445566778899aabbccddeeff\n\ndev3:hex:c0ffee\n");
        psk = new Serving("--psk-identity", "dev1", "--psk-key", "secret", "--psk-file", pskFile.toString());
    }

    @AfterAll
    static void stopPskServer() {
        if (psk != null) {
            psk.close();
        }
    }

    private static String[] with(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void serveSaysWhatItServesButNeverTheKey() {
        String err = psk.output.err();
        assertThat(err).contains("tern: serving coap://127.0.0.1:" + psk.port() + "/ (hello, time, echo, counter, whoami)")
                .contains("tern: serving coaps://127.0.0.1:" + psk.securePort()
                        + "/ (PSK identities dev1, dev2, dev3)")
                .doesNotContain("secret").doesNotContain("c0ffee").doesNotContain("00112233");
    }

    @Test
    void getWithThePreSharedKey() {
        Captured c = new Captured(false);
        assertThat(c.run("get", psk.coaps("localhost", "/hello"), "-u", "dev1", "-k", "secret")).isZero();
        assertThat(c.out()).isEqualTo("Hello World!");
        assertThat(c.err()).isEqualTo("tern: note: a key given as -k KEY is visible to other users (ps, /proc);"
                + " use -k @FILE or -k env:VAR\n");
    }

    @Test
    void wrongKeyFailsWithExit1AndSaysWhyWithinSeconds() {
        Captured c = new Captured(false);
        long start = System.nanoTime();
        assertThat(c.run("get", psk.coaps("localhost", "/hello"), "-u", "dev1", "-k", "wrong")).isEqualTo(ExitCodes.ERROR);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(c.out()).isEmpty();
        assertThat(c.err()).contains("\ntern: DTLS handshake with localhost:" + psk.securePort() + " failed: ")
                .contains("decrypt_error").contains("wrong pre-shared key or identity?");
    }

    @Test
    void unknownIdentityFailsWithExit1() {
        Captured c = new Captured(false);
        assertThat(c.run("get", "-B", "5", psk.coaps("127.0.0.1", "/hello"), "-u", "nobody", "-k", "secret"))
                .isEqualTo(ExitCodes.ERROR);
        assertThat(c.err()).contains("\ntern: DTLS handshake with 127.0.0.1:" + psk.securePort() + " failed: ");
    }

    @Test
    void hexAndFileKeys() throws Exception {
        Captured hex = new Captured(false);
        assertThat(hex.run("get", psk.coaps("127.0.0.1", "/whoami"), "-u", "dev2", "-k",
                "0x00112233445566778899AABBCCDDEEFF")).isZero();
        assertThat(hex.out()).isEqualTo("PRE_SHARED_KEY dev2 (TLS_PSK_WITH_AES_128_CCM_8)");

        Captured prefixed = new Captured(false);
        assertThat(prefixed.run("get", psk.coaps("127.0.0.1", "/whoami"), "--psk-identity", "dev3", "--psk-key",
                "hex:C0FFEE")).isZero();
        assertThat(prefixed.out()).startsWith("PRE_SHARED_KEY dev3 ");

        Path text = Files.writeString(dir.resolve("dev1.key"), "secret\n");
        Captured fromFile = new Captured(false);
        assertThat(fromFile.run("get", psk.coaps("127.0.0.1", "/whoami"), "-u", "dev1", "-k", "@" + text)).isZero();
        assertThat(fromFile.out()).startsWith("PRE_SHARED_KEY dev1 ");

        Path hexFile = Files.writeString(dir.resolve("dev3.key"), "0xc0ffee\r\n");
        Captured hexFromFile = new Captured(false);
        assertThat(hexFromFile.run("get", psk.coaps("127.0.0.1", "/whoami"), "-u", "dev3", "-k", "@" + hexFile)).isZero();
        assertThat(hexFromFile.out()).startsWith("PRE_SHARED_KEY dev3 ");
    }

    @Test
    void verboseShowsTheSession() {
        Captured c = new Captured(false);
        assertThat(c.run("get", "-v", psk.coaps("127.0.0.1", "/hello"), "-u", "dev1", "-k", "secret")).isZero();
        assertThat(c.out()).isEqualTo("Hello World!");
        String err = c.err();
        assertThat(err).contains("DTLS: TLS_PSK_WITH_AES_128_CCM_8, full handshake, PSK identity dev1")
                .contains(" CON-GET").contains(" ACK-2.05").doesNotContain("CID");
        assertThat(err.indexOf("DTLS: ")).isLessThan(err.indexOf(" ACK-2.05"));
    }

    @Test
    void connectionIdWhenAsked() {
        Captured c = new Captured(false);
        assertThat(c.run("get", "-v", "--cid", psk.coaps("127.0.0.1", "/hello"), "-u", "dev1", "-k", "secret")).isZero();
        assertThat(c.err()).containsPattern("DTLS: TLS_PSK_WITH_AES_128_CCM_8, CID [0-9a-f]{12}, full handshake");
    }

    @Test
    void coapAndCoapsShareTheResources() {
        Captured post = new Captured(false);
        assertThat(post.run("post", "coap://127.0.0.1:" + psk.port() + "/echo", "shared")).isZero();
        Captured get = new Captured(false);
        assertThat(get.run("get", psk.coaps("127.0.0.1", "/echo"), "-u", "dev1", "-k", "secret")).isZero();
        assertThat(get.out()).isEqualTo("shared");
        Captured whoami = new Captured(false);
        assertThat(whoami.run("get", "coap://127.0.0.1:" + psk.port() + "/whoami")).isZero();
        assertThat(whoami.out()).isEqualTo("anonymous");
    }

    @Test
    void pingAndDiscoverOverCoaps() {
        Captured ping = new Captured(false);
        assertThat(ping.run("ping", "-B", "5", psk.coaps("127.0.0.1", ""), "-u", "dev1", "-k", "secret")).isZero();
        assertThat(ping.out()).startsWith("pong from 127.0.0.1:" + psk.securePort() + " in ");
        Captured discover = new Captured(false);
        assertThat(discover.run("discover", "-B", "5", psk.coaps("127.0.0.1", ""), "-u", "dev1", "-k", "secret")).isZero();
        assertThat(discover.out()).contains("</hello>").contains("</whoami>");
    }

    @Test
    void observeOverCoaps() throws Exception {
        try (Serving plugtest = new Serving("--plugtest", "-u", "dev1", "-k", "secret")) {
            Captured c = new Captured(false);
            assertThat(c.run("observe", "--count", "2", "-d", "15s", plugtest.coaps("127.0.0.1", "/obs"),
                    "-u", "dev1", "-k", "secret")).as(c.err()).isZero();
            assertThat(c.out().lines().toList()).hasSize(2).allMatch(v -> v.matches("\\d\\d:\\d\\d:\\d\\d"));
        }
    }

    @Test
    void x509BothWays() throws Exception {
        PemFiles pem = new PemFiles(dir);
        PemFiles.Issuer ca = pem.ca("x509-ca");
        PemFiles.Leaf server = pem.leaf("x509-server", ca, "server", "localhost", "127.0.0.1");
        PemFiles.Leaf client = pem.leaf("x509-client", ca, "device-42");
        String[] clientCreds = {"-c", client.cert().toString(), "-j", client.key().toString(), "-C", ca.cert().toString()};
        try (Serving s = new Serving("-c", server.cert().toString(), "-j", server.key().toString(),
                "-C", ca.cert().toString())) {
            assertThat(s.output.err()).contains("/ (X.509 CN=server; clients must present a trusted certificate or key)");
            Captured c = new Captured(false);
            assertThat(c.run(with(new String[] {"get", "-v", s.coaps("localhost", "/whoami")}, clientCreds))).isZero();
            assertThat(c.out()).startsWith("X509 CN=device-42 (TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8)");
            assertThat(c.err()).contains("DTLS: TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, full handshake, server certificate CN=server")
                    .doesNotContain("not verified");

            Captured anonymous = new Captured(false);
            assertThat(anonymous.run("get", "-B", "10", s.coaps("localhost", "/whoami"), "-C", ca.cert().toString()))
                    .as("no client certificate, but the server needs one").isEqualTo(ExitCodes.ERROR);
            assertThat(anonymous.err()).startsWith("tern: DTLS handshake with localhost:" + s.securePort() + " failed: ");

            PemFiles.Issuer otherCa = pem.ca("other-ca");
            Captured untrusted = new Captured(false);
            assertThat(untrusted.run("get", "-B", "10", s.coaps("localhost", "/whoami"), "-c", client.cert().toString(),
                    "-j", client.key().toString(), "-C", otherCa.cert().toString())).isEqualTo(ExitCodes.ERROR);
            assertThat(untrusted.err()).startsWith("tern: DTLS handshake with localhost:" + s.securePort() + " failed: ");

        }
    }

    @Test
    void x509ServerWithoutClientAuthentication() throws Exception {
        PemFiles pem = new PemFiles(dir);
        PemFiles.Issuer ca = pem.ca("plain-ca");
        PemFiles.Leaf server = pem.leaf("plain-server", ca, "server", "127.0.0.1");
        // the key in the certificate file, as libcoap accepts it: no -j
        Path both = Files.writeString(dir.resolve("plain-server-both.pem"),
                Files.readString(server.cert()) + Files.readString(server.key()));
        try (Serving s = new Serving("-c", both.toString())) {
            assertThat(s.output.err()).contains("/ (X.509 CN=server)");
            Captured c = new Captured(false);
            assertThat(c.run("get", s.coaps("127.0.0.1", "/whoami"), "--cacert", ca.cert().toString())).isZero();
            assertThat(c.out()).isEqualTo("anonymous");

            Captured wrongName = new Captured(false);
            assertThat(wrongName.run("get", s.coaps("localhost", "/whoami"), "--cacert", ca.cert().toString()))
                    .as("the certificate names 127.0.0.1 only").isEqualTo(ExitCodes.ERROR);
            assertThat(wrongName.err()).contains("is not valid for localhost");
        }
    }

    @Test
    void rawPublicKeysBothWays() throws Exception {
        PemFiles pem = new PemFiles(dir);
        PemFiles.RawKey server = pem.rawKey("rpk-server");
        PemFiles.RawKey client = pem.rawKey("rpk-client");
        try (Serving s = new Serving("--rpk", "-j", server.key().toString(), "--trusted-key", client.pub().toString())) {
            assertThat(s.output.err()).contains("/ (raw public key " + PeerIdentity.niName(server.keys().getPublic())
                    + "; clients must present a trusted certificate or key)");
            Captured c = new Captured(false);
            assertThat(c.run("get", "-v", s.coaps("127.0.0.1", "/whoami"), "--rpk", "-j", client.key().toString(),
                    "--trusted-key", server.pub().toString())).isZero();
            assertThat(c.out()).isEqualTo("RAW_PUBLIC_KEY " + PeerIdentity.niName(client.keys().getPublic())
                    + " (TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8)");
            assertThat(c.err()).contains("server raw public key " + PeerIdentity.niName(server.keys().getPublic()));

            Captured stranger = new Captured(false);
            PemFiles.RawKey other = pem.rawKey("rpk-other");
            assertThat(stranger.run("get", "-B", "10", s.coaps("127.0.0.1", "/whoami"), "--rpk", "-j",
                    other.key().toString(), "--trusted-key", server.key().toString()))
                    .as("a key the server does not trust").isEqualTo(ExitCodes.ERROR);
            assertThat(stranger.err()).startsWith("tern: DTLS handshake with 127.0.0.1:" + s.securePort() + " failed: ");
        }
    }

    @Test
    void insecureAcceptsASelfSignedServer() throws Exception {
        PemFiles pem = new PemFiles(dir);
        PemFiles.Leaf self = pem.leaf("self-signed", null, "self", "127.0.0.1");
        PemFiles.Issuer ca = pem.ca("unrelated-ca");
        try (Serving s = new Serving("-c", self.cert().toString(), "-j", self.key().toString())) {
            Captured c = new Captured(false);
            assertThat(c.run("get", "-v", s.coaps("127.0.0.1", "/hello"), "-n")).isZero();
            assertThat(c.out()).isEqualTo("Hello World!");
            assertThat(c.err()).contains("server certificate CN=self (not verified: -n)");

            Captured verified = new Captured(false);
            long start = System.nanoTime();
            assertThat(verified.run("get", s.coaps("127.0.0.1", "/hello"), "-C", ca.cert().toString()))
                    .isEqualTo(ExitCodes.ERROR);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(verified.err()).startsWith("tern: DTLS handshake with 127.0.0.1:" + s.securePort() + " failed: ");
        }
    }

    @Test
    void serverClientAuthWanted() throws Exception {
        PemFiles pem = new PemFiles(dir);
        PemFiles.Issuer ca = pem.ca("wanted-ca");
        PemFiles.Leaf server = pem.leaf("wanted-server", ca, "server", "127.0.0.1");
        try (Serving s = new Serving("-c", server.cert().toString(), "-j", server.key().toString(), "-C",
                ca.cert().toString(), "--client-auth", "wanted")) {
            assertThat(s.output.err()).contains("clients may present a certificate or key");
            Captured c = new Captured(false);
            assertThat(c.run("get", s.coaps("127.0.0.1", "/whoami"), "-C", ca.cert().toString())).isZero();
            assertThat(c.out()).isEqualTo("anonymous");
        }
    }
}
