package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Response;
import org.junit.jupiter.api.Test;

class ResponsePrinterTest {
    private static final String JSON = "{\"a\":[1,2]}";

    @Test
    void pipedOutputIsTheExactBytes() {
        Captured c = new Captured(false);
        new ResponsePrinter(c.io).printPayload(Response.content(Bytes.utf8(JSON), ContentFormat.JSON));
        assertThat(c.out()).isEqualTo(JSON);
        Captured bin = new Captured(false);
        new ResponsePrinter(bin.io).printPayload(Response.content(Bytes.fromHex("00ff10"), ContentFormat.CBOR));
        assertThat(bin.out.toByteArray()).containsExactly(0, 0xff, 0x10);
        assertThat(bin.err()).isEmpty();
    }

    @Test
    void terminalOutputIsPretty() {
        Captured c = new Captured(true);
        new ResponsePrinter(c.io).printPayload(Response.content(Bytes.utf8(JSON), ContentFormat.JSON));
        assertThat(c.out()).isEqualTo("{\n  \"a\": [\n    1,\n    2\n  ]\n}" + System.lineSeparator());

        Captured links = new Captured(true);
        new ResponsePrinter(links.io).printPayload(Response.content(Bytes.utf8("</a>,</b>"), ContentFormat.LINK_FORMAT));
        assertThat(links.out()).isEqualTo("</a>,\n</b>" + System.lineSeparator());

        Captured text = new Captured(true);
        new ResponsePrinter(text.io).printPayload(Response.content("Hello World!"));
        assertThat(text.out()).isEqualTo("Hello World!" + System.lineSeparator());
    }

    @Test
    void terminalShowsBinaryAsHex() {
        Captured c = new Captured(true);
        new ResponsePrinter(c.io).printPayload(Response.content(Bytes.fromHex("a0"), ContentFormat.CBOR));
        assertThat(c.out()).isEqualTo("0xa0" + System.lineSeparator());
        assertThat(c.err()).contains("application/cbor").contains("1 bytes");
    }

    @Test
    void emptyPayloadPrintsNothing() {
        Captured c = new Captured(true);
        new ResponsePrinter(c.io).printPayload(Response.of(Code.CHANGED));
        assertThat(c.out()).isEmpty();
    }

    @Test
    void headShowsCodeAndOptions() {
        Captured c = new Captured(false);
        new ResponsePrinter(c.io).printHead(Response.builder(Code.CONTENT).maxAge(30).contentFormat(0).build());
        assertThat(c.err()).isEqualTo(String.join(System.lineSeparator(), "2.05 Content", "  Content-Format:0 (text/plain;charset=utf-8)",
                "  Max-Age:30", ""));
        assertThat(c.out()).isEmpty();
    }

    @Test
    void exitCodesByClass() {
        assertThat(ExitCodes.of(Code.CONTENT)).isZero();
        assertThat(ExitCodes.of(Code.VALID)).isZero();
        assertThat(ExitCodes.of(Code.NOT_FOUND)).isEqualTo(4);
        assertThat(ExitCodes.of(Code.PRECONDITION_FAILED)).isEqualTo(4);
        assertThat(ExitCodes.of(Code.INTERNAL_SERVER_ERROR)).isEqualTo(5);
        assertThat(ExitCodes.of(Code.GATEWAY_TIMEOUT)).isEqualTo(5);
    }
}
