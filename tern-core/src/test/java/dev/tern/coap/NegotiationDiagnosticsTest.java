package dev.tern.coap;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The Router's automatic 4.15 and 4.06 carry a diagnostic payload (RFC 7252 §5.5.2) naming what
 * the resource expects, so a client developer sees why (issue 16).
 */
class NegotiationDiagnosticsTest {
    private final Router router = Router.builder()
            .post("/in", r -> Response.of(Code.CHANGED), RouteOptions.create().consumes(ContentFormat.JSON))
            .get("/t", r -> Response.content("21.5"),
                    RouteOptions.create().produces(ContentFormat.TEXT_PLAIN, ContentFormat.JSON))
            .build();

    private Response call(Request r) {
        return router.handle(r).join();
    }

    @Test
    void unsupportedContentFormatNamesTheExpectedFormats() {
        Response r = call(Request.builder(Method.POST).path("/in").payload("<a/>").contentFormat(ContentFormat.XML).build());
        assertThat(r.code()).isSameAs(Code.UNSUPPORTED_CONTENT_FORMAT);
        assertThat(r.payloadString())
                .isEqualTo("expected Content-Format one of: application/json (50); got application/xml (41)");
        assertThat(r.options().contentFormat()).as("a diagnostic payload has no Content-Format (RFC 7252 §5.5.2)").isEmpty();

        Response untyped = call(Request.builder(Method.POST).path("/in").payload("{}").build());
        assertThat(untyped.payloadString())
                .isEqualTo("expected Content-Format one of: application/json (50); got a payload without Content-Format");
    }

    @Test
    void notAcceptableNamesWhatTheResourceProduces() {
        Response r = call(Request.builder(Method.GET).path("/t").accept(ContentFormat.CBOR).build());
        assertThat(r.code()).isSameAs(Code.NOT_ACCEPTABLE);
        assertThat(r.payloadString()).isEqualTo("Accept application/cbor (60) is not available; "
                + "expected Accept one of: text/plain;charset=utf-8 (0), application/json (50)");
        assertThat(r.options().contentFormat()).isEmpty();
        Response unregistered = call(Request.builder(Method.GET).path("/t").accept(65000).build());
        assertThat(unregistered.payloadString()).startsWith("Accept 65000 is not available;");
    }

    @Test
    void overTheWireTheClientSeesTheDiagnostic() {
        try (CoapServer server = CoapServer.builder().port(0).bind("127.0.0.1").service(router).build().start();
             CoapClient client = CoapClient.create()) {
            Response r = client.post("coap://127.0.0.1:" + server.port() + "/in", Bytes.utf8("x"), ContentFormat.TEXT_PLAIN);
            assertThat(r.code() == Code.UNSUPPORTED_CONTENT_FORMAT).isTrue();
            assertThat(r.payloadString()).startsWith("expected Content-Format one of: application/json (50)");
        }
    }
}
