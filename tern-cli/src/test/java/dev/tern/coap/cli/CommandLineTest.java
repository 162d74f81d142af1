package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Method;
import dev.tern.coap.OptionNumber;
import dev.tern.coap.Request;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class CommandLineTest {
    private static RequestCommand parse(Captured c, String... args) {
        ParseResult pr = Main.commandLine(c.io).parseArgs(args);
        return (RequestCommand) pr.subcommand().commandSpec().userObject();
    }

    private static Request request(String... args) {
        RequestCommand cmd = parse(new Captured(false), args);
        return cmd.buildRequest(Target.parse(cmd.uri).uri());
    }

    @Test
    void noCommandIsUsageError() {
        Captured c = new Captured(false);
        assertThat(c.run()).isEqualTo(ExitCodes.USAGE);
        assertThat(c.err()).contains("missing command").contains("Usage: tern");
        assertThat(c.out()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "frob", "get", "get --nope coap://h/", "get -t nosuchformat coap://h/", "get -A 70000 coap://h/",
        "get -O 1x,2 coap://h/", "get -O 14,abc coap://h/", "get -T xyz coap://h/", "get -T 0x112233445566778899 coap://h/",
        "get -B 0 coap://h/", "get -B -3 coap://h/", "get -B soon coap://h/", "get --format xml coap://h/",
        "get coap://h/ a b", "ping", "serve --port x", "serve --port 70000"})
    void badUsageExitsWith2(String line) {
        Captured c = new Captured(false);
        assertThat(c.run(line.split(" "))).as(line).isEqualTo(ExitCodes.USAGE);
        assertThat(c.err()).startsWith("tern: ");
        assertThat(c.out()).isEmpty();
    }

    @Test
    void twoPayloadsAreAUsageError() {
        Captured c = new Captured(false);
        assertThat(c.run("post", "-e", "a", "coap://127.0.0.1/x", "b")).isEqualTo(ExitCodes.USAGE);
        assertThat(c.err()).contains("give the payload once");
    }

    @Test
    void missingFileIsAUsageError() {
        Captured c = new Captured(false);
        assertThat(c.run("post", "-f", "/no/such/file", "coap://127.0.0.1/x")).isEqualTo(ExitCodes.USAGE);
        assertThat(c.err()).contains("no such file: /no/such/file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://example.com/", "coap:///nohost", "coap://bad host/"})
    void badUrisAreUsageErrors(String uri) {
        Captured c = new Captured(false);
        assertThat(c.run("get", uri)).isEqualTo(ExitCodes.USAGE);
        assertThat(c.err()).startsWith("tern: ");
    }

    @Test
    void unknownHostIsError1() {
        Captured c = new Captured(false);
        assertThat(c.run("get", "coap://no-such-host.invalid/x")).isEqualTo(ExitCodes.ERROR);
        assertThat(c.err()).isEqualTo("tern: cannot resolve host 'no-such-host.invalid'" + System.lineSeparator());
    }

    @Test
    void quietSilencesErrors() {
        Captured c = new Captured(false);
        assertThat(c.run("get", "-q", "coap://no-such-host.invalid/x")).isEqualTo(ExitCodes.ERROR);
        assertThat(c.err()).isEmpty();
    }

    @Test
    void helpIsOnStdoutWithStatus0() {
        Captured c = new Captured(false);
        assertThat(c.run("get", "--help")).isZero();
        assertThat(c.out()).contains("--content-format").contains("--max-time").contains("Exit status");
        Captured v = new Captured(false);
        assertThat(v.run("--version")).isZero();
        assertThat(v.out()).startsWith("tern ");
    }

    @ParameterizedTest
    @CsvSource({"text,0", "json,50", "cbor,60", "link,40", "xml,41", "binary,42", "application/json,50", "112,112",
        "senml+json,110"})
    void contentFormatNames(String name, int number) {
        assertThat(request("post", "-t", name, "coap://h/x", "p").contentFormat()).hasValue(number);
        assertThat(request("get", "-A", name, "coap://h/x").options().accept()).hasValue(number);
        assertThat(request("get", "--accept=" + name, "coap://h/x").options().accept()).hasValue(number);
    }

    @Test
    void everySubcommandSendsItsMethod() {
        for (Method m : Method.values()) {
            String name = m.name().toLowerCase(java.util.Locale.ROOT);
            assertThat(request(name, "coap://h/x").method()).isEqualTo(m);
        }
    }

    @Test
    void requestFromFlags() {
        Request r = request("put", "-N", "-T", "0xCAFE", "-B", "1.5", "-O", "15,a=1", "-O", "15,b=2",
                "--option", "If-None-Match", "-t", "json", "coap://h:6000/a/b?c=3", "{\"x\":1}");
        assertThat(r.method()).isEqualTo(Method.PUT);
        assertThat(r.isConfirmable()).isFalse();
        assertThat(r.token()).hasValue(Bytes.fromHex("cafe"));
        assertThat(r.timeout()).hasValue(Duration.ofMillis(1500));
        assertThat(r.pathSegments()).containsExactly("a", "b");
        assertThat(r.query()).containsExactly("c=3", "a=1", "b=2");
        assertThat(r.options().ifNoneMatch()).isTrue();
        assertThat(r.contentFormat()).hasValue(ContentFormat.JSON);
        assertThat(r.payloadString()).isEqualTo("{\"x\":1}");
        assertThat(r.options().has(OptionNumber.URI_PORT)).isFalse(); // RFC 7252 §6.4: the port is the destination
        assertThat(r.peer().getPort()).isEqualTo(6000);
    }

    @Test
    void anExtendedTokenIsAccepted() { // RFC 8974 §2.1: 13 to 65 804 bytes; 9 to 12 have no encoding
        String twenty = "00112233445566778899aabbccddeeff00112233";
        assertThat(request("get", "-T", twenty, "coap://h/x").token()).hasValue(Bytes.fromHex(twenty));
        Captured c = new Captured(false);
        assertThat(c.run("get", "-T", "0x112233445566778899aabbcc", "coap://h/x")).isEqualTo(ExitCodes.USAGE);
        assertThat(c.err()).contains("13 to 65804").contains("not 12");
    }

    @Test
    void defaultsAreConfirmableWithoutTimeoutOrPayload() {
        Request r = request("get", "coap://h/x");
        assertThat(r.isConfirmable()).isTrue();
        assertThat(r.timeout()).isEmpty();
        assertThat(r.token()).isEmpty();
        assertThat(r.payload().isEmpty()).isTrue();
        assertThat(r.options().has(OptionNumber.CONTENT_FORMAT)).isFalse();
    }

    @Test
    void schemeIsAssumed() {
        assertThat(Target.parse("localhost/hello").uri()).isEqualTo("coap://localhost/hello");
        assertThat(request("get", "localhost:5000/hello").pathSegments()).containsExactly("hello");
    }

    @Test
    void payloadFromOptionFileAndStdin(@TempDir Path dir) throws Exception {
        assertThat(request("post", "-e", "text", "coap://h/x").payloadString()).isEqualTo("text");
        assertThat(request("post", "--payload=t2", "coap://h/x").payloadString()).isEqualTo("t2");

        Path file = dir.resolve("p.bin");
        Files.write(file, new byte[] {0, 1, 2, (byte) 0xff});
        assertThat(request("post", "-f", file.toString(), "coap://h/x").payload()).isEqualTo(Bytes.fromHex("000102ff"));

        Captured c = new Captured(false, "from stdin".getBytes(StandardCharsets.UTF_8));
        RequestCommand cmd = parse(c, "post", "-f", "-", "coap://h/x");
        assertThat(cmd.buildRequest("coap://h/x").payloadString()).isEqualTo("from stdin");
    }

    @Test
    void formatIsCaseInsensitive() {
        RequestCommand cmd = parse(new Captured(false), "get", "--format", "JSON", "coap://h/");
        assertThat(cmd.format).isEqualTo(OutputFormat.json);
    }

    @Test
    void serveDefaults() {
        ParseResult pr = Main.commandLine(new Captured(false).io).parseArgs("serve");
        ServeCommand s = (ServeCommand) pr.subcommand().commandSpec().userObject();
        assertThat(s.port).isEqualTo(5683);
        assertThat(s.bind).isNull();
        assertThat(s.plugtest).isFalse();
        pr = Main.commandLine(new Captured(false).io).parseArgs("serve", "--port", "0", "--bind", "::1", "--plugtest", "-v");
        s = (ServeCommand) pr.subcommand().commandSpec().userObject();
        assertThat(s.port).isZero();
        assertThat(s.bind).isEqualTo("::1");
        assertThat(s.plugtest).isTrue();
        assertThat(s.verbose).isTrue();
    }

    @Test
    void usageExitCodeIsPicocliDefault() {
        assertThat(CommandLine.ExitCode.USAGE).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void shellCompletionScriptNamesTheSubcommands() {
        Captured c = new Captured(false);
        assertThat(c.run("generate-completion")).isZero();
        assertThat(c.out()).contains("tern Bash Completion").contains("observe").contains("discover");
    }
}
