package dev.tern.coap.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.Bytes;
import dev.tern.coap.Code;
import dev.tern.coap.ContentFormat;
import dev.tern.coap.Option;
import dev.tern.coap.Response;
import org.junit.jupiter.api.Test;

class JsonOutputTest {
    @Test
    void textResponse() {
        assertThat(JsonOutput.format(Response.content("Hello World!"))).isEqualTo(
                "{\"code\":\"2.05\",\"reason\":\"Content\","
                        + "\"options\":[{\"number\":12,\"name\":\"Content-Format\",\"value\":0}],"
                        + "\"contentFormat\":0,\"payload\":\"Hello World!\",\"payloadEncoding\":\"text\"}");
    }

    @Test
    void emptyResponse() {
        assertThat(JsonOutput.format(Response.of(Code.NOT_FOUND))).isEqualTo(
                "{\"code\":\"4.04\",\"reason\":\"Not Found\",\"options\":[],\"contentFormat\":null,"
                        + "\"payload\":\"\",\"payloadEncoding\":\"text\"}");
    }

    @Test
    void binaryPayloadIsBase64() {
        Response r = Response.content(Bytes.fromHex("a16161f5"), ContentFormat.CBOR);
        assertThat(JsonOutput.format(r)).endsWith("\"contentFormat\":60,\"payload\":\"oWFh9Q==\",\"payloadEncoding\":\"base64\"}");
    }

    @Test
    void undeclaredBinaryIsBase64AndUndeclaredTextIsText() {
        Response bin = Response.builder(Code.CONTENT).payload(Bytes.fromHex("00ff")).build();
        assertThat(JsonOutput.format(bin)).contains("\"payload\":\"AP8=\",\"payloadEncoding\":\"base64\"");
        Response diag = Response.builder(Code.BAD_REQUEST).payload("bad query").build();
        assertThat(JsonOutput.format(diag)).contains("\"payload\":\"bad query\",\"payloadEncoding\":\"text\"");
    }

    @Test
    void optionValuesByFormat() {
        Response r = Response.builder(Code.CREATED)
                .etag(Bytes.fromHex("0102"))
                .locationPath("/a/b")
                .maxAge(300)
                .option(Option.ofEmpty(5))
                .option(new Option(65000, Bytes.fromHex("ff")))
                .build();
        assertThat(JsonOutput.format(r)).contains("\"options\":["
                + "{\"number\":4,\"name\":\"ETag\",\"value\":\"0x0102\"},"
                + "{\"number\":5,\"name\":\"If-None-Match\",\"value\":\"\"},"
                + "{\"number\":8,\"name\":\"Location-Path\",\"value\":\"a\"},"
                + "{\"number\":8,\"name\":\"Location-Path\",\"value\":\"b\"},"
                + "{\"number\":14,\"name\":\"Max-Age\",\"value\":300},"
                + "{\"number\":65000,\"name\":\"Option-65000\",\"value\":\"0xff\"}]");
    }

    @Test
    void stringsAreEscaped() {
        Response r = Response.content("quote \" backslash \\ newline \n tab \t bell \u0007 é");
        assertThat(JsonOutput.format(r)).contains(
                "\"payload\":\"quote \\\" backslash \\\\ newline \\n tab \\t bell \\u0007 é\"");
    }
}
