package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * End to end as a new user would try it (issue 14): {@code tern serve --rd}, then
 * {@code tern rd register} and {@code tern rd lookup} against it over loopback UDP (RFC 9176 §5, §6).
 */
class RdCommandTest {
    private final Captured serverOutput = new Captured(false);
    private ServeCommand serve;
    private final CompletableFuture<Integer> status = new CompletableFuture<>();
    private String rd;

    @BeforeEach
    void serve() {
        CommandLine cl = Main.commandLine(serverOutput.io);
        serve = (ServeCommand) cl.getSubcommands().get("serve").getCommand();
        Thread t = new Thread(() -> status.complete(cl.execute("serve", "--port", "0", "--bind", "127.0.0.1", "--rd")),
                "tern-serve-rd-test");
        t.setDaemon(true);
        t.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> serve.address() != null || status.isDone());
        assertThat(status).as(serverOutput.err()).isNotDone();
        rd = "coap://127.0.0.1:" + serve.address().getPort();
    }

    @AfterEach
    void stop() {
        serve.stop();
        assertThat(status).succeedsWithin(Duration.ofSeconds(10)).isEqualTo(ExitCodes.OK);
    }

    @Test
    void registerThenLookUp() {
        Captured reg = new Captured(false);
        assertThat(reg.run("rd", "register", rd, "--ep", "lamp-1", "--lt", "600",
                "</light>;rt=light-lux,</power>;rt=\"core.p\"")).as(reg.err()).isZero();
        assertThat(reg.out()).matches("/reg/[0-9a-z]+\\R");

        Captured res = new Captured(false);
        assertThat(res.run("rd", "lookup", rd, "res", "rt=light*")).as(res.err()).isZero();
        assertThat(res.out().trim()).startsWith("<coap://127.0.0.1:").contains("/light>;rt=\"light-lux\"")
                .doesNotContain("power");

        Captured ep = new Captured(false);
        assertThat(ep.run("rd", "lookup", rd, "ep", "ep=lamp-1", "--format", "json")).isZero();
        assertThat(ep.out()).contains("\"ep\":\"lamp-1\"").contains("\"lt\":");

        Captured none = new Captured(false);
        assertThat(none.run("rd", "lookup", rd, "res", "rt=nothing")).isZero();
        assertThat(none.out()).isEmpty();

        Captured pageTwo = new Captured(false);
        assertThat(pageTwo.run("rd", "lookup", rd, "res", "--page", "1", "--count", "1")).isZero();
        assertThat(pageTwo.out()).contains("/power>");
    }

    /** The issue's first try: register without links, look up by a prefix; the demo resources stay. */
    @Test
    void registerWithoutLinksAndDiscoverTheDirectory() {
        Captured reg = new Captured(false);
        assertThat(reg.run("rd", "register", rd, "--ep", "lamp-1")).as(reg.err()).isZero();
        Captured ep = new Captured(false);
        assertThat(ep.run("rd", "lookup", rd, "ep")).isZero();
        assertThat(ep.out()).contains("ep=\"lamp-1\"");
        Captured discover = new Captured(false);
        assertThat(discover.run("discover", rd, "--rt", "core.rd*")).isZero();
        assertThat(discover.out()).contains("</rd>;rt=\"core.rd\"").contains("</rd-lookup/res>");
        Captured hello = new Captured(false);
        assertThat(hello.run("get", rd + "/hello")).isZero();
    }

    @Test
    void errorsAndUsage() {
        Captured tooLong = new Captured(false);
        assertThat(tooLong.run("rd", "register", rd, "--ep", "x".repeat(64))).isEqualTo(ExitCodes.CLIENT_ERROR);
        assertThat(tooLong.err()).contains("4.00");
        Captured noEp = new Captured(false);
        assertThat(noEp.run("rd", "register", rd)).isEqualTo(ExitCodes.USAGE);
        Captured badLinks = new Captured(false);
        assertThat(badLinks.run("rd", "register", rd, "--ep", "a", "<x>;,")).isEqualTo(ExitCodes.USAGE);
        Captured badKind = new Captured(false);
        assertThat(badKind.run("rd", "lookup", rd, "things")).isEqualTo(ExitCodes.USAGE);
    }
}
