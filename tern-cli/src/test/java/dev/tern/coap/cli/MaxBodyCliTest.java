package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.Bytes;
import dev.tern.coap.CoapBlockwiseException;
import dev.tern.coap.CoapServer;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Response;
import dev.tern.coap.Router;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.TypeConversionException;

/** Downloads above the server's 64 KiB default, {@code --max-body}, and the message at the limit (issue 16). */
class MaxBodyCliTest {
    private static final byte[] FIRMWARE = new byte[200 * 1024];
    private static CoapServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        for (int i = 0; i < FIRMWARE.length; i++) {
            FIRMWARE[i] = (byte) (i * 13 + (i >>> 10));
        }
        server = CoapServer.builder().port(0).bind("127.0.0.1")
                .service(Router.builder().get("/fw.bin", r -> Response.content(Bytes.wrap(FIRMWARE),
                        ContentFormat.OCTET_STREAM)).build())
                .build().start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String uri() {
        return "coap://127.0.0.1:" + server.port() + "/fw.bin";
    }

    @Test
    void getOfA200KiBFirmwareToAFileWithAProgressBar() throws Exception {
        Captured c = new Captured(true);
        Path out = dir.resolve("fw.bin");
        assertThat(c.run("get", "-o", out.toString(), uri())).as(c.err()).isZero();
        assertThat(Files.readAllBytes(out)).isEqualTo(FIRMWARE);
        assertThat(c.err()).contains("[###").contains("100% 200.0 KiB / 200.0 KiB").endsWith("\r");
    }

    @Test
    void aSmallerMaxBodyFailsNamingTheSettingAndTheFlag() {
        Captured c = new Captured(false);
        assertThat(c.run("get", "--max-body", "64k", "-o", dir.resolve("x.bin").toString(), uri()))
                .isEqualTo(ExitCodes.ERROR);
        assertThat(c.err()).startsWith("tern: the response body exceeds the client's maxBodySize (65536 bytes)")
                .contains("EndpointConfig.maxBodySize").contains("tern get --max-body SIZE")
                .doesNotContain("CoapBlockwiseException").doesNotContain("Exception");
        assertThat(Files.exists(dir.resolve("x.bin"))).isFalse();
        Captured enough = new Captured(false);
        assertThat(enough.run("get", "--max-body", "200k", uri())).isZero();
    }

    @Test
    void sizeForms() {
        SizeConverter s = new SizeConverter();
        assertThat(s.convert("1024")).isEqualTo(1024);
        assertThat(s.convert("200k")).isEqualTo(200 * 1024);
        assertThat(s.convert("200K")).isEqualTo(200 * 1024);
        assertThat(s.convert("16M")).isEqualTo(16 * 1024 * 1024);
        assertThat(s.convert("16MiB")).isEqualTo(16 * 1024 * 1024);
        assertThat(s.convert("1g")).isEqualTo(1024 * 1024 * 1024);
        for (String bad : new String[] {"0", "-1", "x", "12q", "2g", "", "k"}) {
            assertThatThrownBy(() -> s.convert(bad)).as(bad).isInstanceOf(TypeConversionException.class);
        }
    }

    @Test
    void aBlockwiseFailurePrintsItsMessageNotAClassName() {
        Captured c = new Captured(false);
        int status = Failures.report(new CompletionException(new CoapBlockwiseException("the response body exceeds x")),
                uri(), Duration.ofSeconds(1), c.io.err(), false);
        assertThat(status).isEqualTo(ExitCodes.ERROR);
        assertThat(c.err()).isEqualTo("tern: the response body exceeds x" + System.lineSeparator());
    }
}
