package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@code tern serve} tells about failed DTLS handshakes on stderr, at most 5 per 10 s, then a summary. */
class HandshakeFailureLogTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final AtomicLong nanos = new AtomicLong(1_000);
    private final HandshakeFailureLog log = new HandshakeFailureLog(
            new PrintStream(bytes, true, StandardCharsets.UTF_8), nanos::get);
    private final InetSocketAddress peer = new InetSocketAddress("192.0.2.7", 40000);

    private String err() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aFloodPrintsFiveLinesThenOneSummaryPerWindow() {
        for (int i = 0; i < 1000; i++) {
            log.failed(peer, "decrypt_error (wrong pre-shared key or identity?)");
        }
        assertThat(err().lines()).hasSize(HandshakeFailureLog.LINES_PER_WINDOW)
                .allMatch(l -> l.equals("tern: DTLS handshake with 192.0.2.7:40000 failed: "
                        + "decrypt_error (wrong pre-shared key or identity?)"));
        log.flush(); // the window is still open: nothing yet
        assertThat(err().lines()).hasSize(5);
        nanos.addAndGet(Duration.ofSeconds(10).toNanos());
        log.flush();
        assertThat(err().lines()).hasSize(6).last()
                .isEqualTo("tern: 995 more DTLS handshakes failed in the last 10 s (not shown)");
        log.flush();
        assertThat(err().lines()).hasSize(6); // said once
        log.failed(peer, "timeout");
        assertThat(err().lines()).hasSize(7).last().isEqualTo("tern: DTLS handshake with 192.0.2.7:40000 failed: timeout");
    }

    @Test
    void theSummaryAlsoComesWithTheNextFailureAfterTheWindow() {
        for (int i = 0; i < 7; i++) {
            log.failed(peer, "x");
        }
        nanos.addAndGet(Duration.ofSeconds(11).toNanos());
        log.failed(peer, "y");
        assertThat(err().lines()).hasSize(7).endsWith(
                "tern: 2 more DTLS handshakes failed in the last 10 s (not shown)",
                "tern: DTLS handshake with 192.0.2.7:40000 failed: y");
    }

    @Test
    void serveTellsAboutAFailedHandshake() {
        try (Serving s = new Serving("--psk-identity", "dev1", "--psk-key", "secret")) {
            Captured c = new Captured(false);
            assertThat(c.run("get", "-B", "5", s.coaps("127.0.0.1", "/hello"), "-u", "dev1", "-k", "not-the-key-42"))
                    .isEqualTo(ExitCodes.ERROR);
            await().atMost(Duration.ofSeconds(10)).until(() -> s.output.err().contains("tern: DTLS handshake with 127.0.0.1:"));
            assertThat(s.output.err()).containsPattern("tern: DTLS handshake with 127\\.0\\.0\\.1:\\d+ failed: .+")
                    .doesNotContain("secret").doesNotContain("not-the-key-42");
        }
    }
}
