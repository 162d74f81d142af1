package dev.tern.coap.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tern.coap.ContentFormat;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link BodilessRequests}: a GET skips the aggregator, everything else goes through it unchanged
 * and in order; and the response-side constants of the gateway (content types, Cache-Control).
 */
class BodilessRequestsTest {

    private static List<FullHttpRequest> decode(String... wire) {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpServerCodec(4096, 8192, 8192), new BodilessRequests(),
                new HttpObjectAggregator(1024));
        for (String w : wire) {
            ch.writeInbound(Unpooled.copiedBuffer(w, StandardCharsets.ISO_8859_1));
        }
        List<FullHttpRequest> out = new ArrayList<>();
        Object m;
        while ((m = ch.readInbound()) != null) {
            out.add((FullHttpRequest) m);
        }
        ch.finishAndReleaseAll();
        return out;
    }

    @Test
    void pipelinedRequestsWithAndWithoutBodiesArriveWholeAndInOrder() {
        List<FullHttpRequest> in = decode("GET /hc/coap://127.0.0.1/a HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n\r\n"
                + "PUT /hc/coap://127.0.0.1/b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /hc/coap://127.0.0.1/c HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
                + "POST /hc/coap://127.0.0.1/d HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n");
        assertThat(in).extracting(r -> r.method().name() + " " + r.uri() + " " + r.content().toString(StandardCharsets.UTF_8))
                .containsExactly("GET /hc/coap://127.0.0.1/a ", "PUT /hc/coap://127.0.0.1/b abc",
                        "GET /hc/coap://127.0.0.1/c ", "POST /hc/coap://127.0.0.1/d hi");
        assertThat(in.get(0).headers().get(HttpHeaderNames.ACCEPT)).isEqualTo("text/plain");
        // the GETs skipped the aggregator (which gives every request a composite buffer), the others did not
        assertThat(in).extracting(r -> r.content() instanceof CompositeByteBuf).containsExactly(false, true, false, true);
        assertThat(in).allMatch(r -> r.decoderResult().isSuccess());
        in.forEach(FullHttpRequest::release);
    }

    @Test
    void aRequestSplitAcrossReadsAndOneWithExpectStillArriveWhole() {
        List<FullHttpRequest> in = decode("GET /hc/coap://127.0.0.1/a HTTP/1.1\r\nHo", "st: x\r\n\r\n",
                "PUT /hc/coap://127.0.0.1/b HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n", "ok");
        assertThat(in).extracting(r -> r.method().name() + " " + r.content().toString(StandardCharsets.UTF_8))
                .containsExactly("GET ", "PUT ok");
        in.forEach(FullHttpRequest::release);
    }

    @Test
    void aMalformedRequestKeepsItsFailureForTheHandler() {
        List<FullHttpRequest> in = decode("GET /hc/coap://127.0.0.1/a HTTP/1.1\r\nBad Header\u0001: x\r\n\r\n");
        assertThat(in).hasSize(1);
        assertThat(in.get(0).decoderResult().isFailure()).isTrue();
        in.forEach(FullHttpRequest::release);
    }

    @Test
    void contentTypesAndCacheControlAreTheMappedOnes() {
        assertThat(HttpMapping.contentType(ContentFormat.TEXT_PLAIN)).isEqualTo("text/plain;charset=utf-8"); // the registry's spelling
        assertThat(HttpMapping.contentType(ContentFormat.JSON)).isEqualTo("application/json");
        assertThat(HttpMapping.contentType(ContentFormat.SENML_JSON)).isEqualTo("application/senml+json");
        assertThat(HttpMapping.contentType(200)).isEqualTo("application/coap-payload; cf=200");
        assertThat(HttpMapping.contentType(65000)).isEqualTo("application/coap-payload; cf=65000");
        assertThat(GatewayHandler.maxAge(60).toString()).isEqualTo("max-age=60");
        assertThat(GatewayHandler.maxAge(60)).isSameAs(GatewayHandler.maxAge(60));
        assertThat(GatewayHandler.maxAge(0).toString()).isEqualTo("max-age=0");
        assertThat(GatewayHandler.maxAge(4_294_967_295L).toString()).isEqualTo("max-age=4294967295");
        FullHttpResponse r = GatewayHandler.text(HttpResponseStatus.BAD_GATEWAY, "x");
        assertThat(r.headers().get(HttpHeaderNames.CONTENT_TYPE)).isEqualTo("text/plain; charset=utf-8");
        r.release();
    }
}
