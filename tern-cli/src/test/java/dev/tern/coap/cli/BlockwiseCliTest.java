package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tern.coap.CoapServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/** {@code -b} and the progress bar of block-wise transfers (RFC 7959). */
class BlockwiseCliTest {
    private static CoapServer plugtest;

    @BeforeAll
    static void start() {
        plugtest = CoapServer.builder().port(0).bind("127.0.0.1").service(PlugtestResources.router()).build().start();
    }

    @AfterAll
    static void stop() {
        plugtest.close();
    }

    private static String uri(String path) {
        return "coap://127.0.0.1:" + plugtest.port() + path;
    }

    @Test
    void blockArgumentForms() {
        BlockArgument.Converter c = new BlockArgument.Converter();
        assertThat(c.convert("64")).isEqualTo(new BlockArgument(-1, 64));
        assertThat(c.convert("3,1024")).isEqualTo(new BlockArgument(3, 1024));
        assertThatThrownBy(() -> c.convert("100")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> c.convert("1,2,16")).isInstanceOf(TypeConversionException.class);
        assertThatThrownBy(() -> c.convert("x,16")).isInstanceOf(TypeConversionException.class);
    }

    @Test
    void wholeBodyWithSmallBlocks() {
        Captured c = new Captured(false);
        assertThat(c.run("get", "-b", "16", uri("/large"))).isZero();
        assertThat(c.out()).isEqualTo(LargePlugtest.LARGE);
    }

    @Test
    void oneBlockOnly() {
        Captured c = new Captured(false);
        assertThat(c.run("get", "-b", "1,256", uri("/large"))).isZero();
        assertThat(c.out()).isEqualTo(LargePlugtest.LARGE.substring(256, 512));
    }

    @Test
    void uploadInBlocksThenReadBack() {
        String body = "0123456789abcdef".repeat(200);
        Captured put = new Captured(false);
        assertThat(put.run("put", "-b", "64", "-e", body, uri("/large-update"))).isZero();
        Captured get = new Captured(false);
        assertThat(get.run("get", uri("/large-update"))).isZero();
        assertThat(get.out()).isEqualTo(body);
    }

    @Test
    void progressBarOnlyOnATerminalAndClearedAfterwards() {
        Captured piped = new Captured(false);
        assertThat(piped.run("get", "-b", "64", uri("/large"))).isZero();
        assertThat(piped.err()).isEmpty();
        Captured terminal = new Captured(true);
        assertThat(terminal.run("get", "-b", "64", uri("/large"))).isZero();
        assertThat(terminal.err()).contains("[###").contains("100% 1.3 KiB / 1.3 KiB").endsWith("\r");
    }

    @Test
    void barRendering() {
        assertThat(ProgressBar.render(512, 1024)).isEqualTo("[" + "#".repeat(15) + " ".repeat(15) + "]  50% 512 B / 1.0 KiB");
        assertThat(ProgressBar.render(2048, -1)).isEqualTo("[" + "?".repeat(30) + "] 2.0 KiB");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        bar.progress(1, 2);
        bar.progress(1, 2); // unchanged: not drawn again
        bar.finish();
        String drawn = bytes.toString(StandardCharsets.UTF_8);
        assertThat(drawn.split("\r", -1)).hasSize(4); // draw, clear, return
    }
}
