package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tern serve --proxy} with coap+tcp, coaps+tcp and coap+ws upstreams (RFC 8323 schemes
 * behind RFC 7252 §5.7.2 scheme translation), reached with {@code tern get -P} over coap and
 * coap+tcp ({@code --tcp}), end to end.
 */
@Timeout(120)
class ServeProxyReliableTest {
    @TempDir
    Path dir;

    @Test
    void ternGetThroughTheProxyReachesReliableOrigins() {
        PemFiles pem = new PemFiles(dir);
        PemFiles.Issuer ca = pem.ca("ca");
        PemFiles.Leaf server = pem.leaf("server", ca, "server", "localhost", "127.0.0.1");
        try (Serving origin = new Serving("-c", server.cert().toString(), "-j", server.key().toString(),
                "--tcp", "--tcp-port", "0", "--tls", "--tls-port", "0", "--ws", "--ws-port", "0");
             Serving proxy = new Serving("-u", "p", "-k", "secret", "--proxy", "--proxy-allow", "127.0.0.1",
                     "--proxy-cacert", ca.cert().toString(), "--tcp", "--tcp-port", "0",
                     "--reverse", "/ws=coap+ws://127.0.0.1:" + origin.port("coap+ws"))) {
            String via = "coap://127.0.0.1:" + proxy.port();
            Captured tcp = new Captured(false);
            assertThat(tcp.run("get", "-B", "10", "-P", via, "coap+tcp://127.0.0.1:" + origin.port("coap+tcp") + "/hello"))
                    .as(tcp.err()).isZero();
            assertThat(tcp.out()).startsWith("Hello World!");

            Captured tls = new Captured(false);
            assertThat(tls.run("get", "-B", "10", "-P", via, "coaps+tcp://127.0.0.1:" + origin.port("coaps+tcp")
                    + "/hello")).as(tls.err()).isZero();
            assertThat(tls.out()).startsWith("Hello World!");

            Captured overTcp = new Captured(false); // the proxy itself reached over coap+tcp
            assertThat(overTcp.run("get", "-B", "10", "-P", "coap+tcp://127.0.0.1:" + proxy.port("coap+tcp"),
                    "coap://127.0.0.1:" + origin.port() + "/hello")).as(overTcp.err()).isZero();
            assertThat(overTcp.out()).startsWith("Hello World!");

            Captured ws = new Captured(false);
            assertThat(ws.run("get", "-B", "10", via + "/ws/hello")).as(ws.err()).isZero();
            assertThat(ws.out()).startsWith("Hello World!");
        }
    }

    @Test
    void withoutTrustedCasTheSecureReliableSchemesAre505() {
        try (Serving proxy = new Serving("-u", "p", "-k", "secret", "--proxy", "--proxy-allow", "127.0.0.1")) {
            Captured c = new Captured(false);
            assertThat(c.run("get", "-B", "10", "-P", "coap://127.0.0.1:" + proxy.port(),
                    "coaps+tcp://127.0.0.1:1/hello")).isEqualTo(ExitCodes.SERVER_ERROR);
            assertThat(c.err()).contains("5.05");
        }
        Captured usage = new Captured(false);
        assertThat(usage.run("serve", "--port", "0", "--reverse", "/d=coaps+ws://127.0.0.1")).isEqualTo(ExitCodes.USAGE);
        assertThat(usage.err()).contains("--proxy-cacert");
        Captured alone = new Captured(false);
        assertThat(alone.run("serve", "--port", "0", "--proxy-cacert", "x.pem")).isEqualTo(ExitCodes.USAGE);
    }
}
