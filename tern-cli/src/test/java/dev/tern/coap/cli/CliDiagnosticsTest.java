package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.CoapServer;
import dev.tern.coap.CoapTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What {@code tern} says on stderr when things go wrong or when asked for detail (issue 16). */
class CliDiagnosticsTest {
    private static CoapServer demo;
    private static CoapServer plugtest;

    @BeforeAll
    static void start() {
        demo = CoapServer.builder().port(0).bind("127.0.0.1").service(DemoResources.router()).build().start();
        plugtest = CoapServer.builder().port(0).bind("127.0.0.1").service(PlugtestResources.router()).build().start();
    }

    @AfterAll
    static void stop() {
        demo.close();
        plugtest.close();
    }

    @Test
    void observeOfAMissingResourceSaysSoLikeGet() {
        Captured c = new Captured(false);
        assertThat(c.run("observe", "-c", "1", "coap://127.0.0.1:" + plugtest.port() + "/nope")).isEqualTo(4);
        assertThat(c.err()).isEqualTo("tern: 4.04 Not Found" + System.lineSeparator());
        assertThat(c.out()).isEmpty();
    }

    @Test
    void verboseShowsBlockOptionsDecodedAndThePeer() {
        Captured c = new Captured(false);
        String peer = "127.0.0.1:" + plugtest.port();
        assertThat(c.run("get", "-v", "-b", "256", "coap://" + peer + "/large")).isZero();
        List<String> lines = Arrays.asList(c.err().split(System.lineSeparator()));
        assertThat(lines).anyMatch(l -> l.startsWith("> " + peer + " CON-GET") && l.contains("Block2:1/_/256"));
        assertThat(lines).anyMatch(l -> l.startsWith("< " + peer + " ACK-2.05") && l.contains("Block2:1/M/256"));
        assertThat(lines).anyMatch(l -> l.contains("Block2:0/M/256"));
    }

    @Test
    void topLevelHelpShowsWholeSentences() {
        Captured c = new Captured(false);
        assertThat(c.run("--help")).isZero();
        String help = c.out();
        String commands = help.substring(help.indexOf("Commands:"), help.indexOf("Examples:"));
        // each entry (a name, then its summary, wrapped onto deeper-indented lines) is whole sentences
        List<String> entries = new java.util.ArrayList<>();
        for (String line : commands.split(System.lineSeparator())) {
            if (line.matches("  \\S.*")) {
                entries.add(line.trim());
            } else if (line.matches("\\s{3,}\\S.*") && !entries.isEmpty()) {
                entries.set(entries.size() - 1, entries.get(entries.size() - 1) + " " + line.trim());
            }
        }
        assertThat(entries).hasSizeGreaterThan(10).allSatisfy(e -> assertThat(e).endsWith("."));
        assertThat(commands).contains("serve").doesNotContain("/whoami and" + System.lineSeparator());
    }

    @Test
    void aTimeoutOnTheOtherSchemesPortSuggestsIt() {
        Captured c = new Captured(false);
        Failures.report(new CoapTimeoutException("x"), "coap://127.0.0.1:5684/hello", Duration.ofSeconds(2), c.io.err(), false);
        assertThat(c.err()).contains("(timeout)").contains("5684 is the coaps:// port").contains("coaps://127.0.0.1:5684/hello");
        Captured s = new Captured(false);
        Failures.report(new CoapTimeoutException("x"), "coaps://[::1]:5683/hello", Duration.ofSeconds(2), s.io.err(), false);
        assertThat(s.err()).contains("5683 is the coap:// port").contains("coap://[::1]:5683/hello");
        Captured plain = new Captured(false);
        Failures.report(new CoapTimeoutException("x"), "coap://127.0.0.1:5683/hello", Duration.ofSeconds(2), plain.io.err(), false);
        assertThat(plain.err()).doesNotContain("coaps");
    }

    @Test
    void discoverWithAFilterThatMatchesNothingSaysSo() {
        Captured c = new Captured(false);
        assertThat(c.run("discover", "--rt", "no-such-type", "coap://127.0.0.1:" + demo.port())).isZero();
        assertThat(c.out()).isBlank();
        assertThat(c.err()).contains("tern: no resource").contains("rt=no-such-type");
        Captured all = new Captured(false);
        assertThat(all.run("discover", "coap://127.0.0.1:" + demo.port())).isZero();
        assertThat(all.err()).isEmpty();
    }
}
