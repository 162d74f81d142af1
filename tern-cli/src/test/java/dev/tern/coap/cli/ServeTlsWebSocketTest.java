package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tern serve --tls --ws --wss} with the X.509 flags of {@code --dtls}, and {@code tern get}
 * over {@code coaps+tcp://}, {@code coap+ws://} and {@code coaps+ws://} (RFC 8323), end to end.
 */
@Timeout(120)
class ServeTlsWebSocketTest {
    @TempDir
    Path dir;

    @Test
    void getOverTlsAndWebSockets() {
        PemFiles pem = new PemFiles(dir);
        PemFiles.Issuer ca = pem.ca("ca");
        PemFiles.Leaf server = pem.leaf("server", ca, "server", "localhost", "127.0.0.1");
        PemFiles.Leaf client = pem.leaf("client", ca, "device-7");
        try (Serving s = new Serving("-c", server.cert().toString(), "-j", server.key().toString(),
                "-C", ca.cert().toString(), "--client-auth", "wanted", "--tls", "--tls-port", "0", "--ws",
                "--ws-port", "0", "--wss", "--wss-port", "0")) {
            assertThat(s.output.err()).contains("tern: serving coaps+tcp://127.0.0.1:" + s.port("coaps+tcp") + "/")
                    .contains("tern: serving coap+ws://127.0.0.1:" + s.port("coap+ws") + "/.well-known/coap")
                    .contains("tern: serving coaps+ws://127.0.0.1:" + s.port("coaps+ws") + "/.well-known/coap");

            Captured ws = new Captured(false);
            assertThat(ws.run("get", "coap+ws://127.0.0.1:" + s.port("coap+ws") + "/hello")).as(ws.err()).isZero();
            assertThat(ws.out()).startsWith("Hello World!");

            Captured ping = new Captured(false);
            assertThat(ping.run("ping", "coap+ws://127.0.0.1:" + s.port("coap+ws"))).as(ping.err()).isZero();
            assertThat(ping.out()).startsWith("pong from 127.0.0.1:" + s.port("coap+ws"));

            Captured observe = new Captured(false);
            assertThat(observe.run("observe", "--count", "2", "-d", "20s", "coaps+tcp://localhost:"
                    + s.port("coaps+tcp") + "/time", "-C", ca.cert().toString())).as(observe.err()).isZero();
            assertThat(observe.out().lines()).hasSize(2);

            Captured tls = new Captured(false);
            assertThat(tls.run("get", "coaps+tcp://localhost:" + s.port("coaps+tcp") + "/whoami", "-C",
                    ca.cert().toString(), "-c", client.cert().toString(), "-j", client.key().toString()))
                    .as(tls.err()).isZero();
            assertThat(tls.out()).startsWith("X509 CN=device-7");

            Captured wss = new Captured(false);
            assertThat(wss.run("get", "coaps+ws://127.0.0.1:" + s.port("coaps+ws") + "/hello", "-C",
                    ca.cert().toString())).as(wss.err()).isZero();
            assertThat(wss.out()).startsWith("Hello World!");

            Captured untrusted = new Captured(false);
            assertThat(untrusted.run("get", "coaps+tcp://localhost:" + s.port("coaps+tcp") + "/hello", "-C",
                    pem.ca("other").cert().toString())).isEqualTo(ExitCodes.ERROR);

            Captured rpk = new Captured(false);
            assertThat(rpk.run("get", "coaps+tcp://localhost:" + s.port("coaps+tcp") + "/hello", "--trusted-key",
                    server.cert().toString())).isEqualTo(ExitCodes.ERROR);
            assertThat(rpk.err()).contains("certificate");
        }
    }

    @Test
    void getOverTlsWithAPreSharedKey() {
        try (Serving s = new Serving("-u", "dev1", "-k", "secret", "--tls", "--tls-port", "0")) {
            Captured c = new Captured(false);
            assertThat(c.run("get", "coaps+tcp://127.0.0.1:" + s.port("coaps+tcp") + "/whoami", "-u", "dev1", "-k",
                    "secret")).as(c.err()).isZero();
            assertThat(c.out()).startsWith("PRE_SHARED_KEY dev1").doesNotContain("secret");
            Captured wrong = new Captured(false);
            assertThat(wrong.run("get", "coaps+tcp://127.0.0.1:" + s.port("coaps+tcp") + "/whoami", "-u", "dev1", "-k",
                    "wrong")).isEqualTo(ExitCodes.ERROR);
        }
    }

    @Test
    void getOverTlsAndSecureWebSocketsWithRawPublicKeys() {
        PemFiles pem = new PemFiles(dir);
        PemFiles.Issuer ca = pem.ca("ca");
        PemFiles.Leaf server = pem.leaf("server", ca, "server");
        PemFiles.Leaf client = pem.leaf("client", ca, "client");
        PemFiles.Leaf stranger = pem.leaf("stranger", ca, "stranger");
        try (Serving s = new Serving("--rpk", "-j", server.key().toString(), "--trusted-key", client.key().toString(),
                "--tls", "--tls-port", "0", "--wss", "--wss-port", "0")) {
            for (String uri : new String[] {"coaps+tcp://127.0.0.1:" + s.port("coaps+tcp") + "/whoami",
                "coaps+ws://127.0.0.1:" + s.port("coaps+ws") + "/whoami"}) {
                Captured c = new Captured(false);
                assertThat(c.run("get", uri, "--rpk", "-j", client.key().toString(), "--trusted-key",
                        server.key().toString())).as(c.err()).isZero();
                assertThat(c.out()).as(uri).startsWith("RAW_PUBLIC_KEY ni:///sha-256;");
            }
            Captured unknownClient = new Captured(false);
            assertThat(unknownClient.run("get", "coaps+tcp://127.0.0.1:" + s.port("coaps+tcp") + "/whoami", "--rpk",
                    "-j", stranger.key().toString(), "--trusted-key", server.key().toString()))
                    .isEqualTo(ExitCodes.ERROR);
            Captured unknownServer = new Captured(false);
            assertThat(unknownServer.run("get", "coaps+tcp://127.0.0.1:" + s.port("coaps+tcp") + "/whoami", "--rpk",
                    "-j", client.key().toString(), "--trusted-key", stranger.key().toString()))
                    .isEqualTo(ExitCodes.ERROR);
            assertThat(unknownServer.err()).contains("is not trusted");
        }
    }

    @Test
    void tlsWithoutCredentialsIsAUsageError() {
        Captured c = new Captured(false);
        assertThat(c.run("serve", "--port", "0", "--tls")).isEqualTo(ExitCodes.USAGE);
    }
}
