package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapServer;
import dev.tern.coap.tcp.TcpTransports;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code tern get} and {@code tern ping} over coap+tcp (RFC 8323); {@code -v} shows CSM and signaling. */
@Timeout(60)
class TcpCliTest {
    private CoapServer server;
    private String base;

    @BeforeEach
    void start() {
        server = CoapServer.builder().port(0).bind("127.0.0.1").service(DemoResources.router())
                .listener(TcpTransports.builder().port(0).bind(InetAddress.getLoopbackAddress()).buildServer())
                .build().start();
        base = "coap+tcp://127.0.0.1:" + server.localAddress("coap+tcp").getPort();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String[] run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Io io = new Io(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                new ByteArrayInputStream(new byte[0]), false);
        int code = Main.execute(io, args);
        return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8),
            err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void getOverTcpShowsCsmFirst() {
        String[] r = run("get", "-v", base + "/hello");
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("Hello World!");
        assertThat(r[2]).contains("> 127.0.0.1:" + server.localAddress("coap+tcp").getPort() + " 7.01 CSM");
        assertThat(r[2].indexOf("7.01 CSM")).isLessThan(r[2].indexOf("GET"));
        assertThat(r[2]).contains("< ").contains("2.05 Content");
    }

    @Test
    void pingSendsPingAndGetsPong() {
        String[] r = run("ping", "-v", base);
        assertThat(r[0]).isEqualTo("0");
        assertThat(r[1]).contains("pong from 127.0.0.1");
        assertThat(r[2]).contains("7.02 Ping").contains("7.03 Pong");
    }
}
